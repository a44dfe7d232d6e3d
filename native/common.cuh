// Shared by every kernel of kernels.cu. Matrices are column-major with the leading
// dimension equal to the row count (DeviceMatrix views are whole columns). Storage is
// float or double (the backend's precision); arithmetic is always in double, like the CPU
// backend, which reads float32 entries into float64 and rounds only when storing
// (docs/design-notes.md, "CUDA backend").
#pragma once

// Grid-stride loop over n elements: the launch geometry (CudaLaunch.elementwise) caps the
// grid, so a loop covers matrices of any size, N x N pair matrices included.
#define FOR_EACH_ELEMENT(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long) gridDim.x * blockDim.x)

// Instantiates a kernel template for both storage precisions as extern "C" symbols
// NAME_f32 and NAME_f64, the names CudaKernels looks up.
// ARGS may name the storage type as T, for example to cast a void* parameter.
#define FOR_BOTH_PRECISIONS(NAME, PARAMS, ARGS) \
    extern "C" __global__ void NAME##_f32 PARAMS { typedef float T; NAME<T> ARGS; } \
    extern "C" __global__ void NAME##_f64 PARAMS { typedef double T; NAME<T> ARGS; }
