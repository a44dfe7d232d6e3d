// Particle averages in float64 (Backend.gram, Backend.columnMeans; LIMITS.md section 0).
// Particles are cut into fixed chunks of REDUCE_CHUNK rows; a block sums one chunk of one column
// with a fixed tree (column means) or one chunk of a tile of a^T b (Gram matrices), and
// column_finish adds the chunks in chunk order. The blocking
// depends only on the shapes, so results are reproducible run to run and GPU to GPU.
#pragma once
#include "common.cuh"
#include "gemm.cuh"

#define REDUCE_THREADS 256
// Rows per chunk; CudaLaunch.REDUCE_CHUNK must agree.
#define REDUCE_CHUNK 4096

// partial[chunk * a_cols + i] = sum over the chunk's rows r of a[r, i]; one block per
// (column, chunk), blocks striding over all of them (Backend.columnMeans).
template <typename T>
__device__ void column_partials(const T* a, int a_cols, int rows, int chunks, double* partial) {
    __shared__ double sums[REDUCE_THREADS];
    long long entries = a_cols;
    for (long long work = blockIdx.x; work < entries * chunks; work += gridDim.x) {
        int i = (int) (work % entries);
        int chunk = (int) (work / entries);
        const T* x = a + (long long) i * rows;
        int r0 = chunk * REDUCE_CHUNK;
        int r1 = min(rows, r0 + REDUCE_CHUNK);
        double s = 0;
        for (int r = r0 + threadIdx.x; r < r1; r += REDUCE_THREADS) {
            s += (double) x[r];
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
            partial[chunk * entries + i] = sums[0];
        }
        __syncthreads();
    }
}
FOR_BOTH_PRECISIONS(column_partials, (const void* a, int a_cols, int rows, int chunks, double* partial),
    ((const T*) a, a_cols, rows, chunks, partial))

// partial[chunk * a_cols b_cols + i + j a_cols] = sum over the chunk's rows r of a[r, i] b[r, j]
// (Backend.gram): the chunk's a^T b by the GEMM's tiles (gemm.cuh), stored in float64. Block
// (x, y) computes tile (x, y % b_tiles) of chunk y / b_tiles, so a and b are read once per tile
// of the other, not once per column of it; each entry sums over the chunk's rows in order.
template <typename T>
__device__ void gram_partials(const T* a, int a_cols, const T* b, int b_cols, int rows, double* partial) {
    int b_tiles = (b_cols + GEMM_TILE - 1) / GEMM_TILE;
    int chunk = blockIdx.y / b_tiles;
    int r0 = chunk * REDUCE_CHUNK;
    int length = min(rows - r0, REDUCE_CHUNK);
    gemm_tile<T, double, double>(1, 0, a_cols, b_cols, length, 1.0, a + r0, rows, b + r0, rows, 0.0,
                         partial + (long long) chunk * a_cols * b_cols, a_cols, blockIdx.x, blockIdx.y % b_tiles);
}
FOR_BOTH_PRECISIONS_BOUNDED(gram_partials, GEMM_THREADS, 4,
    (const void* a, int a_cols, const void* b, int b_cols, int rows, double* partial),
    ((const T*) a, a_cols, (const T*) b, b_cols, rows, partial))

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
