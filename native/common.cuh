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

// The same loop over the n = rows x cols entries of a column-major matrix, with each entry's row
// and column: both advance by additions, so a thread divides by rows once (64-bit division and
// remainder are long instruction sequences on the GPU) instead of once per entry. Launches
// always have rows > 0 (empty matrices launch nothing).
struct EntryWalk {
    long long i;
    long long col;
    int row;
    int rows;
    long long stride;
    long long stride_cols;
    int stride_rows;

    __device__ explicit EntryWalk(int rows) : rows(rows) {
        i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
        stride = (long long) gridDim.x * blockDim.x;
        row = (int) (i % rows);
        col = i / rows;
        stride_rows = (int) (stride % rows);
        stride_cols = stride / rows;
    }

    __device__ void next() {
        i += stride;
        row += stride_rows;
        col += stride_cols;
        if (row >= rows) {
            row -= rows;
            col++;
        }
    }
};
#define FOR_EACH_ENTRY(w, rows, n) for (EntryWalk w(rows); w.i < (n); w.next())

// Instantiates a kernel template for both storage precisions as extern "C" symbols
// NAME_f32 and NAME_f64, the names CudaKernels looks up.
// ARGS may name the storage type as T, for example to cast a void* parameter.
#define FOR_BOTH_PRECISIONS(NAME, PARAMS, ARGS) \
    extern "C" __global__ void NAME##_f32 PARAMS { typedef float T; NAME<T> ARGS; } \
    extern "C" __global__ void NAME##_f64 PARAMS { typedef double T; NAME<T> ARGS; }

// The same with __launch_bounds__(THREADS, MIN_BLOCKS): ptxas keeps the registers per thread low
// enough for MIN_BLOCKS blocks of THREADS threads on one multiprocessor (docs/performance.md,
// "Kernel resources"), or reports the spills it needed for that.
#define FOR_BOTH_PRECISIONS_BOUNDED(NAME, THREADS, MIN_BLOCKS, PARAMS, ARGS) \
    extern "C" __global__ void __launch_bounds__(THREADS, MIN_BLOCKS) NAME##_f32 PARAMS { typedef float T; NAME<T> ARGS; } \
    extern "C" __global__ void __launch_bounds__(THREADS, MIN_BLOCKS) NAME##_f64 PARAMS { typedef double T; NAME<T> ARGS; }
