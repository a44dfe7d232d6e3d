// The one translation unit nvcc compiles into kernels.fatbin (native/build-kernels.sh); the
// kernels live in the headers it includes, grouped by what they do. Every kernel is extern "C"
// so CudaKernels finds it by its plain name; float32 and float64 versions end in _f32 and _f64.
#include "philox_gaussian.cuh"
#include "elementwise.cuh"
#include "reductions.cuh"
#include "gemm.cuh"
#include "pair_products.cuh"
