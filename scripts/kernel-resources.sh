#!/usr/bin/env bash
# Prints, for every kernel of native/kernels.cu, what ptxas reports for one architecture and the
# occupancy that follows, as the Markdown table of docs/performance.md ("Kernel resources"):
#
#   scripts/kernel-resources.sh [sm_90]
#
# Needs nvcc. Occupancy for 256-thread blocks from the multiprocessor's limits: 65536 registers
# (allocated per warp in units of 256), 2048 threads, 32 blocks, shared memory 228 KiB on sm_90
# and 164 KiB on sm_80 with 1 KiB reserved per block.
set -euo pipefail
arch="${1:-sm_90}"
case "$arch" in
  sm_90) smem_sm=$((228 * 1024)) ;;
  sm_80) smem_sm=$((164 * 1024)) ;;
  *) echo "kernel-resources: no limits known for $arch (sm_80 or sm_90)" >&2; exit 2 ;;
esac
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../native" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
nvcc -c -O3 -std=c++17 -arch="$arch" --resource-usage -o "$tmp/kernels.o" "$dir/kernels.cu" > "$tmp/ptxas.txt" 2>&1
echo "| kernel | registers | stack bytes | spill stores/loads | shared bytes | blocks/SM | occupancy | limited by |"
echo "|---|---|---|---|---|---|---|---|"
awk -v smem_sm="$smem_sm" '
/Compiling entry function/ { match($0, /'"'"'[^'"'"']+'"'"'/); name = substr($0, RSTART + 1, RLENGTH - 2) }
/bytes stack frame/ {
  match($0, /[0-9]+ bytes stack frame/); stack = substr($0, RSTART, RLENGTH) + 0
  match($0, /[0-9]+ bytes spill stores/); stores = substr($0, RSTART, RLENGTH) + 0
  match($0, /[0-9]+ bytes spill loads/); loads = substr($0, RSTART, RLENGTH) + 0
}
/Used [0-9]+ registers/ {
  match($0, /Used [0-9]+ registers/); regs = substr($0, RSTART + 5, RLENGTH - 15) + 0
  smem = 0; if (match($0, /[0-9]+ bytes smem/)) smem = substr($0, RSTART, RLENGTH) + 0
  warp_regs = int((regs * 32 + 255) / 256) * 256
  by_regs = int(65536 / (warp_regs * 8)); by_threads = 8; by_smem = smem > 0 ? int(smem_sm / (smem + 1024)) : 32
  blocks = by_threads; why = "threads"
  if (by_regs < blocks) { blocks = by_regs; why = "registers" }
  if (by_smem < blocks) { blocks = by_smem; why = "shared memory" }
  printf "| %s | %d | %d | %d/%d | %d | %d | %.1f%% | %s |\n", name, regs, stack, stores, loads, smem, blocks, blocks * 8 / 64 * 100, why
}' "$tmp/ptxas.txt" | sort
