package io.github.infinitewidth.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link CpuGemm#addProducts} on the JDK's Vector API (the incubating {@code jdk.incubator.vector}
 * module), with the same arithmetic: every entry {@code sums[j][i]} takes
 * {@code fma(panel[kk][i], b[kk, j], .)} for kk in ascending order, exactly as the scalar loop does,
 * so both give the same bits on any machine and for any vector width. What changes is where the
 * sums live while kk runs: a tile of {@code 2 x} the vector length rows by {@link #COLUMNS} columns
 * stays in registers (12 accumulators), so each step of kk loads two vectors of the panel and six
 * entries of b for twelve fused multiply-adds. That makes the product compute bound instead of
 * bound by loading and storing the sums, as the loops C2 vectorizes by itself are
 * (docs/design-notes.md, "Register-blocked GEMM").
 *
 * <p>Loaded only when {@link CpuGemm#VECTOR} says the module is present: a JVM started without
 * {@code --add-modules jdk.incubator.vector} never touches this class.
 */
final class VectorGemm {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Columns of b (and of sums) per register tile. */
    static final int COLUMNS = 6;

    private VectorGemm() {}

    /** See {@link CpuGemm#addProducts}. */
    static void addProducts(double[][] panel, double[] b, int bOff, int ldb, int n, double[][] sums) {
        int rows = sums[0].length;
        int j0 = 0;
        while (j0 < n) {
            // six columns at a time, then four, two and one for what is left
            int width = n - j0 >= COLUMNS ? COLUMNS : n - j0 >= 4 ? 4 : n - j0 >= 2 ? 2 : 1;
            int i = 0;
            for (; width > 1 && i + 2 * LANES <= rows; i += 2 * LANES) {
                int at = bOff + j0 * ldb;
                if (width == COLUMNS) {
                    tile6(panel, i, b, at, ldb, sums, j0);
                } else if (width == 4) {
                    tile4(panel, i, b, at, ldb, sums, j0);
                } else {
                    tile2(panel, i, b, at, ldb, sums, j0);
                }
            }
            for (int j = j0; j < j0 + width; j++) {
                rest(panel, i, b, bOff + j * ldb, sums[j]);
            }
            j0 += width;
        }
    }

    /** Rows {@code i .. i + 2 LANES} of columns {@code j0 .. j0 + 6}, in registers. */
    private static void tile6(double[][] panel, int i, double[] b, int bOff, int ldb, double[][] sums, int j0) {
        int i1 = i + LANES;
        double[] y0 = sums[j0];
        double[] y1 = sums[j0 + 1];
        double[] y2 = sums[j0 + 2];
        double[] y3 = sums[j0 + 3];
        double[] y4 = sums[j0 + 4];
        double[] y5 = sums[j0 + 5];
        DoubleVector s00 = DoubleVector.fromArray(SPECIES, y0, i);
        DoubleVector s01 = DoubleVector.fromArray(SPECIES, y0, i1);
        DoubleVector s10 = DoubleVector.fromArray(SPECIES, y1, i);
        DoubleVector s11 = DoubleVector.fromArray(SPECIES, y1, i1);
        DoubleVector s20 = DoubleVector.fromArray(SPECIES, y2, i);
        DoubleVector s21 = DoubleVector.fromArray(SPECIES, y2, i1);
        DoubleVector s30 = DoubleVector.fromArray(SPECIES, y3, i);
        DoubleVector s31 = DoubleVector.fromArray(SPECIES, y3, i1);
        DoubleVector s40 = DoubleVector.fromArray(SPECIES, y4, i);
        DoubleVector s41 = DoubleVector.fromArray(SPECIES, y4, i1);
        DoubleVector s50 = DoubleVector.fromArray(SPECIES, y5, i);
        DoubleVector s51 = DoubleVector.fromArray(SPECIES, y5, i1);
        for (int kk = 0; kk < panel.length; kk++) {
            double[] column = panel[kk];
            DoubleVector x0 = DoubleVector.fromArray(SPECIES, column, i);
            DoubleVector x1 = DoubleVector.fromArray(SPECIES, column, i1);
            int at = bOff + kk;
            DoubleVector b0 = DoubleVector.broadcast(SPECIES, b[at]);
            DoubleVector b1 = DoubleVector.broadcast(SPECIES, b[at + ldb]);
            DoubleVector b2 = DoubleVector.broadcast(SPECIES, b[at + 2 * ldb]);
            s00 = x0.fma(b0, s00);
            s01 = x1.fma(b0, s01);
            s10 = x0.fma(b1, s10);
            s11 = x1.fma(b1, s11);
            s20 = x0.fma(b2, s20);
            s21 = x1.fma(b2, s21);
            DoubleVector b3 = DoubleVector.broadcast(SPECIES, b[at + 3 * ldb]);
            DoubleVector b4 = DoubleVector.broadcast(SPECIES, b[at + 4 * ldb]);
            DoubleVector b5 = DoubleVector.broadcast(SPECIES, b[at + 5 * ldb]);
            s30 = x0.fma(b3, s30);
            s31 = x1.fma(b3, s31);
            s40 = x0.fma(b4, s40);
            s41 = x1.fma(b4, s41);
            s50 = x0.fma(b5, s50);
            s51 = x1.fma(b5, s51);
        }
        s00.intoArray(y0, i);
        s01.intoArray(y0, i1);
        s10.intoArray(y1, i);
        s11.intoArray(y1, i1);
        s20.intoArray(y2, i);
        s21.intoArray(y2, i1);
        s30.intoArray(y3, i);
        s31.intoArray(y3, i1);
        s40.intoArray(y4, i);
        s41.intoArray(y4, i1);
        s50.intoArray(y5, i);
        s51.intoArray(y5, i1);
    }

    /** As {@link #tile6} for four columns. */
    private static void tile4(double[][] panel, int i, double[] b, int bOff, int ldb, double[][] sums, int j0) {
        int i1 = i + LANES;
        double[] y0 = sums[j0];
        double[] y1 = sums[j0 + 1];
        double[] y2 = sums[j0 + 2];
        double[] y3 = sums[j0 + 3];
        DoubleVector s00 = DoubleVector.fromArray(SPECIES, y0, i);
        DoubleVector s01 = DoubleVector.fromArray(SPECIES, y0, i1);
        DoubleVector s10 = DoubleVector.fromArray(SPECIES, y1, i);
        DoubleVector s11 = DoubleVector.fromArray(SPECIES, y1, i1);
        DoubleVector s20 = DoubleVector.fromArray(SPECIES, y2, i);
        DoubleVector s21 = DoubleVector.fromArray(SPECIES, y2, i1);
        DoubleVector s30 = DoubleVector.fromArray(SPECIES, y3, i);
        DoubleVector s31 = DoubleVector.fromArray(SPECIES, y3, i1);
        for (int kk = 0; kk < panel.length; kk++) {
            double[] column = panel[kk];
            DoubleVector x0 = DoubleVector.fromArray(SPECIES, column, i);
            DoubleVector x1 = DoubleVector.fromArray(SPECIES, column, i1);
            int at = bOff + kk;
            DoubleVector b0 = DoubleVector.broadcast(SPECIES, b[at]);
            DoubleVector b1 = DoubleVector.broadcast(SPECIES, b[at + ldb]);
            DoubleVector b2 = DoubleVector.broadcast(SPECIES, b[at + 2 * ldb]);
            DoubleVector b3 = DoubleVector.broadcast(SPECIES, b[at + 3 * ldb]);
            s00 = x0.fma(b0, s00);
            s01 = x1.fma(b0, s01);
            s10 = x0.fma(b1, s10);
            s11 = x1.fma(b1, s11);
            s20 = x0.fma(b2, s20);
            s21 = x1.fma(b2, s21);
            s30 = x0.fma(b3, s30);
            s31 = x1.fma(b3, s31);
        }
        s00.intoArray(y0, i);
        s01.intoArray(y0, i1);
        s10.intoArray(y1, i);
        s11.intoArray(y1, i1);
        s20.intoArray(y2, i);
        s21.intoArray(y2, i1);
        s30.intoArray(y3, i);
        s31.intoArray(y3, i1);
    }

    /** As {@link #tile6} for two columns. */
    private static void tile2(double[][] panel, int i, double[] b, int bOff, int ldb, double[][] sums, int j0) {
        int i1 = i + LANES;
        double[] y0 = sums[j0];
        double[] y1 = sums[j0 + 1];
        DoubleVector s00 = DoubleVector.fromArray(SPECIES, y0, i);
        DoubleVector s01 = DoubleVector.fromArray(SPECIES, y0, i1);
        DoubleVector s10 = DoubleVector.fromArray(SPECIES, y1, i);
        DoubleVector s11 = DoubleVector.fromArray(SPECIES, y1, i1);
        for (int kk = 0; kk < panel.length; kk++) {
            double[] column = panel[kk];
            DoubleVector x0 = DoubleVector.fromArray(SPECIES, column, i);
            DoubleVector x1 = DoubleVector.fromArray(SPECIES, column, i1);
            DoubleVector b0 = DoubleVector.broadcast(SPECIES, b[bOff + kk]);
            DoubleVector b1 = DoubleVector.broadcast(SPECIES, b[bOff + kk + ldb]);
            s00 = x0.fma(b0, s00);
            s01 = x1.fma(b0, s01);
            s10 = x0.fma(b1, s10);
            s11 = x1.fma(b1, s11);
        }
        s00.intoArray(y0, i);
        s01.intoArray(y0, i1);
        s10.intoArray(y1, i);
        s11.intoArray(y1, i1);
    }

    /** Rows {@code from ..} of one column: two vectors at a time, then one, then entry by entry. */
    private static void rest(double[][] panel, int from, double[] b, int bOff, double[] y) {
        int i = from;
        for (; i + 2 * LANES <= y.length; i += 2 * LANES) {
            DoubleVector s0 = DoubleVector.fromArray(SPECIES, y, i);
            DoubleVector s1 = DoubleVector.fromArray(SPECIES, y, i + LANES);
            for (int kk = 0; kk < panel.length; kk++) {
                DoubleVector bk = DoubleVector.broadcast(SPECIES, b[bOff + kk]);
                s0 = DoubleVector.fromArray(SPECIES, panel[kk], i).fma(bk, s0);
                s1 = DoubleVector.fromArray(SPECIES, panel[kk], i + LANES).fma(bk, s1);
            }
            s0.intoArray(y, i);
            s1.intoArray(y, i + LANES);
        }
        for (; i + LANES <= y.length; i += LANES) {
            DoubleVector s = DoubleVector.fromArray(SPECIES, y, i);
            for (int kk = 0; kk < panel.length; kk++) {
                s = DoubleVector.fromArray(SPECIES, panel[kk], i).fma(DoubleVector.broadcast(SPECIES, b[bOff + kk]), s);
            }
            s.intoArray(y, i);
        }
        for (; i < y.length; i++) {
            double s = y[i];
            for (int kk = 0; kk < panel.length; kk++) {
                s = Math.fma(panel[kk][i], b[bOff + kk], s);
            }
            y[i] = s;
        }
    }

    /** Rows of {@code op(A)} per register tile of {@link #addTransposedProducts}. */
    private static final int ROWS = 6;

    /** The row length {@link #addTransposedProducts} needs for n columns of B: whole pairs of vectors. */
    static int paddedWidth(int n) {
        int tile = 2 * LANES;
        return (n + tile - 1) / tile * tile;
    }

    /**
     * {@code sums[j][i] += sum_kk A[kk, i0 + i] bt[btOff + kk width + j]} for {@code kk < k}: the rows
     * {@code i0 ..} of {@code A^T B} with B given by its rows ({@code bt}, row-major, {@code width =}
     * {@link #paddedWidth}{@code (n)} apart, zero past column n), every
     * term fused in ascending kk, the order of {@link CpuGemm#columnsOfTransposed} with
     * {@link CpuGemm#addProducts}, so the same bits. A's columns are read where they are, without the
     * transposing copy that path needs: a tile of six of them times two vectors of B's columns stays
     * in registers (six broadcasts and two loads for twelve fused multiply-adds per kk). The zero
     * columns past n are computed and never stored (masked loads would fall back to slow Java code on
     * JDK 17).
     */
    static void addTransposedProducts(CpuGemm.Entries a, int aOff, int lda, int i0, int rows, double[] bt, int btOff,
                                      int width, int k, int n, double[][] sums) {
        double[] columns;
        int first;
        int stride;
        if (a.doubles() != null) {
            columns = a.doubles();
            first = a.offset() + aOff + i0 * lda;
            stride = lda;
        } else {
            columns = new double[rows * k]; // float32 A (pair matrices): widened once per call
            for (int i = 0; i < rows; i++) {
                a.copy(aOff + (i0 + i) * lda, columns, i * k, k);
            }
            first = 0;
            stride = k;
        }
        for (int i = 0; i < rows; i += ROWS) {
            int count = Math.min(ROWS, rows - i);
            for (int j = 0; j < n; j += 2 * LANES) {
                tileT(columns, first + i * stride, stride, count, bt, btOff, width, k, n, j, sums, i);
            }
        }
    }

    /**
     * Up to six rows ({@code count}) of {@code op(A)} times columns {@code j .. j + 2 LANES} of B; rows
     * short of six and columns past n are computed and not stored.
     */
    private static void tileT(double[] columns, int at, int stride, int count, double[] bt, int btOff, int width,
                              int k, int n, int j, double[][] sums, int i) {
        // accumulators in and out through one buffer: vectors kept in an array lose their exact
        // species class, and C2 then leaves them to the (slow) Java fallback
        double[] lanes = new double[2 * ROWS * LANES];
        for (int r = 0; r < count; r++) {
            for (int l = 0; l < 2 * LANES && j + l < n; l++) {
                lanes[2 * r * LANES + l] = sums[j + l][i + r];
            }
        }
        DoubleVector s00 = DoubleVector.fromArray(SPECIES, lanes, 0);
        DoubleVector s01 = DoubleVector.fromArray(SPECIES, lanes, LANES);
        DoubleVector s10 = DoubleVector.fromArray(SPECIES, lanes, 2 * LANES);
        DoubleVector s11 = DoubleVector.fromArray(SPECIES, lanes, 3 * LANES);
        DoubleVector s20 = DoubleVector.fromArray(SPECIES, lanes, 4 * LANES);
        DoubleVector s21 = DoubleVector.fromArray(SPECIES, lanes, 5 * LANES);
        DoubleVector s30 = DoubleVector.fromArray(SPECIES, lanes, 6 * LANES);
        DoubleVector s31 = DoubleVector.fromArray(SPECIES, lanes, 7 * LANES);
        DoubleVector s40 = DoubleVector.fromArray(SPECIES, lanes, 8 * LANES);
        DoubleVector s41 = DoubleVector.fromArray(SPECIES, lanes, 9 * LANES);
        DoubleVector s50 = DoubleVector.fromArray(SPECIES, lanes, 10 * LANES);
        DoubleVector s51 = DoubleVector.fromArray(SPECIES, lanes, 11 * LANES);
        // rows past count read row 0 again: harmless, never stored
        int a0 = at;
        int a1 = count > 1 ? at + stride : at;
        int a2 = count > 2 ? at + 2 * stride : at;
        int a3 = count > 3 ? at + 3 * stride : at;
        int a4 = count > 4 ? at + 4 * stride : at;
        int a5 = count > 5 ? at + 5 * stride : at;
        for (int kk = 0; kk < k; kk++) {
            int row = btOff + kk * width + j;
            DoubleVector b0 = DoubleVector.fromArray(SPECIES, bt, row);
            DoubleVector b1 = DoubleVector.fromArray(SPECIES, bt, row + LANES);
            DoubleVector x0 = DoubleVector.broadcast(SPECIES, columns[a0 + kk]);
            DoubleVector x1 = DoubleVector.broadcast(SPECIES, columns[a1 + kk]);
            DoubleVector x2 = DoubleVector.broadcast(SPECIES, columns[a2 + kk]);
            s00 = x0.fma(b0, s00);
            s01 = x0.fma(b1, s01);
            s10 = x1.fma(b0, s10);
            s11 = x1.fma(b1, s11);
            s20 = x2.fma(b0, s20);
            s21 = x2.fma(b1, s21);
            DoubleVector x3 = DoubleVector.broadcast(SPECIES, columns[a3 + kk]);
            DoubleVector x4 = DoubleVector.broadcast(SPECIES, columns[a4 + kk]);
            DoubleVector x5 = DoubleVector.broadcast(SPECIES, columns[a5 + kk]);
            s30 = x3.fma(b0, s30);
            s31 = x3.fma(b1, s31);
            s40 = x4.fma(b0, s40);
            s41 = x4.fma(b1, s41);
            s50 = x5.fma(b0, s50);
            s51 = x5.fma(b1, s51);
        }
        s00.intoArray(lanes, 0);
        s01.intoArray(lanes, LANES);
        s10.intoArray(lanes, 2 * LANES);
        s11.intoArray(lanes, 3 * LANES);
        s20.intoArray(lanes, 4 * LANES);
        s21.intoArray(lanes, 5 * LANES);
        s30.intoArray(lanes, 6 * LANES);
        s31.intoArray(lanes, 7 * LANES);
        s40.intoArray(lanes, 8 * LANES);
        s41.intoArray(lanes, 9 * LANES);
        s50.intoArray(lanes, 10 * LANES);
        s51.intoArray(lanes, 11 * LANES);
        for (int r = 0; r < count; r++) {
            for (int l = 0; l < 2 * LANES && j + l < n; l++) {
                sums[j + l][i + r] = lanes[2 * r * LANES + l];
            }
        }
    }
}
