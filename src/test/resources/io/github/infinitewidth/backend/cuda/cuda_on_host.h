// Just enough of CUDA to run the kernels of native/ on the host, for the tests that check the
// kernel sources without a GPU (KernelsOnHostTest, GaussianKernelOnHostTest). A launch runs the
// blocks one after another with blockDim.x std::threads meeting at a std::barrier for
// __syncthreads; __shared__ variables become function statics, which the threads of the one
// running block share. The round-to-nearest intrinsics become the IEEE double operations they
// are; compile with -ffp-contract=off so that nothing else is fused either.
#pragma once
#include <algorithm>
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstring>
#include <math.h>
#include <thread>
#include <vector>

#define __device__
#define __global__
#define __shared__ static
#define __launch_bounds__(threads, min_blocks)

struct Dim3 { unsigned x, y, z; };
static Dim3 blockDim, gridDim;
static thread_local Dim3 blockIdx, threadIdx;
static std::barrier<>* block_barrier;

inline void __syncthreads() { block_barrier->arrive_and_wait(); }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __ddiv_rn(double a, double b) { return a / b; }
inline double __dsqrt_rn(double a) { return std::sqrt(a); }
inline long long __double_as_longlong(double x) { long long b; std::memcpy(&b, &x, 8); return b; }
inline double __longlong_as_double(long long b) { double x; std::memcpy(&x, &b, 8); return x; }
// Counts its calls, so that a test can bound how many atomics a kernel issues.
static std::atomic<long> atomic_exchanges{0};
inline int atomicExch(int* p, int v) {
    atomic_exchanges++;
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

// Nonzero in every thread when predicate is nonzero in any thread of the block. The first barrier
// orders the votes after the previous call's reset, the last one the reset after every read.
inline int __syncthreads_or(int predicate) {
    static std::atomic<int> votes{0};
    block_barrier->arrive_and_wait();
    if (predicate) {
        votes.fetch_or(1);
    }
    block_barrier->arrive_and_wait();
    int result = votes.load();
    block_barrier->arrive_and_wait();
    if (threadIdx.x == 0) {
        votes.store(0);
    }
    return result;
}
using std::min;

// Runs body() as a grid of gx x gy blocks of `threads` threads: one team of threads walks
// through the blocks in order, meeting at a barrier between blocks, so only one block uses
// the shared statics at a time.
template <typename Body>
void launch(unsigned gx, unsigned gy, unsigned threads, Body body) {
    gridDim = {gx, gy, 1};
    blockDim = {threads, 1, 1};
    std::barrier<> barrier(threads);
    block_barrier = &barrier;
    std::vector<std::thread> team;
    for (unsigned t = 0; t < threads; t++) {
        team.emplace_back([t, gx, gy, &body, &barrier] {
            threadIdx = {t, 0, 0};
            for (unsigned by = 0; by < gy; by++) {
                for (unsigned bx = 0; bx < gx; bx++) {
                    blockIdx = {bx, by, 0};
                    body();
                    barrier.arrive_and_wait();
                }
            }
        });
    }
    for (std::thread& member : team) {
        member.join();
    }
}
