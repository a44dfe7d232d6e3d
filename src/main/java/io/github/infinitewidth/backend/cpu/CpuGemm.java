package io.github.infinitewidth.backend.cpu;

/**
 * {@code C = alpha op(A) op(B) + beta C} in plain Java. Work is split into fixed blocks of
 * rows of C; every entry of C is a sum over k in ascending order whatever the blocking, so the
 * result does not depend on threads. Cost {@code O(M N K)}.
 *
 * <p>Without transposed A the inner loop is an axpy down a packed column of A (which the JIT
 * vectorizes) into a column of C's block kept in cache. With transposed A each entry
 * is a dot product of two contiguous columns.
 */
final class CpuGemm {
    static final int ROWS = 128;

    private CpuGemm() {}

    static void gemm(WorkSplit split, boolean transA, boolean transB, double alpha,
                     CpuMatrix a, CpuMatrix b, double beta, CpuMatrix c) {
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        double[] av = a.isDouble() ? a.doubles() : a.toDoubles();
        int aOff = a.isDouble() ? a.offset() : 0;
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
        split.forEach(WorkSplit.blocks(m, ROWS), block -> {
            int i0 = block * ROWS;
            int i1 = Math.min(m, i0 + ROWS);
            if (transA) {
                dotRows(av, aOff, lda, bv, bOff, k, n, alpha, beta, cv, cOff, m, i0, i1);
            } else {
                axpyRows(av, aOff, lda, bv, bOff, k, n, alpha, beta, cv, cOff, m, i0, i1);
            }
        });
        if (!c.isDouble()) {
            c.setAll(cv, 0);
        }
    }

    /**
     * One block of rows of C without transposed A, one column of C at a time. The block's rows of A
     * are packed column by column into arrays of their own, so every inner loop
     * reads and writes at the loop index, the only shape C2 vectorizes when arrays might alias
     * (design-notes.md, "The CPU nonlinear outer product").
     */
    private static void axpyRows(double[] a, int aOff, int lda, double[] b, int bOff, int k, int n,
                                 double alpha, double beta, double[] c, int cOff, int ldc, int i0, int i1) {
        int rows = i1 - i0;
        double[][] panel = new double[k][rows];
        for (int kk = 0; kk < k; kk++) {
            System.arraycopy(a, aOff + kk * lda + i0, panel[kk], 0, rows);
        }
        double[] y = new double[rows];
        for (int j = 0; j < n; j++) {
            java.util.Arrays.fill(y, 0.0);
            int bColumn = bOff + j * k;
            int kk = 0;
            for (; kk + 3 < k; kk += 4) {
                addInOrder(y, panel[kk], b[bColumn + kk], panel[kk + 1], b[bColumn + kk + 1], panel[kk + 2],
                        b[bColumn + kk + 2], panel[kk + 3], b[bColumn + kk + 3]);
            }
            for (; kk < k; kk++) {
                double[] x = panel[kk];
                double s = b[bColumn + kk];
                for (int i = 0; i < rows; i++) {
                    y[i] += x[i] * s;
                }
            }
            store(y, 0, c, cOff + j * ldc + i0, rows, alpha, beta);
        }
    }

    /** {@code y = (((y + x0 s0) + x1 s1) + x2 s2) + x3 s3}: four terms of the sum over k, added in ascending order. */
    private static void addInOrder(double[] y, double[] x0, double s0, double[] x1, double s1, double[] x2, double s2,
                                   double[] x3, double s3) {
        for (int i = 0; i < y.length; i++) {
            y[i] = (((y[i] + x0[i] * s0) + x1[i] * s1) + x2[i] * s2) + x3[i] * s3;
        }
    }

    private static void dotRows(double[] a, int aOff, int lda, double[] b, int bOff, int k, int n,
                                double alpha, double beta, double[] c, int cOff, int ldc, int i0, int i1) {
        double[] column = new double[i1 - i0];
        for (int j = 0; j < n; j++) {
            for (int i = i0; i < i1; i++) {
                column[i - i0] = dot(a, aOff + i * lda, b, bOff + j * k, k);
            }
            store(column, 0, c, cOff + j * ldc + i0, i1 - i0, alpha, beta);
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
