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
    /** Output columns per pass of pair_outer over a tile of Q ({@code PAIR_COLS} in pair_products.cuh). */
    static final int PAIR_COLS = 64;
    /**
     * About how many blocks pair_outer is cut into: ranges of b are added until the grid has
     * this many (or every block has one tile of b). Three blocks fit on a multiprocessor
     * (docs/performance.md, "Kernel resources"), so 1024 blocks are over two waves on an H100's
     * 132 multiprocessors. A constant, not the device's size, so that the order of the sums, and
     * with it every bit of the result, is the same on every GPU.
     */
    static final int PAIR_OUTER_BLOCKS = 1024;
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

    /**
     * gram_partials: the {@link #GEMM_TILE} tiles of the {@code aCols x bCols} result along x, and
     * along y those tiles' columns for each chunk of particles in turn.
     */
    static Grid gram(String operation, int aCols, int bCols, int chunks) {
        return grid(operation, ceilDiv(aCols, GEMM_TILE), ceilDiv(bCols, GEMM_TILE) * chunks);
    }

    /** Tiles of {@link #GEMM_TILE} x {@link #GEMM_TILE} covering an {@code m x n} C. */
    static Grid gemm(String operation, int m, int n) {
        return grid(operation, ceilDiv(m, GEMM_TILE), ceilDiv(n, GEMM_TILE));
    }

    /**
     * pair_outer's blocks: {@code grid.x} tiles of {@link #PAIR_TILE} particles a times
     * {@code grid.y} ranges of {@code tilesPerBlock} tiles of b (the last range may be shorter),
     * every block computing all output columns; more than one range needs pair_outer_finish.
     */
    record PairOuterGrid(Grid grid, int tilesPerBlock) {
        int ranges() {
            return grid.y();
        }
    }

    /**
     * Bytes of pair_outer's float64 running sums for an {@code na x nb} pair product with {@code p}
     * output columns ({@code ranges x na x p} doubles, the ranges of {@link #pairOuter}), in floating
     * point for the memory plans.
     */
    static double pairOuterSumsBytes(long na, long nb, long p) {
        long aTiles = ceilDiv(na, PAIR_TILE);
        long bTiles = ceilDiv(nb, PAIR_TILE);
        if (aTiles == 0 || bTiles == 0 || p == 0) {
            return 0;
        }
        return (double) pairOuterRanges(aTiles, bTiles)[0] * na * p * Double.BYTES;
    }

    /** {ranges, tiles per range} of b for pair_outer: ranges until about PAIR_OUTER_BLOCKS blocks. */
    private static long[] pairOuterRanges(long aTiles, long bTiles) {
        long wanted = Math.min(bTiles, Math.max(1, ceilDiv(PAIR_OUTER_BLOCKS, aTiles)));
        long perBlock = ceilDiv(bTiles, wanted);
        return new long[] {ceilDiv(bTiles, perBlock), perBlock};
    }

    /**
     * Ranges of b for an {@code na x nb} pair product: as many as bring the grid to about
     * {@link #PAIR_OUTER_BLOCKS} blocks, at most one per tile of b; an empty grid when there is
     * no output ({@code na} or {@code p} zero) or nothing to sum ({@code nb} zero).
     */
    static PairOuterGrid pairOuter(int na, int nb, int p) {
        long aTiles = ceilDiv(na, PAIR_TILE);
        long bTiles = ceilDiv(nb, PAIR_TILE);
        if (aTiles == 0 || bTiles == 0 || p == 0) {
            return new PairOuterGrid(new Grid(0, 0), 0);
        }
        long[] ranges = pairOuterRanges(aTiles, bTiles);
        // at most PAIR_OUTER_BLOCKS ranges, far below CUDA's limit on the second dimension
        return new PairOuterGrid(new Grid((int) aTiles, (int) ranges[0]), (int) ranges[1]);
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
