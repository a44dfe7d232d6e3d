// The fused nonlinear outer product of DESIGN.md, the hot spot of both limit engines
// (LIMITS.md sections 3 and 5), and its two relatives:
//   pair_outer:      out[a, i] = alpha sum_b Q(G[a, b]) C[b, i],  G[a, b] = sum_j c_j A[a, j] B[b, j]
//   pair_accumulate: pairs[a, b] += alpha Q(G[a, b])
//   pair_update:     the same for momentum and Adam, each pair stepping its own state
//   adam variant:    Q(G) replaced by adam(m_ab, v_ab), m_ab = G with c = first,
//                    v_ab = sum_r G_r[a, b]^2 with c = second[r] (Backend.adamOuterProduct)
// The N_A x N_B matrix of Q values is never stored: a block of 16 x 16 threads makes a
// PAIR_TILE x PAIR_TILE tile of G at a time (each thread a 4 x 4 micro-tile, as in gemm.cuh),
// applies Q in registers, and either adds it into pairs or parks it in shared memory and folds
// it into up to PAIR_COLS output columns held in registers. Cost O(N_A N_B (m + p)) time,
// O(1) extra memory. Each out[a, i] sums over b in ascending order, so results are reproducible.
#pragma once
#include "common.cuh"
#include "elementwise.cuh"

// CudaLaunch.PAIR_TILE and PAIR_COLS must agree.
#define PAIR_TILE 64
#define PAIR_K 4
#define PAIR_COLS 16
#define PAIR_THREADS 256

// Q code for the Adam direction; the memoryless kinds use their UpdateKind ids.
#define Q_ADAM 4

// g[r][s] = sum_j coef[j] A[a0 + tx + 16 r, j] B[b0 + ty + 16 s, j]; zero outside the matrices.
template <typename T>
__device__ void pair_tile(const double* coef, const T* a, int na, const T* b, int nb, int m, int a0, int b0,
                          double g[4][4], double (*as)[PAIR_TILE], double (*bs)[PAIR_TILE]) {
    int tx = threadIdx.x % 16;
    int ty = threadIdx.x / 16;
    for (int r = 0; r < 4; r++) {
        for (int s = 0; s < 4; s++) {
            g[r][s] = 0;
        }
    }
    for (int j0 = 0; j0 < m; j0 += PAIR_K) {
        // PAIR_K x PAIR_TILE = 256 entries of each: one per thread, coalesced along the particles
        int aa = threadIdx.x % PAIR_TILE;
        int jj = threadIdx.x / PAIR_TILE;
        int j = j0 + jj;
        as[jj][aa] = (a0 + aa < na && j < m) ? coef[j] * (double) a[a0 + aa + (long long) j * na] : 0.0;
        bs[jj][aa] = (b0 + aa < nb && j < m) ? (double) b[b0 + aa + (long long) j * nb] : 0.0;
        __syncthreads();
        for (int k = 0; k < PAIR_K; k++) {
            double ar[4];
            double br[4];
            for (int r = 0; r < 4; r++) {
                ar[r] = as[k][tx + 16 * r];
                br[r] = bs[k][ty + 16 * r];
            }
            for (int r = 0; r < 4; r++) {
                for (int s = 0; s < 4; s++) {
                    g[r][s] += ar[r] * br[s];
                }
            }
        }
        __syncthreads();
    }
}

// q[r][s] = Q of the tile's pairs: memoryless Q of G (coef row 0), or Adam's direction with
// m from coef row 0 and v from rows 1..second_rank.
template <typename T>
__device__ void q_tile(int q_kind, double eps2, double epsilon, double c1, double c2, int second_rank,
                       const double* coefs, const T* a, int na, const T* b, int nb, int m, int a0, int b0,
                       double q[4][4], double (*as)[PAIR_TILE], double (*bs)[PAIR_TILE]) {
    pair_tile(coefs, a, na, b, nb, m, a0, b0, q, as, bs);
    if (q_kind != Q_ADAM) {
        for (int r = 0; r < 4; r++) {
            for (int s = 0; s < 4; s++) {
                q[r][s] = memoryless_q(q_kind, q[r][s], eps2);
            }
        }
        return;
    }
    double v[4][4] = {};
    double g[4][4];
    for (int factor = 1; factor <= second_rank; factor++) {
        pair_tile(coefs + (long long) factor * m, a, na, b, nb, m, a0, b0, g, as, bs);
        for (int r = 0; r < 4; r++) {
            for (int s = 0; s < 4; s++) {
                v[r][s] += g[r][s] * g[r][s];
            }
        }
    }
    for (int r = 0; r < 4; r++) {
        for (int s = 0; s < 4; s++) {
            q[r][s] = adam_direction(q[r][s], v[r][s], c1, c2, epsilon);
        }
    }
}

// Block (x, y) owns particles a in [64 x, 64 x + 64) and output columns [16 y, 16 y + 16).
template <typename T>
__device__ void pair_outer(int q_kind, double epsilon, double c1, double c2, int second_rank, const double* coefs,
                           const T* a, int na, const T* b, int nb, int m, const T* cm, int p, double alpha,
                           int exclude_diagonal, T* out) {
    __shared__ double as[PAIR_K][PAIR_TILE];
    __shared__ double bs[PAIR_K][PAIR_TILE];
    __shared__ double qs[PAIR_TILE][PAIR_TILE];   // qs[bb][aa]
    __shared__ double cs[PAIR_TILE][PAIR_COLS];   // cs[bb][ii]
    int tx = threadIdx.x % 16;
    int ty = threadIdx.x / 16;
    int a0 = blockIdx.x * PAIR_TILE;
    int i0 = blockIdx.y * PAIR_COLS;
    // second stage: thread t sums for particle a0 + t % 64 into columns i0 + t / 64 + 4 k
    int own_a = threadIdx.x % PAIR_TILE;
    int own_group = threadIdx.x / PAIR_TILE;
    double acc[PAIR_COLS / 4] = {};
    double eps2 = epsilon * epsilon;
    for (int b0 = 0; b0 < nb; b0 += PAIR_TILE) {
        double q[4][4];
        q_tile(q_kind, eps2, epsilon, c1, c2, second_rank, coefs, a, na, b, nb, m, a0, b0, q, as, bs);
        for (int r = 0; r < 4; r++) {
            for (int s = 0; s < 4; s++) {
                int ga = a0 + tx + 16 * r;
                int gb = b0 + ty + 16 * s;
                bool keep = ga < na && gb < nb && !(exclude_diagonal && ga == gb);
                qs[ty + 16 * s][tx + 16 * r] = keep ? q[r][s] : 0.0;
            }
        }
        for (int e = threadIdx.x; e < PAIR_TILE * PAIR_COLS; e += PAIR_THREADS) {
            int bb = e % PAIR_TILE;
            int ii = e / PAIR_TILE;
            cs[bb][ii] = (b0 + bb < nb && i0 + ii < p) ? (double) cm[b0 + bb + (long long) (i0 + ii) * nb] : 0.0;
        }
        __syncthreads();
        for (int bb = 0; bb < PAIR_TILE; bb++) {
            double qv = qs[bb][own_a];
            for (int k = 0; k < PAIR_COLS / 4; k++) {
                acc[k] += qv * cs[bb][own_group + 4 * k];
            }
        }
        __syncthreads();
    }
    int ga = a0 + own_a;
    for (int k = 0; k < PAIR_COLS / 4; k++) {
        int i = i0 + own_group + 4 * k;
        if (ga < na && i < p) {
            out[ga + (long long) i * na] = (T) (alpha * acc[k]);
        }
    }
}
FOR_BOTH_PRECISIONS(pair_outer,
    (int q_kind, double epsilon, double c1, double c2, int second_rank, const double* coefs, const void* a, int na,
     const void* b, int nb, int m, const void* cm, int p, double alpha, int exclude_diagonal, void* out),
    (q_kind, epsilon, c1, c2, second_rank, coefs, (const T*) a, na, (const T*) b, nb, m, (const T*) cm, p, alpha,
     exclude_diagonal, (T*) out))

// Block (x, y) owns pairs a in [64 x, 64 x + 64), b in [64 y, 64 y + 64); each pair is written
// by exactly one thread, and the diagonal is left untouched when excluded.
template <typename T>
__device__ void pair_accumulate(int q_kind, double epsilon, const double* coefs, const T* a, int na, const T* b,
                                int nb, int m, double alpha, int exclude_diagonal, T* pairs) {
    __shared__ double as[PAIR_K][PAIR_TILE];
    __shared__ double bs[PAIR_K][PAIR_TILE];
    int tx = threadIdx.x % 16;
    int ty = threadIdx.x / 16;
    int a0 = blockIdx.x * PAIR_TILE;
    int b0 = blockIdx.y * PAIR_TILE;
    double q[4][4];
    q_tile(q_kind, epsilon * epsilon, epsilon, 1.0, 1.0, 0, coefs, a, na, b, nb, m, a0, b0, q, as, bs);
    for (int s = 0; s < 4; s++) {
        int gb = b0 + ty + 16 * s;
        for (int r = 0; r < 4; r++) {
            int ga = a0 + tx + 16 * r;
            if (ga < na && gb < nb && !(exclude_diagonal && ga == gb)) {
                long long at = ga + (long long) gb * na;
                pairs[at] = (T) ((double) pairs[at] + alpha * q[r][s]);
            }
        }
    }
}
FOR_BOTH_PRECISIONS(pair_accumulate,
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
    __shared__ double as[PAIR_K][PAIR_TILE];
    __shared__ double bs[PAIR_K][PAIR_TILE];
    int tx = threadIdx.x % 16;
    int ty = threadIdx.x / 16;
    int a0 = blockIdx.x * PAIR_TILE;
    int b0 = blockIdx.y * PAIR_TILE;
    double g[4][4];
    pair_tile(coefs, a, na, b, nb, m, a0, b0, g, as, bs);
    for (int s = 0; s < 4; s++) {
        int gb = b0 + ty + 16 * s;
        for (int r = 0; r < 4; r++) {
            int ga = a0 + tx + 16 * r;
            if (ga < na && gb < nb && !(exclude_diagonal && ga == gb)) {
                long long at = ga + (long long) gb * na;
                double direction;
                if (kind == MOMENTUM) {
                    direction = beta1 * (double) s0[at] + g[r][s];
                    s0[at] = (T) direction;
                } else {
                    double mi = beta1 * (double) s0[at] + (1 - beta1) * g[r][s];
                    double vi = beta2 * (double) s1[at] + (1 - beta2) * g[r][s] * g[r][s];
                    s0[at] = (T) mi;
                    s1[at] = (T) vi;
                    direction = adam_direction(mi, vi, c1, c2, epsilon);
                }
                pairs[at] = (T) ((double) pairs[at] + alpha * direction);
            }
        }
    }
}
FOR_BOTH_PRECISIONS(pair_update,
    (int kind, double epsilon, double beta1, double beta2, double c1, double c2, const double* coefs, const void* a,
     int na, const void* b, int nb, int m, double alpha, int exclude_diagonal, void* pairs, void* s0, void* s1),
    (kind, epsilon, beta1, beta2, c1, c2, coefs, (const T*) a, na, (const T*) b, nb, m, alpha, exclude_diagonal,
     (T*) pairs, (T*) s0, (T*) s1))
