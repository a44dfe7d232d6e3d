#!/usr/bin/env bash
# Every number of docs/performance.md in one run (about 19 minutes on 2 cores): the machine's
# limits (peers/machine.py), a JMH subset of the kernels and engine steps, and compare.sh against
# the NumPy peers. Writes benchmarks/target/results.md, ready to paste, with the date, the machine,
# the load average before and after (timings on a busy machine are slower and noisier) and the
# command behind each table.
#
#   benchmarks/measure.sh            # after `mvn install -DskipTests` in the project root
#   benchmarks/measure.sh --quick    # one short iteration of everything: checks the script, not the machine
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
mvn -q -B package
out="$here/target/results.md"
jar="$here/target/benchmarks.jar"
if [ "${1:-}" = "--quick" ]; then
  timing=(-f 1 -wi 0 -i 1 -r 100ms -w 100ms)
  sizes=(-p n=1024 -p m=8)
  cases=(nop:1024:8 finite:512:8:2:sgd mu:1024:8:2:sgd)
  reps=(--reps 1 --warmups 0)
else
  timing=()
  sizes=()
  cases=()
  reps=()
fi

jmh() {
  # one JMH run: $1 = benchmark regexp, the rest = parameters; its table goes into results.md
  local name="$1"
  shift
  local cmd=(java -jar "$jar" "$name" "${timing[@]}" -jvmArgsAppend "-Xmx8g --add-modules=jdk.incubator.vector" "$@" -rf text -rff "$here/target/jmh-$name.txt")
  echo "- \`${cmd[*]/#$here\//benchmarks/}\`" >> "$out"
  "${cmd[@]}" > "$here/target/jmh-$name.log" 2>&1
  echo >> "$out"
  echo '```' >> "$out"
  cat "$here/target/jmh-$name.txt" >> "$out"
  echo '```' >> "$out"
}

{
  echo "# Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -n)"
  echo
  echo "- $(java -version 2>&1 | head -1), $(python3 -c 'import numpy; print("NumPy", numpy.__version__)')"
  echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
  echo
  echo "## Machine limits (\`python3 benchmarks/peers/machine.py\`)"
  echo
  python3 "$here/peers/machine.py"
  echo
  echo "## JMH (ours)"
  echo
} > "$out"
jmh GemmBenchmark "${sizes[@]}"
jmh GramBenchmark "${sizes[@]}"
jmh GaussianFillBenchmark "${sizes[@]}"
jmh NonlinearOuterProductBenchmark "${sizes[@]}"
if [ ${#sizes[@]} -eq 0 ]; then
  jmh FiniteStepBenchmark -p m=32
else
  jmh FiniteStepBenchmark "${sizes[@]}" -p depth=2
fi
jmh NeuralTangentStepBenchmark "${sizes[@]}" ${sizes[@]:+-p depth=2}
jmh MaximalUpdateStepBenchmark "${sizes[@]}" ${sizes[@]:+-p depth=2}
jmh SteinSolveBenchmark.blocked ${sizes[@]:+-p rank=256}
jmh SteinSolveBenchmark.rowByRow -p threads=1 ${sizes[@]:+-p rank=256}
{
  echo
  echo "## Ours against NumPy (\`benchmarks/compare.sh ${reps[*]} ${cases[*]}\`)"
  echo
  "$here/compare.sh" "${reps[@]}" "${cases[@]}"
  echo
  echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
} >> "$out"
echo "wrote $out"
