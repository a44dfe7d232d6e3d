#!/usr/bin/env bash
# Builds the CUDA kernels into the committed fatbin that the CUDA backend loads from the
# classpath (DESIGN.md, "Backends"; docs/design-notes.md, "CUDA backend").
#
#   native/build-kernels.sh           rebuild when nvcc is present and the sources changed
#   native/build-kernels.sh --force   rebuild whenever nvcc is present
#
# Maven runs this in generate-resources. The fatbin and a hash of everything in native/ are
# kept in src/main/resources, so a build without nvcc still has kernels; CudaKernelsHashTest
# fails when the sources no longer match the hash (commit the rebuilt fatbin with them).
# Output: SASS for sm_80 (A100; also runs on sm_86 and sm_89) and sm_90 (H100, H200), plus
# compute_90 PTX that newer GPUs compile when loading the module.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
resources=../src/main/resources/io/github/infinitewidth/backend/cuda
fatbin=$resources/kernels.fatbin
hashes=$resources/kernels.sha256

# The hash of the sources: sha256sum of every file in native/, in byte order of the names
# (CudaKernelsHashTest computes the same in Java).
sources_hash() {
  LC_ALL=C ls -p | grep -v / | LC_ALL=C sort | while read -r f; do sha256sum "$f"; done | sha256sum | cut -d' ' -f1
}

want=$(sources_hash)
if ! command -v nvcc >/dev/null 2>&1; then
  exit 0   # the committed copy is used; the hash test reports it if stale
fi
if [ "${1:-}" != "--force" ] && [ -f "$fatbin" ] && grep -qx "sources $want" "$hashes" 2>/dev/null; then
  exit 0
fi
mkdir -p "$resources"
echo "build-kernels: nvcc -> $fatbin" >&2
nvcc -fatbin -O3 -std=c++17 \
  -gencode arch=compute_80,code=sm_80 \
  -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  -o "$fatbin.tmp" kernels.cu
mv "$fatbin.tmp" "$fatbin"
{
  echo "sources $want"
  echo "fatbin $(sha256sum "$fatbin" | cut -d' ' -f1)"
  echo "nvcc $(nvcc --version | tail -1)"
} > "$hashes"
