#!/usr/bin/env bash
# Executes a notebook (default examples/tour.ipynb) headless with the rapaio-jupyter-kernel, as Jupyter
# would: the kernel starts in the notebook's own folder. Exits 1 on the first cell that fails.
#
#   scripts/run-notebook.sh [NOTEBOOK] [--out EXECUTED.ipynb]
#
# Needs Java 17, Maven and Python 3 with nbclient (Debian: apt-get install python3-nbclient). The kernel's
# jar comes from Maven Central through Maven; its kernelspec goes into a temporary JUPYTER_PATH, removed
# on exit, so nothing is installed for the user. docs/notebooks.md, "Jupyter".
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kernel_version=3.0.1
notebook="$home/examples/tour.ipynb"
executed=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) executed="$(realpath -m "$2")"; shift 2 ;;
    -h|--help) sed -n 2,9p "${BASH_SOURCE[0]}"; exit 0 ;;
    *) notebook="$1"; shift ;;
  esac
done
notebook="$(realpath "$notebook")"

# The first Python 3 that has nbclient: the one on the PATH, else Debian's (a PATH may put another first).
python=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import nbclient' 2>/dev/null; then python="$candidate"; break; fi
done
if [ -z "$python" ]; then
  echo "run-notebook: no Python 3 with nbclient (Debian: apt-get install python3-nbclient)" >&2
  exit 2
fi

# The project's jar, (re)built by the launcher when missing or older than the sources.
"$home/bin/infinitewidth" env > /dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$kernel_version" \
  -DoutputDirectory="$work/lib" >&2
spec="$work/jupyter/kernels/rapaio-jupyter-kernel"
mkdir -p "$spec"
# The kernelspec the kernel's own installer writes (java -jar ... -i -auto), with this java and jar; the
# Vector API module gives the project's CPU products their fast path, as the launcher does. The kernel logs
# every message it handles on stderr: that goes to a file, shown when a cell fails.
java="$(command -v java)"
jar="$work/lib/rapaio-jupyter-kernel-$kernel_version.jar"
cat > "$spec/kernel.json" <<EOF
{
  "argv": ["/bin/sh", "-c",
           "exec '$java' --add-modules jdk.incubator.vector -jar '$jar' \"\$0\" 2>> '$work/kernel.log'",
           "{connection_file}"],
  "display_name": "Java (rjk $kernel_version)",
  "language": "java",
  "interrupt_mode": "message",
  "env": {"RJK_TIMEOUT_MILLIS": "-1", "RJK_COMPILER_OPTIONS": "", "RJK_INIT_SCRIPT": "",
          "RJK_MIMA_CACHE": "$work/mima_cache"}
}
EOF

status=0
JUPYTER_PATH="$work/jupyter" JUPYTER_RUNTIME_DIR="$work/runtime" JUPYTER_CONFIG_DIR="$work/config" \
  "$python" - "$notebook" "$executed" <<'EOF' || status=$?
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

path, executed = sys.argv[1], sys.argv[2]
notebook = nbformat.read(path, as_version=4)
# startup_timeout: the Java kernel (JShell inside) needs more than nbclient's default 60 s to answer
# its first request on a busy 2-core machine
client = NotebookClient(notebook, timeout=1200, startup_timeout=600, kernel_name="rapaio-jupyter-kernel",
                        resources={"metadata": {"path": os.path.dirname(path)}})
start = time.monotonic()
try:
    client.execute()
    failed = None
except CellExecutionError as error:
    failed = error
finally:
    if executed:
        nbformat.write(notebook, executed)
cells = sum(1 for cell in notebook.cells if cell.cell_type == "code")
if failed is not None:
    print(f"run-notebook: {path}: a cell failed:\n{failed}", file=sys.stderr)
    sys.exit(1)
print(f"run-notebook: {path}: {cells} code cells ran in {time.monotonic() - start:.0f} s"
      + (f", executed notebook in {executed}" if executed else ""))
EOF
if [ "$status" != 0 ]; then
  echo "run-notebook: the kernel's log (last 40 lines):" >&2
  tail -n 40 "$work/kernel.log" >&2 || true
fi
exit "$status"
