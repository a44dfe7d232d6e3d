package io.github.infinitewidth.backend.cpu;

import io.github.infinitewidth.backend.WorkSplit;

/**
 * {@code C = alpha op(A) op(B) + beta C} in plain Java. Work is split into fixed blocks of
 * rows of C; every entry of C is a sum over k in an order fixed by the shapes alone, so the
 * result does not depend on threads. Cost {@code O(M N K)}.
 *
 * <p>Each thread copies its block of rows of {@code op(A)} into a panel of columns and builds C's
 * block one column at a time from axpys down the panel (which the JIT vectorizes). A transposed
 * A with fewer than {@link #PANEL_ROWS} rows of C is read as it is, each entry a dot product of
 * two contiguous columns.
 */
final class CpuGemm {
    /**
     * Whether {@link VectorGemm} runs {@link #addProducts}: when the JVM was started with
     * {@code --add-modules jdk.incubator.vector} (the launcher, the distribution and the tests do),
     * unless the system property {@code infinitewidth.vector} is {@code false}. Both give the same bits.
     */
    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("infinitewidth.vector"));
    static final int ROWS = 128;
    /**
     * Fewest rows of C for which a transposed A is copied into a panel: with fewer, the panel's
     * vector loops are too short to pay for the copy, and dot products of A's columns are faster.
     */
    static final int PANEL_ROWS = 16;

    private CpuGemm() {}

    static void gemm(WorkSplit split, boolean transA, boolean transB, double alpha,
                     CpuMatrix a, CpuMatrix b, double beta, CpuMatrix c) {
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        // A is read where it is: a float32 A (a pair matrix, simulation.pairPrecision) is widened
        // a panel at a time, never copied whole
        Entries av = Entries.of(a);
        int aOff = 0;
        int lda = a.rows();
        // op(B) as a contiguous K x N column-major panel
        double[] bv;
        int bOff;
        if (transB) {
            bv = transpose(b);
            bOff = 0;
        } else {
            bv = b.isDouble() ? b.doubles() : b.toDoubles();
            bOff = b.isDouble() ? b.offset() : 0;
        }
        double[] cv = c.isDouble() ? c.doubles() : c.toDoubles();
        int cOff = c.isDouble() ? c.offset() : 0;
        // with the Vector API a transposed A is read in place, against op(B)'s rows
        double[] bRows = transA && VECTOR && m >= PANEL_ROWS ? rows(bv, bOff, k, k, n, VectorGemm.paddedWidth(n)) : null;
        split.forEach(WorkSplit.blocks(m, ROWS), block -> {
            int i0 = block * ROWS;
            int rows = Math.min(m, i0 + ROWS) - i0;
            double[][] sums = transA && rows < PANEL_ROWS
                    ? dotProducts(av, aOff, lda, i0, rows, bv, bOff, k, n)
                    : bRows != null ? transposedProducts(av, aOff, lda, i0, rows, bRows, k, n)
                    : panelProducts(transA, av, aOff, lda, i0, rows, bv, bOff, k, n);
            for (int j = 0; j < n; j++) {
                store(sums[j], 0, cv, cOff + j * m + i0, rows, alpha, beta);
            }
        });
        if (!c.isDouble()) {
            c.setAll(cv, 0);
        }
    }

    /**
     * Rows {@code i0 ..} of {@code op(A) op(B)}, column by column: {@code sums[j][i]}. The rows of
     * {@code op(A)} are copied into a panel of columns a cache-sized chunk of k at a time (from A's
     * columns, or from A's rows when A is transposed), and each column of the product is built from
     * axpys down the panel in ascending k.
     */
    private static double[][] panelProducts(boolean transA, Entries a, int aOff, int lda, int i0, int rows,
                                            double[] b, int bOff, int k, int n) {
        double[][] sums = new double[n][rows];
        for (int k0 = 0; k0 < k; k0 += CpuReductions.PARTICLES) {
            int length = Math.min(k, k0 + CpuReductions.PARTICLES) - k0;
            double[][] panel = transA ? columnsOfTransposed(a, aOff + k0, lda, i0, rows, length)
                                      : columns(a, aOff + k0 * lda, lda, i0, rows, length);
            addProducts(panel, b, bOff + k0, k, n, sums);
        }
        return sums;
    }

    /**
     * Rows {@code i0 ..} of {@code A^T op(B)} on {@link VectorGemm#addTransposedProducts}, a chunk of k at a
     * time as {@link #panelProducts}: the same sums in the same order, without copying A.
     */
    private static double[][] transposedProducts(Entries a, int aOff, int lda, int i0, int rows, double[] bRows,
                                                 int k, int n) {
        double[][] sums = new double[n][rows];
        for (int k0 = 0; k0 < k; k0 += CpuReductions.PARTICLES) {
            int length = Math.min(k, k0 + CpuReductions.PARTICLES) - k0;
            int width = VectorGemm.paddedWidth(n);
            VectorGemm.addTransposedProducts(a, aOff + k0, lda, i0, rows, bRows, k0 * width, width, length, n, sums);
        }
        return sums;
    }

    /**
     * {@code out[kk * width + j] = B[kk, j]}, zero for {@code j >= n}: the rows of a column-major {@code k x n}
     * B at {@code b[bOff ..]} with columns {@code ld} apart, each padded to {@code width}.
     */
    static double[] rows(double[] b, int bOff, int ld, int k, int n, int width) {
        double[] out = new double[k * width];
        for (int j = 0; j < n; j++) {
            for (int kk = 0; kk < k; kk++) {
                out[kk * width + j] = b[bOff + j * ld + kk];
            }
        }
        return out;
    }

    /** Rows {@code i0 ..} of {@code A^T op(B)} as dot products of A's columns with op(B)'s: {@code sums[j][i]}. */
    private static double[][] dotProducts(Entries a, int aOff, int lda, int i0, int rows, double[] b, int bOff, int k,
                                          int n) {
        double[][] sums = new double[n][rows];
        double[] column = new double[k];
        for (int i = 0; i < rows; i++) {
            a.copy(aOff + (i0 + i) * lda, column, 0, k);
            for (int j = 0; j < n; j++) {
                sums[j][i] = dot(column, 0, b, bOff + j * k, k);
            }
        }
        return sums;
    }

    /**
     * {@code sums[j] += sum_kk panel[kk] b[bOff + kk + j ldb]} for the n columns j, each term fused in
     * ascending kk: on {@link VectorGemm} when {@link #VECTOR}, else with {@link #addProductColumn}.
     * Modified: sums.
     */
    static void addProducts(double[][] panel, double[] b, int bOff, int ldb, int n, double[][] sums) {
        addProducts(panel, b, bOff, ldb, n, sums, VECTOR);
    }

    /** {@link #addProducts} on the path chosen by {@code vector} (the test that both agree needs both). */
    static void addProducts(double[][] panel, double[] b, int bOff, int ldb, int n, double[][] sums, boolean vector) {
        if (vector) {
            VectorGemm.addProducts(panel, b, bOff, ldb, n, sums);
            return;
        }
        for (int j = 0; j < n; j++) {
            addProductColumn(panel, b, bOff + j * ldb, sums[j]);
        }
    }

    /**
     * {@code y += sum_kk panel[kk] x[xOff + kk]}, fused in ascending kk. The panel's arrays are the
     * columns of one block of rows of A, so the inner loop reads and writes at the loop index, the
     * only shape C2 vectorizes when arrays might alias (design-notes.md, "The CPU nonlinear outer
     * product"). Modified: y.
     */
    private static void addProductColumn(double[][] panel, double[] x, int xOff, double[] y) {
        int k = panel.length;
        int kk = 0;
        for (; kk + 3 < k; kk += 4) {
            addInOrder(y, panel[kk], x[xOff + kk], panel[kk + 1], x[xOff + kk + 1], panel[kk + 2], x[xOff + kk + 2],
                    panel[kk + 3], x[xOff + kk + 3]);
        }
        for (; kk < k; kk++) {
            double[] column = panel[kk];
            double s = x[xOff + kk];
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.fma(column[i], s, y[i]);
            }
        }
    }

    /**
     * {@code y = fma(x3, s3, fma(x2, s2, fma(x1, s1, fma(x0, s0, y))))}: four terms of a sum, each fused
     * into it in ascending order, exactly as {@link VectorGemm} does lane by lane.
     */
    private static void addInOrder(double[] y, double[] x0, double s0, double[] x1, double s1, double[] x2, double s2,
                                   double[] x3, double s3) {
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.fma(x3[i], s3, Math.fma(x2[i], s2, Math.fma(x1[i], s1, Math.fma(x0[i], s0, y[i]))));
        }
    }

    /** {@code panel[kk][i] = A[i0 + i, kk]}: rows {@code i0 ..} of a column-major A, column by column. */
    static double[][] columns(Entries a, int aOff, int lda, int i0, int rows, int k) {
        double[][] panel = new double[k][rows];
        for (int kk = 0; kk < k; kk++) {
            a.copy(aOff + kk * lda + i0, panel[kk], 0, rows);
        }
        return panel;
    }

    /** {@code panel[kk][i] = A[kk, i0 + i]}: columns {@code i0 ..} of a column-major A, row by row (A^T's columns). */
    static double[][] columnsOfTransposed(Entries a, int aOff, int lda, int i0, int rows, int k) {
        double[][] panel = new double[k][rows];
        // eight k at a time: each read stays within a cache line of A, and only eight rows of the
        // panel are being written while i runs, instead of k of them
        for (int k0 = 0; k0 < k; k0 += 8) {
            int k1 = Math.min(k, k0 + 8);
            for (int i = 0; i < rows; i++) {
                a.gather(aOff + (i0 + i) * lda, panel, k0, k1, i);
            }
        }
        return panel;
    }

    /**
     * The entries of a matrix where they are stored: a {@code double[]} or a {@code float[]} from an
     * offset. Reading widens floats exactly, so a float32 A gives the same products as a float64 A
     * holding the same (rounded) values.
     */
    record Entries(double[] doubles, float[] floats, int offset) {
        static Entries of(CpuMatrix m) {
            return m.isDouble() ? new Entries(m.doubles(), null, m.offset()) : new Entries(null, m.floats(), m.offset());
        }

        static Entries of(double[] values, int offset) {
            return new Entries(values, null, offset);
        }

        /** {@code to[toOff ..] = this[from ..]}, {@code length} entries. */
        void copy(int from, double[] to, int toOff, int length) {
            if (doubles != null) {
                System.arraycopy(doubles, offset + from, to, toOff, length);
                return;
            }
            for (int t = 0; t < length; t++) {
                to[toOff + t] = floats[offset + from + t];
            }
        }

        /** {@code panel[kk][i] = this[from + kk]} for {@code kk} in {@code [k0, k1)}. */
        void gather(int from, double[][] panel, int k0, int k1, int i) {
            if (doubles != null) {
                for (int kk = k0; kk < k1; kk++) {
                    panel[kk][i] = doubles[offset + from + kk];
                }
                return;
            }
            for (int kk = k0; kk < k1; kk++) {
                panel[kk][i] = floats[offset + from + kk];
            }
        }
    }

    /** A dot product with four interleaved partial sums (a fixed order, so deterministic). */
    static double dot(double[] x, int xOff, double[] y, int yOff, int length) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < length; i += 4) {
            s0 += x[xOff + i] * y[yOff + i];
            s1 += x[xOff + i + 1] * y[yOff + i + 1];
            s2 += x[xOff + i + 2] * y[yOff + i + 2];
            s3 += x[xOff + i + 3] * y[yOff + i + 3];
        }
        for (; i < length; i++) {
            s0 += x[xOff + i] * y[yOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code c = alpha acc + beta c}; with beta 0 the old c is ignored (as in BLAS, NaN included). */
    private static void store(double[] acc, int accOff, double[] c, int cOff, int length, double alpha, double beta) {
        if (beta == 0) {
            for (int i = 0; i < length; i++) {
                c[cOff + i] = alpha * acc[accOff + i];
            }
        } else {
            for (int i = 0; i < length; i++) {
                c[cOff + i] = alpha * acc[accOff + i] + beta * c[cOff + i];
            }
        }
    }

    /** {@code B^T} as a fresh column-major array. */
    private static double[] transpose(CpuMatrix b) {
        int rows = b.rows();
        int cols = b.cols();
        double[] t = new double[rows * cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                t[j + i * cols] = b.get(i + j * rows);
            }
        }
        return t;
    }
}
