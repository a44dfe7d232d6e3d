#!/usr/bin/env bash
# Checks and times the CUDA backend on a GPU machine in one command, from a distribution made
# on a build machine with
#     scripts/make-dist.sh --with-tests
# and copied to the GPU machine (no JDK, Maven or network needed there):
#     infinitewidth/bin/gpu-check.sh [OUT_DIR]
# It writes into OUT_DIR (default gpu-check-<host>-<UTC time>): nvidia-smi.txt, env.txt,
# tests.txt and junit/ (the backend tests, CUDA ones included, and the command-line tests),
# timings.md (CudaKernelTimings: the backend's operations), engines.md (the example jobs on the
# CPU and the GPU, wallSeconds from summary.json), paper-5.1.md (TP IVb section 5.1 set-up: CUDA
# against the CPU, and GPU times up to the paper's 65536 particles), and the runs themselves.
# timings.md and paper-5.1.md print every measured time next to what the model of
# docs/performance.md ("GPU time model", GpuTimeModel) predicts for an H100 or H200, and their
# ratio. docs/performance.md says where the numbers go. Exit status: that of the tests.
set -uo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="$home/runtime/bin/java"
out="${1:-gpu-check-$(hostname)-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
if [ ! -d "$home/tests" ]; then
  echo "gpu-check: $home has no tests/; build the distribution with scripts/make-dist.sh --with-tests" >&2
  exit 2
fi
native="-Djava.library.path=$home/lib/native"
vector="--add-modules=jdk.incubator.vector"   # as the launcher and the Maven build run
cp="$home/lib/infinitewidth.jar:$home/tests/classes"

(command -v nvidia-smi >/dev/null && nvidia-smi || echo "no nvidia-smi") > "$out/nvidia-smi.txt" 2>&1
"$home/bin/infinitewidth" env > "$out/env.txt" 2>&1
cat "$out/env.txt"

# Tests tagged "sources" read the source tree (native/), which a distribution does not have.
(cd "$home" && "$java" "$native" "$vector" -jar "$home/tests/junit-platform-console-standalone.jar" execute \
  --class-path "$cp" --select-package io.github.infinitewidth.backend \
  --select-class io.github.infinitewidth.cli.MainTest --exclude-tag sources \
  --reports-dir "$out/junit" --details=summary --disable-banner) > "$out/tests.txt" 2>&1
tests=$?
tail -n 20 "$out/tests.txt"

"$java" "$native" "$vector" -cp "$cp" io.github.infinitewidth.backend.cuda.CudaKernelTimings > "$out/timings.md" 2>&1
cat "$out/timings.md"

# The example jobs on both backends, and on the GPU with more particles, where it should pull
# ahead; each run is cut off after 5 minutes so the check stays short.
mkdir -p "$out/runs"
{
  echo "| job | backend | particles | wallSeconds |"
  echo "|---|---|---|---|"
  for job in quickstart nt-limit-signsgd mu-limit-adam; do
    for particles in default 16384; do
      for backend in cpu cuda; do
        [ "$particles" != default ] && { [ "$job" = quickstart ] || [ "$backend" = cpu ]; } && continue
        run="$out/runs/$job-$backend-$particles"
        extra=()
        [ "$particles" != default ] && extra=(--particles "$particles")
        if timeout 300 "$home/bin/infinitewidth" run "$home/examples/$job.yaml" --out "$run" --backend "$backend" --quiet \
             ${extra[@]+"${extra[@]}"} 2> "$run.err"; then
          wall=$(grep -o '"wallSeconds" *: *[0-9.eE+-]*' "$run/summary.json" | sed 's/.*: *//')
        else
          wall="failed: $(head -c 300 "$run.err")"
        fi
        echo "| $job | $backend | $particles | $wall |"
      done
    done
  done
} > "$out/engines.md"
cat "$out/engines.md"

# TP IVb section 5.1 (examples/paper-5.1: 100 inputs, full batch, Adam, relu, 2 hidden layers) in
# float32: CUDA against the CPU at a CPU size (the same seed draws the same particles, so the
# outputs differ by rounding only), then the GPU alone at the CPU sizes and the paper's size,
# each next to the model's prediction for this GPU and GEMM route.
paper="$home/examples/paper-5.1/job-gpu.yaml"
gpu_name="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1)"
route="$(sed -n 's/^cuda gemm: \([a-z]*\).*/\1/p' "$out/env.txt")"
predict() { # particles steps
  "$java" "$vector" -cp "$cp" io.github.infinitewidth.backend.cuda.GpuTimeModel run "${gpu_name:-unknown}" \
    "${route:-kernel}" "$1" "$2" 2>/dev/null || echo "-"
}
run_paper() { # name backend particles steps
  local run="$out/runs/paper-$1"
  if timeout 300 "$home/bin/infinitewidth" run "$paper" --out "$run" --backend "$2" --particles "$3" --steps "$4" \
       --replicas 1 --quiet 2> "$run.err"; then
    grep -o '"wallSeconds" *: *[0-9.eE+-]*' "$run/summary.json" | sed 's/.*: *//'
  else
    echo "failed: $(head -c 300 "$run.err")"
  fi
}
{
  echo "| run | backend | particles | steps | wallSeconds | predicted s |"
  echo "|---|---|---|---|---|---|"
  for backend in cpu cuda; do
    predicted="-"
    [ "$backend" = cuda ] && predicted="$(predict 4096 3)"
    echo "| agreement | $backend | 4096 | 3 | $(run_paper "agree-$backend" "$backend" 4096 3) | $predicted |"
  done
  if [ -f "$out/runs/paper-agree-cpu/trajectory.csv" ] && [ -f "$out/runs/paper-agree-cuda/trajectory.csv" ]; then
    echo
    echo "largest |cuda - cpu| over trajectory.csv outputs: $(paste -d, "$out/runs/paper-agree-cpu/trajectory.csv" \
      "$out/runs/paper-agree-cuda/trajectory.csv" | awk -F, 'NR > 1 { d = $4 - $9; if (d < 0) d = -d; if (d > m) m = d }
      END { print m + 0 }')"
    echo
  fi
  for particles in 8192 16384 65536; do
    echo "| timing | cuda | $particles | 10 | $(run_paper "time-$particles" cuda "$particles" 10) | $(predict "$particles" 10) |"
  done
} > "$out/paper-5.1.md"
cat "$out/paper-5.1.md"
echo "gpu-check: results in $out (tests exit status $tests)"
exit $tests
