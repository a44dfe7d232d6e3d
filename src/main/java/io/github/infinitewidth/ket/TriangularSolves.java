package io.github.infinitewidth.ket;

import io.github.infinitewidth.backend.Backend;

/**
 * Solves with a lower-triangular factor L against many right-hand sides at once: the host's part
 * of the Stein regressions ({@link HatRegression}, LIMITS.md section 5), {@code O(k^2 p)} for a
 * k x k factor and p columns. It grows as the square of the rank k and outgrows the particle work
 * of long full-batch runs (docs/performance.md, "Stein solves").
 *
 * <p>The factor is kept by rows ({@code factor[i]} holds {@code L[i][0..i]}). The right-hand
 * sides are cut by columns into slices ({@link RightHandSides}), one per host thread, each with
 * rows of its own, so that no two threads write to one cache line. A solve goes through the rows
 * in blocks of {@link #ROWS}: every solved row is read once per block and subtracted, scaled, from
 * four of the block's rows at a time (axpys over the slice, which the JIT vectorizes), where a row
 * by row solve re-read every earlier row per row, from memory once the rows outgrew the cache. When
 * there are fewer slices than threads, a block's rows are shared out too: the terms of the solved
 * rows are independent from row to row; only the block's own rows depend on each other.
 *
 * <p>Every entry takes its terms in one fixed order, t ascending in the forward solve and
 * descending in the backward one, whatever the blocks, slices and groups: a column's result does
 * not depend on the other columns solved with it, nor on the threads.
 */
final class TriangularSolves {
    /** Rows per block: the block's rows of a slice stay in the first- and second-level caches. */
    static final int ROWS = 64;

    /** Solved rows whose terms are taken together: 32 rows of 304 columns are 76 KiB, in second-level cache. */
    static final int TERMS = 32;

    /**
     * The narrowest slice: a narrower one spends much of each axpy entering and leaving its loop,
     * so that a thread gains less from it than sharing out the block's rows gives.
     */
    static final int MIN_COLUMNS = 32;

    private TriangularSolves() {}

    /** A k x p block of right-hand sides cut by columns into slices, each slice its own rows. */
    static final class RightHandSides {
        private final int k;
        private final int p;
        private final int width;
        private final double[][][] slices;

        /** The {@code k x p} column-major {@code columnMajor}, cut into one slice per host thread. */
        RightHandSides(double[] columnMajor, int k, int p, int threads) {
            this.k = k;
            this.p = p;
            this.width = Math.max(MIN_COLUMNS, (p + threads - 1) / threads);
            this.slices = new double[(p + width - 1) / width][][];
            for (int s = 0; s < slices.length; s++) {
                int j0 = s * width;
                int w = Math.min(p, j0 + width) - j0;
                slices[s] = new double[k][w];
                for (int j = 0; j < w; j++) {
                    for (int i = 0; i < k; i++) {
                        slices[s][i][j] = columnMajor[i + (j0 + j) * k];
                    }
                }
            }
        }

        /** Writes the block back, {@code k x p} column-major. */
        void copyTo(double[] columnMajor) {
            for (int s = 0; s < slices.length; s++) {
                for (int i = 0; i < k; i++) {
                    double[] row = slices[s][i];
                    for (int j = 0; j < row.length; j++) {
                        columnMajor[i + (s * width + j) * k] = row[j];
                    }
                }
            }
        }

        /** The block by rows: {@code rows()[i]} is row i. */
        double[][] rows() {
            double[][] out = new double[k][p];
            for (int s = 0; s < slices.length; s++) {
                for (int i = 0; i < k; i++) {
                    System.arraycopy(slices[s][i], 0, out[i], s * width, slices[s][i].length);
                }
            }
            return out;
        }
    }

    /** Solves {@code L y = x} in place, L the first {@code k} rows of {@code factor}. */
    static void forward(Backend backend, double[][] factor, RightHandSides x) {
        int k = x.k;
        for (int i0 = 0; i0 < k; i0 += ROWS) {
            int b0 = i0;
            int b1 = Math.min(k, i0 + ROWS);
            inBlock(backend, x, b0, b1, (rows, r0, r1) -> subtractSolvedRows(factor, rows, b0, r0, r1),
                    rows -> forwardInBlock(factor, rows, b0, b1));
        }
    }

    /** Solves {@code L^T y = x} in place, L the first {@code k} rows of {@code factor}. */
    static void backward(Backend backend, double[][] factor, RightHandSides x) {
        for (int i1 = x.k; i1 > 0; i1 -= ROWS) {
            int b0 = Math.max(0, i1 - ROWS);
            int b1 = i1;
            inBlock(backend, x, b0, b1, (rows, r0, r1) -> subtractLaterRows(factor, rows, b1, r0, r1),
                    rows -> backwardInBlock(factor, rows, b0, b1));
        }
    }

    /** Rows {@code [r0, r1)} of one slice. */
    private interface Rows {
        void run(double[][] slice, int r0, int r1);
    }

    /** A whole slice. */
    private interface Slice {
        void run(double[][] slice);
    }

    /**
     * The block {@code [b0, b1)}: the solved rows' terms by slices and groups of rows (as many tasks
     * as host threads where the block allows), then the block's own rows by slices.
     */
    private static void inBlock(Backend backend, RightHandSides x, int b0, int b1, Rows solved, Slice block) {
        int slices = x.slices.length;
        int groups = Math.max(1, Math.min(ROWS / 4, backend.hostThreads() / Math.max(1, slices)));
        int rowsPerGroup = 4 * ((b1 - b0 + 4 * groups - 1) / (4 * groups));
        backend.forEachOnHost(slices * groups, task -> {
            int r0 = Math.min(b1, b0 + (task / slices) * rowsPerGroup);
            solved.run(x.slices[task % slices], r0, Math.min(b1, r0 + rowsPerGroup));
        });
        backend.forEachOnHost(slices, s -> block.run(x.slices[s]));
    }

    /**
     * Forward solve, rows {@code [r0, r1)}: subtracts the terms of the solved rows {@code t < b0}, t
     * ascending, {@link #TERMS} solved rows at a time, so that those stay in cache while every four
     * of the rows take their terms.
     */
    private static void subtractSolvedRows(double[][] factor, double[][] x, int b0, int r0, int r1) {
        for (int t0 = 0; t0 < b0; t0 += TERMS) {
            int t1 = Math.min(b0, t0 + TERMS);
            int i = r0;
            for (; i + 4 <= r1; i += 4) {
                double[] l0 = factor[i];
                double[] l1 = factor[i + 1];
                double[] l2 = factor[i + 2];
                double[] l3 = factor[i + 3];
                for (int t = t0; t < t1; t++) {
                    subtract4(x, i, l0[t], l1[t], l2[t], l3[t], x[t]);
                }
            }
            for (; i < r1; i++) {
                double[] row = factor[i];
                for (int t = t0; t < t1; t++) {
                    subtract(x[i], row[t], x[t]);
                }
            }
        }
    }

    /** Forward solve within the block {@code [b0, b1)}, whose earlier terms are subtracted. */
    private static void forwardInBlock(double[][] factor, double[][] x, int b0, int b1) {
        for (int i = b0; i < b1; i++) {
            double[] row = factor[i];
            for (int t = b0; t < i; t++) {
                subtract(x[i], row[t], x[t]);
            }
            divide(x[i], row[i]);
        }
    }

    /**
     * Backward solve, rows {@code [r0, r1)}: subtracts the terms of the solved rows {@code t >= b1}, t
     * descending, {@link #TERMS} solved rows at a time.
     */
    private static void subtractLaterRows(double[][] factor, double[][] x, int b1, int r0, int r1) {
        for (int t1 = x.length; t1 > b1; t1 -= TERMS) {
            int t0 = Math.max(b1, t1 - TERMS);
            int i = r0;
            for (; i + 4 <= r1; i += 4) {
                for (int t = t1 - 1; t >= t0; t--) {
                    double[] column = factor[t]; // L[t][i..i+4) = L^T[i..i+4)[t], contiguous
                    subtract4(x, i, column[i], column[i + 1], column[i + 2], column[i + 3], x[t]);
                }
            }
            for (; i < r1; i++) {
                for (int t = t1 - 1; t >= t0; t--) {
                    subtract(x[i], factor[t][i], x[t]);
                }
            }
        }
    }

    /** Backward solve within the block {@code [b0, b1)}, whose later terms are subtracted. */
    private static void backwardInBlock(double[][] factor, double[][] x, int b0, int b1) {
        for (int i = b1 - 1; i >= b0; i--) {
            for (int t = b1 - 1; t > i; t--) {
                subtract(x[i], factor[t][i], x[t]);
            }
            divide(x[i], factor[i][i]);
        }
    }

    /** {@code x[i + r] -= s_r v} for r = 0..3: one load of v serves four rows. */
    private static void subtract4(double[][] x, int i, double s0, double s1, double s2, double s3, double[] v) {
        double[] y0 = x[i];
        double[] y1 = x[i + 1];
        double[] y2 = x[i + 2];
        double[] y3 = x[i + 3];
        for (int j = 0; j < v.length; j++) {
            double vj = v[j];
            y0[j] -= s0 * vj;
            y1[j] -= s1 * vj;
            y2[j] -= s2 * vj;
            y3[j] -= s3 * vj;
        }
    }

    /** {@code y -= s x}. */
    private static void subtract(double[] y, double s, double[] x) {
        for (int j = 0; j < y.length; j++) {
            y[j] -= s * x[j];
        }
    }

    /** {@code y /= d}. */
    private static void divide(double[] y, double d) {
        for (int j = 0; j < y.length; j++) {
            y[j] /= d;
        }
    }
}
