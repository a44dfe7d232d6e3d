// The fused nonlinear outer product of DESIGN.md, the hot spot of both limit engines
// (LIMITS.md sections 3 and 5), and its two relatives:
//   pair_outer:      out[a, i] = alpha sum_b Q(G[a, b]) C[b, i],  G[a, b] = sum_j c_j A[a, j] B[b, j]
//   pair_outer_adam: the same with Q(G) replaced by adam(m_ab, v_ab), m_ab = G with c = first,
//                    v_ab = sum_r G_r[a, b]^2 with c = second[r] (Backend.adamOuterProduct)
//   pair_accumulate: pairs[a, b] += alpha Q(G[a, b])
//   pair_update:     the same for momentum and Adam, each pair stepping its own state
// The memoryless and the Adam variants are separate kernels, so that the memoryless one is not
// held to the registers of Adam's extra tiles; each declares its __launch_bounds__.
// The N_A x N_B matrix of Q values is never stored: a block of 16 x 16 threads makes a
// PAIR_TILE x PAIR_TILE tile of G at a time (each thread a 4 x 4 micro-tile, as in gemm.cuh) and
// applies Q in registers. pair_accumulate and pair_update add it into the pair matrix;
// pair_outer parks it in shared memory and multiplies it into every output column, PAIR_COLS
// at a time, so each tile of G is computed exactly once (cost O(N_A N_B (m + p)), O(N_A p) extra
// memory for the float64 running sums). Reproducible: each out[a, i] sums over b in ascending
// order within a block's range of b, and the ranges in ascending order (pair_outer_finish).
// Arithmetic follows the storage type T (simulation.precision): float64 runs compute G, Q and
// the products in double as before; float32 runs form G and Q and the products Q C in float32
// (the FP32 units, twice the FP64 rate on H100/H200 and 64 times on sm_86/sm_89), while every sum
// over particles b stays float64: the products of one staged slice of PAIR_C_SLICE particles
// are summed in float32 and each slice's sum is added to float64 running sums, so the rounding
// error of an output is that of a 16-term float32 dot product per slice, whatever N is
// (docs/accuracy.md, "Float32 arithmetic on CUDA").
#pragma once
#include "common.cuh"
#include "elementwise.cuh"

// CudaLaunch.PAIR_TILE and PAIR_COLS must agree.
#define PAIR_TILE 64
// Inputs j staged in shared memory per barrier while forming G.
#define PAIR_K 8
// Output columns per pass of pair_outer's second stage, and rows of C staged per barrier.
#define PAIR_COLS 64
#define PAIR_C_SLICE 16
#define PAIR_THREADS 256

// Shared staging in the arithmetic type T: the slices of A and B while G is formed, then the
// slices of C while Q is multiplied into the outputs; never both at once. C's rows are padded by
// one entry, so the transposing store of a slice (16 consecutive b per column) spreads over the
// banks.
template <typename T>
union PairStage {
    struct {
        T a[PAIR_K][PAIR_TILE];
        T b[PAIR_K][PAIR_TILE];
    } g;
    T c[PAIR_C_SLICE][PAIR_COLS + 1];
};

// g[r][s] = sum_j coef[j] A[a0 + tx + 16 r, j] B[b0 + ty + 16 s, j]; zero outside the matrices.
// coef[j] A[a, j] is formed in double and rounded once to T. Ends with a barrier after its last
// use of the staging area (when m > 0).
template <typename T>
__device__ void pair_tile(const double* coef, const T* a, int na, const T* b, int nb, int m, int a0, int b0,
                          T g[4][4], PairStage<T>& stage) {
    int tx = threadIdx.x % 16;
    int ty = threadIdx.x / 16;
#pragma unroll
    for (int r = 0; r < 4; r++) {
#pragma unroll
        for (int s = 0; s < 4; s++) {
            g[r][s] = 0;
        }
    }
    for (int j0 = 0; j0 < m; j0 += PAIR_K) {
        // PAIR_K x PAIR_TILE entries of each, coalesced along the particles
        for (int e = threadIdx.x; e < PAIR_K * PAIR_TILE; e += PAIR_THREADS) {
            int aa = e % PAIR_TILE;
            int jj = e / PAIR_TILE;
            int j = j0 + jj;
            stage.g.a[jj][aa] = (a0 + aa < na && j < m) ? (T) (coef[j] * (double) a[a0 + aa + (long long) j * na]) : (T) 0;
            stage.g.b[jj][aa] = (b0 + aa < nb && j < m) ? b[b0 + aa + (long long) j * nb] : (T) 0;
        }
        __syncthreads();
        int depth = min(PAIR_K, m - j0);   // no multiply-adds on the zero padding of the last slice
        for (int k = 0; k < depth; k++) {
            T ar[4];
            T br[4];
#pragma unroll
            for (int r = 0; r < 4; r++) {
                ar[r] = stage.g.a[k][tx + 16 * r];
                br[r] = stage.g.b[k][ty + 16 * r];
            }
#pragma unroll
            for (int r = 0; r < 4; r++) {
#pragma unroll
                for (int s = 0; s < 4; s++) {
                    g[r][s] += ar[r] * br[s];
                }
            }
        }
        __syncthreads();
    }
}

// Whether pair (a0 + tx + 16 r, b0 + ty + 16 s) exists and counts.
__device__ inline bool pair_kept(int a0, int b0, int r, int s, int na, int nb, int exclude_diagonal) {
    int ga = a0 + threadIdx.x % 16 + 16 * r;
    int gb = b0 + threadIdx.x / 16 + 16 * s;
    return ga < na && gb < nb && !(exclude_diagonal && ga == gb);
}

// qs[bb][aa] = memoryless Q of the tile's pairs, zero for pairs that do not count.
template <typename T>
__device__ void memoryless_q_tile(int q_kind, double eps2, const double* coef, const T* a, int na, const T* b,
                                  int nb, int m, int a0, int b0, int exclude_diagonal,
                                  T (*qs)[PAIR_TILE], PairStage<T>& stage) {
    int tx = threadIdx.x % 16;
    int ty = threadIdx.x / 16;
    T g[4][4];
    pair_tile(coef, a, na, b, nb, m, a0, b0, g, stage);
#pragma unroll
    for (int r = 0; r < 4; r++) {
#pragma unroll
        for (int s = 0; s < 4; s++) {
            bool keep = pair_kept(a0, b0, r, s, na, nb, exclude_diagonal);
            qs[ty + 16 * s][tx + 16 * r] = keep ? memoryless_q(q_kind, g[r][s], (T) eps2) : (T) 0;
        }
    }
}

// qs[bb][aa] = Adam's direction of the tile's pairs: m from coefficient row 0, v from rows
// 1..second_rank. The first moments wait in qs (each thread reads back only what it wrote), so
// only v and one G tile are held in registers.
template <typename T>
__device__ void adam_q_tile(double epsilon, double c1, double c2, int second_rank, const double* coefs, const T* a,
                            int na, const T* b, int nb, int m, int a0, int b0, int exclude_diagonal,
                            T (*qs)[PAIR_TILE], PairStage<T>& stage) {
    int tx = threadIdx.x % 16;
    int ty = threadIdx.x / 16;
    T g[4][4];
    pair_tile(coefs, a, na, b, nb, m, a0, b0, g, stage);
#pragma unroll
    for (int r = 0; r < 4; r++) {
#pragma unroll
        for (int s = 0; s < 4; s++) {
            qs[ty + 16 * s][tx + 16 * r] = g[r][s];
        }
    }
    T v[4][4] = {};
    for (int factor = 1; factor <= second_rank; factor++) {
        pair_tile(coefs + (long long) factor * m, a, na, b, nb, m, a0, b0, g, stage);
#pragma unroll
        for (int r = 0; r < 4; r++) {
#pragma unroll
            for (int s = 0; s < 4; s++) {
                v[r][s] += g[r][s] * g[r][s];
            }
        }
    }
#pragma unroll
    for (int r = 0; r < 4; r++) {
#pragma unroll
        for (int s = 0; s < 4; s++) {
            T& q = qs[ty + 16 * s][tx + 16 * r];
            q = pair_kept(a0, b0, r, s, na, nb, exclude_diagonal)
                ? adam_direction(q, v[r][s], (T) c1, (T) c2, (T) epsilon) : (T) 0;
        }
    }
}

// Second stage of pair_outer: for every block of 16 S output columns (S = 1 when p <= 16, so a
// single output column costs no more than 16; else 4 in float64, PAIR_COLS columns, and 2 in
// float32), the running sums sums[a, i] (float64, the block's own rows) += sum over the tile's b
// of qs[b][a] C[b0 + b, i]; a 64 x 16 S product in 4 x S micro-tiles. The first tile of a block
// starts the sums from zero; its last tile writes alpha times them to out when the block covers
// all of b (one range), else leaves them in sums for pair_outer_finish. In float64 the products
// go straight into the running sums; in float32 each slice of PAIR_C_SLICE particles is summed in
// float32 (part) and then added to them.
template <int S, typename T>
__device__ void multiply_q_tile(const T (*qs)[PAIR_TILE], const T* cm, int nb, int p, int a0, int b0, int na,
                                bool first, bool last, double alpha, double* sums, T* out, PairStage<T>& stage) {
    constexpr bool wide = sizeof(T) == sizeof(double);
    const int cols = 16 * S;
    int tx = threadIdx.x % 16;
    int ty = threadIdx.x / 16;
    for (int i0 = 0; i0 < p; i0 += cols) {
        double acc[4][S];
#pragma unroll
        for (int r = 0; r < 4; r++) {
#pragma unroll
            for (int s = 0; s < S; s++) {
                int ga = a0 + tx + 16 * r;
                int i = i0 + ty + 16 * s;
                acc[r][s] = (!first && ga < na && i < p) ? sums[ga + (long long) i * na] : 0.0;
            }
        }
        for (int c0 = 0; c0 < PAIR_TILE; c0 += PAIR_C_SLICE) {
            // PAIR_C_SLICE rows of C by the pass's columns, coalesced along b
            for (int e = threadIdx.x; e < PAIR_C_SLICE * cols; e += PAIR_THREADS) {
                int bb = e % PAIR_C_SLICE;
                int ii = e / PAIR_C_SLICE;
                int gb = b0 + c0 + bb;
                int i = i0 + ii;
                stage.c[bb][ii] = (gb < nb && i < p) ? cm[gb + (long long) i * nb] : (T) 0;
            }
            __syncthreads();
            T part[4][S];
#pragma unroll
            for (int r = 0; r < 4; r++) {
#pragma unroll
                for (int s = 0; s < S; s++) {
                    part[r][s] = wide ? (T) acc[r][s] : (T) 0;
                }
            }
            for (int k = 0; k < PAIR_C_SLICE; k++) {
                T qr[4];
                T cr[S];
#pragma unroll
                for (int r = 0; r < 4; r++) {
                    qr[r] = qs[c0 + k][tx + 16 * r];
                }
#pragma unroll
                for (int s = 0; s < S; s++) {
                    cr[s] = stage.c[k][ty + 16 * s];
                }
#pragma unroll
                for (int r = 0; r < 4; r++) {
#pragma unroll
                    for (int s = 0; s < S; s++) {
                        part[r][s] += qr[r] * cr[s];
                    }
                }
            }
#pragma unroll
            for (int r = 0; r < 4; r++) {
#pragma unroll
                for (int s = 0; s < S; s++) {
                    acc[r][s] = wide ? (double) part[r][s] : acc[r][s] + (double) part[r][s];
                }
            }
            __syncthreads();
        }
#pragma unroll
        for (int r = 0; r < 4; r++) {
#pragma unroll
            for (int s = 0; s < S; s++) {
                int ga = a0 + tx + 16 * r;
                int i = i0 + ty + 16 * s;
                if (ga < na && i < p) {
                    long long at = ga + (long long) i * na;
                    if (last && gridDim.y == 1) {
                        out[at] = (T) (alpha * acc[r][s]);
                    } else {
                        sums[at] = acc[r][s];
                    }
                }
            }
        }
    }
}

// multiply_q_tile in passes of 16 columns when p <= 16, else of PAIR_COLS in float64 and of 32 in
// float32 (the branch is the same in every thread). A third width of 32 made ptxas spill at
// pair_outer's 80 registers in float64; in float32 the 64-column pass (float64 sums plus the
// float32 slice sums) spilled there, the 32-column one does not.
template <typename T>
__device__ void multiply_q_tile_for(const T (*qs)[PAIR_TILE], const T* cm, int nb, int p, int a0, int b0,
                                    int na, bool first, bool last, double alpha, double* sums, T* out,
                                    PairStage<T>& stage) {
    if (p <= 16) {
        multiply_q_tile<1>(qs, cm, nb, p, a0, b0, na, first, last, alpha, sums, out, stage);
    } else {
        multiply_q_tile<sizeof(T) == sizeof(double) ? 4 : 2>(qs, cm, nb, p, a0, b0, na, first, last, alpha, sums,
                                                              out, stage);
    }
}

// Block (x, y) owns particles a in [64 x, 64 x + 64) and the b tiles
// [y tiles_per_block, (y + 1) tiles_per_block), all output columns; with more than one range
// of b its float64 sums go to partial + y na p (pair_outer_finish adds them), with one the
// block writes out itself and partial holds the running sums.
template <typename T>
__device__ void pair_outer(int q_kind, double epsilon, const double* coefs, const T* a, int na, const T* b, int nb,
                           int m, const T* cm, int p, double alpha, int exclude_diagonal, int tiles_per_block,
                           double* partial, T* out) {
    __shared__ T qs[PAIR_TILE][PAIR_TILE];   // qs[bb][aa]
    __shared__ PairStage<T> stage;
    int a0 = blockIdx.x * PAIR_TILE;
    int first = blockIdx.y * tiles_per_block;
    int end = min((nb + PAIR_TILE - 1) / PAIR_TILE, first + tiles_per_block);
    double* sums = partial + (long long) blockIdx.y * na * p;
    for (int tile = first; tile < end; tile++) {
        int b0 = tile * PAIR_TILE;
        memoryless_q_tile(q_kind, epsilon * epsilon, coefs, a, na, b, nb, m, a0, b0, exclude_diagonal, qs, stage);
        multiply_q_tile_for(qs, cm, nb, p, a0, b0, na, tile == first, tile == end - 1, alpha, sums, out, stage);
    }
}
FOR_BOTH_PRECISIONS_BOUNDED(pair_outer, PAIR_THREADS, 3,
    (int q_kind, double epsilon, const double* coefs, const void* a, int na, const void* b, int nb, int m,
     const void* cm, int p, double alpha, int exclude_diagonal, int tiles_per_block, double* partial, void* out),
    (q_kind, epsilon, coefs, (const T*) a, na, (const T*) b, nb, m, (const T*) cm, p, alpha, exclude_diagonal,
     tiles_per_block, partial, (T*) out))

// pair_outer with Adam's direction (adam_q_tile); same blocks and ranges.
template <typename T>
__device__ void pair_outer_adam(double epsilon, double c1, double c2, int second_rank, const double* coefs,
                                const T* a, int na, const T* b, int nb, int m, const T* cm, int p, double alpha,
                                int exclude_diagonal, int tiles_per_block, double* partial, T* out) {
    __shared__ T qs[PAIR_TILE][PAIR_TILE];
    __shared__ PairStage<T> stage;
    int a0 = blockIdx.x * PAIR_TILE;
    int first = blockIdx.y * tiles_per_block;
    int end = min((nb + PAIR_TILE - 1) / PAIR_TILE, first + tiles_per_block);
    double* sums = partial + (long long) blockIdx.y * na * p;
    for (int tile = first; tile < end; tile++) {
        int b0 = tile * PAIR_TILE;
        adam_q_tile(epsilon, c1, c2, second_rank, coefs, a, na, b, nb, m, a0, b0, exclude_diagonal, qs, stage);
        multiply_q_tile_for(qs, cm, nb, p, a0, b0, na, tile == first, tile == end - 1, alpha, sums, out, stage);
    }
}
FOR_BOTH_PRECISIONS_BOUNDED(pair_outer_adam, PAIR_THREADS, 2,
    (double epsilon, double c1, double c2, int second_rank, const double* coefs, const void* a, int na,
     const void* b, int nb, int m, const void* cm, int p, double alpha, int exclude_diagonal, int tiles_per_block,
     double* partial, void* out),
    (epsilon, c1, c2, second_rank, coefs, (const T*) a, na, (const T*) b, nb, m, (const T*) cm, p, alpha,
     exclude_diagonal, tiles_per_block, partial, (T*) out))

// out[e] = alpha * (sum over the ranges of b, in order, of partial[range * n + e]), n = na p.
template <typename T>
__device__ void pair_outer_finish(const double* partial, int ranges, long long n, double alpha, T* out) {
    FOR_EACH_ELEMENT(e, n) {
        double s = 0;
        for (int range = 0; range < ranges; range++) {
            s += partial[range * n + e];
        }
        out[e] = (T) (alpha * s);
    }
}
FOR_BOTH_PRECISIONS(pair_outer_finish, (const double* partial, int ranges, long long n, double alpha, void* out),
    (partial, ranges, n, alpha, (T*) out))

// Block (x, y) owns pairs a in [64 x, 64 x + 64), b in [64 y, 64 y + 64); each pair is written
// by exactly one thread, and the diagonal is left untouched when excluded.
template <typename T>
__device__ void pair_accumulate(int q_kind, double epsilon, const double* coefs, const T* a, int na, const T* b,
                                int nb, int m, double alpha, int exclude_diagonal, T* pairs) {
    __shared__ PairStage<T> stage;
    int tx = threadIdx.x % 16;
    int ty = threadIdx.x / 16;
    int a0 = blockIdx.x * PAIR_TILE;
    int b0 = blockIdx.y * PAIR_TILE;
    double eps2 = epsilon * epsilon;
    T g[4][4];
    pair_tile(coefs, a, na, b, nb, m, a0, b0, g, stage);
#pragma unroll
    for (int s = 0; s < 4; s++) {
#pragma unroll
        for (int r = 0; r < 4; r++) {
            if (pair_kept(a0, b0, r, s, na, nb, exclude_diagonal)) {
                long long at = a0 + tx + 16 * r + (long long) (b0 + ty + 16 * s) * na;
                pairs[at] = (T) ((double) pairs[at] + alpha * (double) memoryless_q(q_kind, g[r][s], (T) eps2));
            }
        }
    }
}
FOR_BOTH_PRECISIONS_BOUNDED(pair_accumulate, PAIR_THREADS, 3,
    (int q_kind, double epsilon, const double* coefs, const void* a, int na, const void* b, int nb, int m,
     double alpha, int exclude_diagonal, void* pairs),
    (q_kind, epsilon, coefs, (const T*) a, na, (const T*) b, nb, m, alpha, exclude_diagonal, (T*) pairs))

// pairs[a, b] += alpha Q_t(G[a, b]) for memoryful Q (Backend.updatePairs): each pair steps its own
// state (momentum's b in s0, Adam's m and v in s0 and s1) with the arithmetic of update() in
// elementwise.cuh, G held in registers; the N_A x N_B gradient is never stored. Same tiling and
// ownership as pair_accumulate; the diagonal of pairs and state is left untouched when excluded.
template <typename T>
__device__ void pair_update(int kind, double epsilon, double beta1, double beta2, double c1, double c2,
                            const double* coefs, const T* a, int na, const T* b, int nb, int m, double alpha,
                            int exclude_diagonal, T* pairs, T* s0, T* s1) {
    __shared__ PairStage<T> stage;
    int tx = threadIdx.x % 16;
    int ty = threadIdx.x / 16;
    int a0 = blockIdx.x * PAIR_TILE;
    int b0 = blockIdx.y * PAIR_TILE;
    T g[4][4];
    pair_tile(coefs, a, na, b, nb, m, a0, b0, g, stage);
    T b1 = (T) beta1;
    T b2 = (T) beta2;
#pragma unroll
    for (int s = 0; s < 4; s++) {
#pragma unroll
        for (int r = 0; r < 4; r++) {
            if (pair_kept(a0, b0, r, s, na, nb, exclude_diagonal)) {
                long long at = a0 + tx + 16 * r + (long long) (b0 + ty + 16 * s) * na;
                T direction;
                if (kind == MOMENTUM) {
                    direction = b1 * s0[at] + g[r][s];
                    s0[at] = direction;
                } else {
                    T mi = b1 * s0[at] + ((T) 1 - b1) * g[r][s];
                    T vi = b2 * s1[at] + ((T) 1 - b2) * g[r][s] * g[r][s];
                    s0[at] = mi;
                    s1[at] = vi;
                    direction = adam_direction(mi, vi, (T) c1, (T) c2, (T) epsilon);
                }
                pairs[at] = (T) ((double) pairs[at] + alpha * (double) direction);
            }
        }
    }
}
FOR_BOTH_PRECISIONS_BOUNDED(pair_update, PAIR_THREADS, 4,
    (int kind, double epsilon, double beta1, double beta2, double c1, double c2, const double* coefs, const void* a,
     int na, const void* b, int nb, int m, double alpha, int exclude_diagonal, void* pairs, void* s0, void* s1),
    (kind, epsilon, beta1, beta2, c1, c2, coefs, (const T*) a, na, (const T*) b, nb, m, alpha, exclude_diagonal,
     (T*) pairs, (T*) s0, (T*) s1))
