// Particle averages in float64 (Backend.gram, Backend.columnMeans; LIMITS.md section 0).
// Particles are cut into fixed chunks of REDUCE_CHUNK rows; one block sums one chunk of one
// entry with a fixed tree, and column_finish adds the chunks in chunk order. The blocking
// depends only on the shapes, so results are reproducible run to run and GPU to GPU.
#pragma once
#include "common.cuh"

#define REDUCE_THREADS 256
// Rows per chunk; CudaLaunch.REDUCE_CHUNK must agree.
#define REDUCE_CHUNK 4096

// partial[chunk * entries + e] = sum over the chunk's rows r of a[r, i] * b[r, j] (or a[r, i] when
// b is null), with e = i + j * a_cols; one block per (entry, chunk), blocks striding over all pairs.
template <typename T>
__device__ void column_partials(const T* a, int a_cols, const T* b, int b_cols, int rows, int chunks,
                                double* partial) {
    __shared__ double sums[REDUCE_THREADS];
    long long entries = (long long) a_cols * (b == nullptr ? 1 : b_cols);
    for (long long work = blockIdx.x; work < entries * chunks; work += gridDim.x) {
        long long e = work % entries;
        int chunk = (int) (work / entries);
        int i = (int) (e % a_cols);
        int j = (int) (e / a_cols);
        const T* x = a + (long long) i * rows;
        const T* y = b == nullptr ? nullptr : b + (long long) j * rows;
        int r0 = chunk * REDUCE_CHUNK;
        int r1 = min(rows, r0 + REDUCE_CHUNK);
        double s = 0;
        for (int r = r0 + threadIdx.x; r < r1; r += REDUCE_THREADS) {
            s += y == nullptr ? (double) x[r] : (double) x[r] * (double) y[r];
        }
        sums[threadIdx.x] = s;
        __syncthreads();
        for (int half = REDUCE_THREADS / 2; half > 0; half /= 2) {
            if (threadIdx.x < half) {
                sums[threadIdx.x] += sums[threadIdx.x + half];
            }
            __syncthreads();
        }
        if (threadIdx.x == 0) {
            partial[chunk * entries + e] = sums[0];
        }
        __syncthreads();
    }
}
FOR_BOTH_PRECISIONS(column_partials,
    (const void* a, int a_cols, const void* b, int b_cols, int rows, int chunks, double* partial),
    ((const T*) a, a_cols, (const T*) b, b_cols, rows, chunks, partial))

// total[e] = (sum over chunks in order of partial[chunk * entries + e]) / rows; 0 without rows
// (the mean over no particles is taken as 0, as on the CPU backend, rather than 0/0).
extern "C" __global__ void column_finish(const double* partial, long long entries, int chunks, int rows,
                                         double* total) {
    FOR_EACH_ELEMENT(e, entries) {
        double s = 0;
        for (int chunk = 0; chunk < chunks; chunk++) {
            s += partial[chunk * entries + e];
        }
        total[e] = rows > 0 ? s / rows : 0.0;
    }
}
