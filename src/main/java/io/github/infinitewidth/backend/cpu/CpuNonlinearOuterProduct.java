package io.github.infinitewidth.backend.cpu;

import io.github.infinitewidth.optim.UpdateFunction;

/**
 * The fused nonlinear outer product of DESIGN.md, the hot spot of both limit engines
 * (LIMITS.md sections 3 and 5): {@code out[a, i] = alpha sum_b Q(G[a, b]) C[b, i]} with
 * {@code G[a, b] = sum_j c_j A[a, j] B[b, j]}, its variant that accumulates
 * {@code alpha Q(G)} into a pair matrix, and Adam's stateless pair term.
 *
 * <p>The {@code N_A x N_B} matrix of Q values is never stored: it is produced tile by tile
 * ({@link #TILE_A} particles a by {@link #TILE_B} particles b, 64 KiB, cache resident), with a
 * contiguous in every inner loop so the JIT vectorizes them. Threads own disjoint blocks of a,
 * and each {@code out[a, i]} sums over b in ascending order, so results do not depend on the
 * thread count. Cost {@code O(N_A N_B (m + p))} time, {@code O((N_A + N_B)(m + p))} memory.
 */
final class CpuNonlinearOuterProduct {
    static final int TILE_A = 64;
    static final int TILE_B = 128;

    /** Fills {@code tile[bb * ta + aa]} with the pair values of particles {@code a0 + aa} and {@code b0 + bb}. */
    @FunctionalInterface
    private interface PairValues {
        void fill(int a0, int ta, int b0, int tb, double[] tile, double[] scratch, double[] scratch2);
    }

    private CpuNonlinearOuterProduct() {}

    static void apply(WorkSplit split, UpdateFunction q, double[] c, CpuMatrix a, CpuMatrix b, CpuMatrix cm,
                      double alpha, boolean excludeDiagonal, CpuMatrix out) {
        requireMemoryless(q);
        int na = a.rows();
        int nb = b.rows();
        int m = a.cols();
        double[] scaledA = scaledColumns(a, c);
        double[] bv = b.toDoubles();
        PairValues values = (a0, ta, b0, tb, tile, scratch, v) -> {
            pairTile(scaledA, na, a0, ta, bv, nb, b0, tb, m, tile);
            applyQ(q, tile, tb * ta);
        };
        reduce(split, values, na, nb, cm, alpha, excludeDiagonal, out);
    }

    static void adam(WorkSplit split, UpdateFunction adam, int step, double[] first, double[][] second,
                     CpuMatrix a, CpuMatrix b, CpuMatrix cm, double alpha, boolean excludeDiagonal, CpuMatrix out) {
        int na = a.rows();
        int nb = b.rows();
        int m = a.cols();
        double[] firstA = scaledColumns(a, first);
        double[][] secondA = new double[second.length][];
        for (int r = 0; r < second.length; r++) {
            secondA[r] = scaledColumns(a, second[r]);
        }
        double[] bv = b.toDoubles();
        double c1 = adam.firstBiasCorrection(step);
        double c2 = adam.secondBiasCorrection(step);
        PairValues values = (a0, ta, b0, tb, tile, scratch, v) -> {
            int length = tb * ta;
            java.util.Arrays.fill(v, 0, length, 0.0);
            for (double[] factor : secondA) {
                pairTile(factor, na, a0, ta, bv, nb, b0, tb, m, scratch);
                for (int k = 0; k < length; k++) {
                    v[k] += scratch[k] * scratch[k];
                }
            }
            pairTile(firstA, na, a0, ta, bv, nb, b0, tb, m, tile);
            for (int k = 0; k < length; k++) {
                tile[k] = adam.adamDirection(tile[k], v[k], c1, c2);
            }
        };
        reduce(split, values, na, nb, cm, alpha, excludeDiagonal, out);
    }

    /** {@code out[a, i] = alpha sum_b values[a, b] C[b, i]}, tile by tile. */
    private static void reduce(WorkSplit split, PairValues values, int na, int nb, CpuMatrix cm, double alpha,
                               boolean excludeDiagonal, CpuMatrix out) {
        int p = cm.cols();
        double[] cv = cm.toDoubles();
        split.forEach(WorkSplit.blocks(na, TILE_A), block -> {
            int a0 = block * TILE_A;
            int ta = Math.min(na, a0 + TILE_A) - a0;
            double[] tile = new double[TILE_B * ta];
            double[] scratch = new double[TILE_B * ta];
            double[] scratch2 = new double[TILE_B * ta];
            double[] acc = new double[p * ta];
            for (int b0 = 0; b0 < nb; b0 += TILE_B) {
                int tb = Math.min(nb, b0 + TILE_B) - b0;
                values.fill(a0, ta, b0, tb, tile, scratch, scratch2);
                if (excludeDiagonal) {
                    zeroDiagonal(tile, a0, ta, b0, tb);
                }
                accumulate(tile, ta, tb, cv, nb, b0, p, acc);
            }
            for (int i = 0; i < p; i++) {
                for (int aa = 0; aa < ta; aa++) {
                    out.set(a0 + aa + i * na, alpha * acc[i * ta + aa]);
                }
            }
        });
    }

    /** {@code pairs[a, b] += alpha Q(G[a, b])}; threads own disjoint blocks of columns b. */
    static void accumulate(WorkSplit split, UpdateFunction q, double[] c, CpuMatrix a, CpuMatrix b, double alpha,
                           boolean excludeDiagonal, CpuMatrix pairs) {
        requireMemoryless(q);
        int na = a.rows();
        int nb = b.rows();
        int m = a.cols();
        double[] scaledA = scaledColumns(a, c);
        double[] bv = b.toDoubles();
        split.forEach(WorkSplit.blocks(nb, TILE_B), block -> {
            int b0 = block * TILE_B;
            int tb = Math.min(nb, b0 + TILE_B) - b0;
            double[] tile = new double[tb * TILE_A];
            for (int a0 = 0; a0 < na; a0 += TILE_A) {
                int ta = Math.min(na, a0 + TILE_A) - a0;
                pairTile(scaledA, na, a0, ta, bv, nb, b0, tb, m, tile);
                applyQ(q, tile, tb * ta);
                for (int bb = 0; bb < tb; bb++) {
                    int column = (b0 + bb) * na + a0;
                    for (int aa = 0; aa < ta; aa++) {
                        if (!excludeDiagonal || a0 + aa != b0 + bb) {
                            pairs.set(column + aa, pairs.get(column + aa) + alpha * tile[bb * ta + aa]);
                        }
                    }
                }
            }
        });
    }

    /**
     * {@code tile[bb * ta + aa] = G[a0 + aa, b0 + bb]}. The inner loop runs over a (vectorized by the
     * JIT) and folds four j at a time into each tile entry, which cuts the loads and stores per
     * multiply-add by half compared with one j at a time (measured: 5 to 7 GFLOP/s per thread).
     * The summation order is fixed, so results do not depend on threads.
     */
    private static void pairTile(double[] scaledA, int na, int a0, int ta, double[] b, int nb, int b0, int tb,
                                 int m, double[] tile) {
        java.util.Arrays.fill(tile, 0, tb * ta, 0.0);
        int j = 0;
        for (; j + 3 < m; j += 4) {
            int c0 = j * na + a0;
            int c1 = c0 + na;
            int c2 = c1 + na;
            int c3 = c2 + na;
            for (int bb = 0; bb < tb; bb++) {
                int row = b0 + bb + j * nb;
                double x0 = b[row];
                double x1 = b[row + nb];
                double x2 = b[row + 2 * nb];
                double x3 = b[row + 3 * nb];
                int t = bb * ta;
                for (int aa = 0; aa < ta; aa++) {
                    tile[t + aa] += scaledA[c0 + aa] * x0 + scaledA[c1 + aa] * x1 + scaledA[c2 + aa] * x2
                            + scaledA[c3 + aa] * x3;
                }
            }
        }
        for (; j < m; j++) {
            int c0 = j * na + a0;
            for (int bb = 0; bb < tb; bb++) {
                double x0 = b[b0 + bb + j * nb];
                int t = bb * ta;
                for (int aa = 0; aa < ta; aa++) {
                    tile[t + aa] += scaledA[c0 + aa] * x0;
                }
            }
        }
    }

    /** {@code acc[i * ta + aa] += sum_bb tile[bb * ta + aa] C[b0 + bb, i]}, four b at a time like {@link #pairTile}. */
    private static void accumulate(double[] tile, int ta, int tb, double[] c, int nb, int b0, int p, double[] acc) {
        for (int i = 0; i < p; i++) {
            int accCol = i * ta;
            int column = b0 + i * nb;
            int bb = 0;
            for (; bb + 3 < tb; bb += 4) {
                double y0 = c[column + bb];
                double y1 = c[column + bb + 1];
                double y2 = c[column + bb + 2];
                double y3 = c[column + bb + 3];
                int t0 = bb * ta;
                int t1 = t0 + ta;
                int t2 = t1 + ta;
                int t3 = t2 + ta;
                for (int aa = 0; aa < ta; aa++) {
                    acc[accCol + aa] += tile[t0 + aa] * y0 + tile[t1 + aa] * y1 + tile[t2 + aa] * y2 + tile[t3 + aa] * y3;
                }
            }
            for (; bb < tb; bb++) {
                double y0 = c[column + bb];
                int t0 = bb * ta;
                for (int aa = 0; aa < ta; aa++) {
                    acc[accCol + aa] += tile[t0 + aa] * y0;
                }
            }
        }
    }

    /** Q entrywise (LIMITS.md section 1), written out per kind so each loop stays branch-free. */
    private static void applyQ(UpdateFunction q, double[] tile, int length) {
        switch (q.kind()) {
            case SIGN:
                for (int i = 0; i < length; i++) {
                    tile[i] = Math.signum(tile[i]);
                }
                return;
            case SMOOTHSIGN: {
                double eps2 = q.epsilon() * q.epsilon();
                for (int i = 0; i < length; i++) {
                    double g = tile[i];
                    tile[i] = g / Math.sqrt(g * g + eps2);
                }
                return;
            }
            default:
                return;
        }
    }

    private static void requireMemoryless(UpdateFunction q) {
        if (q.hasMemory()) {
            throw new IllegalArgumentException("the nonlinear outer product needs a memoryless Q, got "
                    + q.kind().spelling());
        }
    }

    private static void zeroDiagonal(double[] tile, int a0, int ta, int b0, int tb) {
        int from = Math.max(a0, b0);
        int to = Math.min(a0 + ta, b0 + tb);
        for (int d = from; d < to; d++) {
            tile[(d - b0) * ta + (d - a0)] = 0.0;
        }
    }

    /** {@code A diag(c)} as a column-major float64 array. */
    private static double[] scaledColumns(CpuMatrix a, double[] c) {
        int n = a.rows();
        double[] s = a.toDoubles();
        for (int j = 0; j < a.cols(); j++) {
            for (int r = 0; r < n; r++) {
                s[r + j * n] *= c[j];
            }
        }
        return s;
    }
}
