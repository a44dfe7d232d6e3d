// The GEMM used where cuBLAS does not load (CUDA-13-only machines; DESIGN.md "Backends"):
// C = alpha op(A) op(B) + beta C, column-major, in the storage precision's arithmetic like cuBLAS
// (DGEMM, and SGEMM's float32 fused multiply-adds for float32 runs); alpha, beta and the store
// in double. The Gram matrices of reductions.cuh reuse the tiles with double arithmetic.
// A block of 16 x 16 threads computes a 64 x 64 tile of C, each thread a 4 x 4 micro-tile
// strided by 16 so that neighbouring threads touch neighbouring rows (coalesced stores,
// conflict-free shared reads). K advances in slices of GEMM_K staged in shared memory, two
// barriers per slice. A transposed operand is read along k (its contiguous direction) and stored
// across the slice's rows; the rows are padded by one entry so that those stores spread over the
// banks (without the pad, the 8 k of a row of threads hit one bank 8 ways).
// Every entry of C sums over k in ascending order, so results are reproducible.
#pragma once
#include "common.cuh"

// CudaLaunch.GEMM_TILE must agree with GEMM_TILE.
#define GEMM_TILE 64
#define GEMM_K 16
#define GEMM_THREADS 256

// The 64 x 64 tile (tile_i, tile_j) of C, stored as CT (the storage type, or double for the
// Gram matrices' partial sums in reductions.cuh), with products and sums over k in R (the
// storage type for the GEMM, double for the Gram matrices, which are expectations).
template <typename T, typename CT, typename R>
__device__ void gemm_tile(int trans_a, int trans_b, int m, int n, int k, double alpha, const T* a, int lda,
                          const T* b, int ldb, double beta, CT* c, int ldc, int tile_i, int tile_j) {
    __shared__ R as[GEMM_K][GEMM_TILE + 1];
    __shared__ R bs[GEMM_K][GEMM_TILE + 1];
    int tx = threadIdx.x % 16;
    int ty = threadIdx.x / 16;
    int i0 = tile_i * GEMM_TILE;
    int j0 = tile_j * GEMM_TILE;
    R acc[4][4] = {};
    for (int k0 = 0; k0 < k; k0 += GEMM_K) {
        // 1024 entries of each slice, four per thread
        for (int e = threadIdx.x; e < GEMM_K * GEMM_TILE; e += GEMM_THREADS) {
            // op(A)(i, kk): read along i when A is not transposed, along k when it is
            int ii = trans_a ? e / GEMM_K : e % GEMM_TILE;
            int kk = trans_a ? e % GEMM_K : e / GEMM_TILE;
            int i = i0 + ii;
            int kg = k0 + kk;
            R av = 0;
            if (i < m && kg < k) {
                av = (R) (trans_a ? a[kg + (long long) i * lda] : a[i + (long long) kg * lda]);
            }
            as[kk][ii] = av;
            // op(B)(kk, j): read along k when B is not transposed, along j when it is
            int jj = trans_b ? e % GEMM_TILE : e / GEMM_K;
            int kb = trans_b ? e / GEMM_TILE : e % GEMM_K;
            int j = j0 + jj;
            int kgb = k0 + kb;
            R bv = 0;
            if (j < n && kgb < k) {
                bv = (R) (trans_b ? b[j + (long long) kgb * ldb] : b[kgb + (long long) j * ldb]);
            }
            bs[kb][jj] = bv;
        }
        __syncthreads();
        for (int kk = 0; kk < GEMM_K; kk++) {
            R ar[4];
            R br[4];
#pragma unroll
            for (int r = 0; r < 4; r++) {
                ar[r] = as[kk][tx + 16 * r];
                br[r] = bs[kk][ty + 16 * r];
            }
#pragma unroll
            for (int r = 0; r < 4; r++) {
#pragma unroll
                for (int s = 0; s < 4; s++) {
                    acc[r][s] += ar[r] * br[s];
                }
            }
        }
        __syncthreads();
    }
    for (int s = 0; s < 4; s++) {
        int j = j0 + ty + 16 * s;
        for (int r = 0; r < 4; r++) {
            int i = i0 + tx + 16 * r;
            if (i < m && j < n) {
                long long at = i + (long long) j * ldc;
                // beta 0 ignores the old C, NaN included, as BLAS and the CPU backend do
                double old = beta == 0 ? 0.0 : beta * (double) c[at];
                c[at] = (CT) (alpha * (double) acc[r][s] + old);
            }
        }
    }
}

// Block (x, y) computes tile (x, y) of C.
template <typename T>
__device__ void gemm(int trans_a, int trans_b, int m, int n, int k, double alpha, const T* a, int lda,
                     const T* b, int ldb, double beta, T* c, int ldc) {
    gemm_tile<T, T, T>(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, blockIdx.x, blockIdx.y);
}
FOR_BOTH_PRECISIONS_BOUNDED(gemm, GEMM_THREADS, 4,
    (int trans_a, int trans_b, int m, int n, int k, double alpha, const void* a, int lda, const void* b, int ldb,
     double beta, void* c, int ldc),
    (trans_a, trans_b, m, n, k, alpha, (const T*) a, lda, (const T*) b, ldb, beta, (T*) c, ldc))
