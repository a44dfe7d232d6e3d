#!/usr/bin/env bash
# The ten-class Fashion-MNIST table (README.md in this folder): runs the sweep
# fashion-mnist-10-class-table.yaml two tasks at a time, then writes table.md into its folder and
# prints it. From the repository root:
#   examples/fashion-mnist-10-class/make-table.sh [OUT]        (OUT: runs/fashion-mnist-10-class-table)
#   examples/fashion-mnist-10-class/make-table.sh --table OUT  (only the table of a sweep folder)
# A stopped sweep continues where it stopped when run again (JOB-SPEC.md, "Sweeps"). Needs jq.
set -euo pipefail
export LC_ALL=C   # numbers with a decimal point whatever the user's locale
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v jq >/dev/null || { echo "make-table.sh: needs jq (apt-get install jq)" >&2; exit 2; }

# One markdown row per task folder of $1, from its summary.json: test accuracy and loss, then train
# accuracy and loss (mean ± standard error over the replicas), then the task's own wall time.
table() {
  local out="$1" summaries=()
  shopt -s nullglob
  summaries=("$out"/tasks/*/summary.json)
  shopt -u nullglob
  if [ ${#summaries[@]} -eq 0 ]; then
    echo "make-table.sh: no task results in $out/tasks (run the sweep first)" >&2
    return 2
  fi
  echo "| network | test accuracy (%) | test loss | train accuracy (%) | train loss | task time (s) |"
  echo "|---|---|---|---|---|---|"
  # Rows sorted finite networks by width, then the muP limit, then the NT limit: the widths approach
  # the muP limit; the NT limit is training without feature learning.
  jq -r '
    def cell(f): if f == null or f.mean == null then "nan\tnan" else "\(f.mean)\t\(f.stderr // "nan")" end;
    [ (if .engine == "finite" then 0 elif .engine == "mu-limit" then 1 else 2 end),
      (.width // 0),
      (if .engine == "finite" then "muP, width \(.width)"
       elif .engine == "mu-limit" then "muP limit (\(.particles) particles)"
       else "NT limit" end)
      + (if .status == "completed" then "" else ", diverged at step \(.divergedStep)" end),
      cell(.finalAccuracy.test), cell(.finalLoss.test), cell(.finalAccuracy.train), cell(.finalLoss.train),
      .wallSeconds ] | map(tostring) | join("\t")' "${summaries[@]}" |
    sort -t $'\t' -k1,1n -k2,2n |
    awk -F '\t' '
      function pm(mean, stderr, scale, digits) {
        if (mean == "nan") return "n/a"
        if (stderr == "nan") return sprintf("%." digits "f", mean * scale)
        return sprintf("%." digits "f ± %." digits "f", mean * scale, stderr * scale)
      }
      { printf "| %s | %s | %s | %s | %s | %.0f |\n", $3, pm($4, $5, 100, 1), pm($6, $7, 1, 3),
               pm($8, $9, 100, 1), pm($10, $11, 1, 3), $12 }'
}

if [ "${1:-}" = --table ]; then
  [ $# -eq 2 ] || { echo "usage: make-table.sh --table OUT" >&2; exit 2; }
  table "$2"
  exit
fi
out="${1:-runs/fashion-mnist-10-class-table}"
start=$SECONDS
"$here/../../bin/infinitewidth" sweep "$here/fashion-mnist-10-class-table.yaml" --parallel 2 --out "$out"
echo "sweep: $((SECONDS - start)) s of wall time"
table "$out" > "$out/table.md.tmp"
mv "$out/table.md.tmp" "$out/table.md"
cat "$out/table.md"
