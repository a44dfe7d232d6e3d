package io.github.infinitewidth.backend.cuda;

/**
 * Launch geometry of the kernels in {@code native/}: how many blocks of how many threads each
 * operation starts. The tile sizes are those compiled into the kernels (the constants of the
 * same names in the {@code .cuh} files). Pure arithmetic, so it is tested without a GPU.
 */
final class CudaLaunch {
    /** Threads per block of every kernel. */
    static final int THREADS = 256;
    /** Most blocks of an elementwise launch; the kernels loop over what is left (grid-stride). */
    static final int MAX_ELEMENTWISE_BLOCKS = 1 << 16;
    /** Rows per chunk of the float64 column reductions ({@code REDUCE_CHUNK} in reductions.cuh). */
    static final int REDUCE_CHUNK = 4096;
    /** Rows and columns of C per GEMM block ({@code GEMM_TILE} in gemm.cuh). */
    static final int GEMM_TILE = 64;
    /** Particles per pair-product block along a and b ({@code PAIR_TILE} in pair_products.cuh). */
    static final int PAIR_TILE = 64;
    /** Output columns per pair-product block ({@code PAIR_COLS} in pair_products.cuh). */
    static final int PAIR_COLS = 16;
    /** CUDA's limit on the second grid dimension. */
    static final int MAX_GRID_Y = 65535;

    /** A grid of {@code x * y} blocks of {@link #THREADS} threads. */
    record Grid(int x, int y) {
        /** True when there is nothing to launch (CUDA rejects empty grids). */
        boolean empty() {
            return x == 0 || y == 0;
        }
    }

    private CudaLaunch() {}

    /** One thread per element, at most {@link #MAX_ELEMENTWISE_BLOCKS} blocks. */
    static Grid elementwise(long elements) {
        return new Grid((int) Math.min(ceilDiv(elements, THREADS), MAX_ELEMENTWISE_BLOCKS), 1);
    }

    /** Chunks of {@link #REDUCE_CHUNK} rows covering {@code rows} particles. */
    static int reduceChunks(int rows) {
        return (int) ceilDiv(rows, REDUCE_CHUNK);
    }

    /** One block per (entry, chunk), at most {@link #MAX_ELEMENTWISE_BLOCKS}; blocks stride over the rest. */
    static Grid reduce(long entries, int chunks) {
        return new Grid((int) Math.min(entries * chunks, MAX_ELEMENTWISE_BLOCKS), 1);
    }

    /** Tiles of {@link #GEMM_TILE} x {@link #GEMM_TILE} covering an {@code m x n} C. */
    static Grid gemm(String operation, int m, int n) {
        return grid(operation, ceilDiv(m, GEMM_TILE), ceilDiv(n, GEMM_TILE));
    }

    /** Blocks of {@link #PAIR_TILE} particles a times {@link #PAIR_COLS} output columns. */
    static Grid pairOuter(String operation, int na, int p) {
        return grid(operation, ceilDiv(na, PAIR_TILE), ceilDiv(p, PAIR_COLS));
    }

    /** Tiles of {@link #PAIR_TILE} x {@link #PAIR_TILE} pairs covering an {@code na x nb} pair matrix. */
    static Grid pairAccumulate(String operation, int na, int nb) {
        return grid(operation, ceilDiv(na, PAIR_TILE), ceilDiv(nb, PAIR_TILE));
    }

    private static Grid grid(String operation, long x, long y) {
        if (y > MAX_GRID_Y) {
            throw new IllegalArgumentException(operation + ": " + y + " blocks along the second grid dimension exceed"
                    + " CUDA's " + MAX_GRID_Y);
        }
        return new Grid((int) x, (int) y);
    }

    static long ceilDiv(long n, long d) {
        return (n + d - 1) / d;
    }
}
