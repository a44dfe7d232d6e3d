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
}
