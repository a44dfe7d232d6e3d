#!/usr/bin/env bash
# Ours against the peer on identical inputs, in one run: times, ratios (ours / peer) and the
# largest relative difference of the results, as a Markdown table (benchmarks/peers/compare.py).
#
#   benchmarks/compare.sh                       # CPU: ours (CPU backend, float64) vs NumPy
#   benchmarks/compare.sh --device cuda         # GPU: ours (CUDA backend, float32) vs PyTorch
#   benchmarks/compare.sh nop:4096:32 finite:1024:32:2:sgd   # chosen cases; --reps, --warmups
#
# Builds benchmarks/target/benchmarks.jar first when it is missing (which needs the library
# installed: `mvn install -DskipTests` in the project root). Pin both sides to the same cores with
# taskset, e.g. `taskset -c 0,1 benchmarks/compare.sh`: ours uses one thread per available core,
# NumPy's BLAS one per core it sees.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -f "$here/target/benchmarks.jar" ]; then
  mvn -q -B -f "$here/pom.xml" package
fi
exec python3 "$here/peers/compare.py" "$@"
