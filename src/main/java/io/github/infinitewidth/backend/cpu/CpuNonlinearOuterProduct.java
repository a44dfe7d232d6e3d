package io.github.infinitewidth.backend.cpu;

import io.github.infinitewidth.backend.WorkSplit;
import io.github.infinitewidth.optim.UpdateFunction;

/**
 * The fused nonlinear outer product (docs/design-notes.md), the hot spot of both limit engines
 * (LIMITS.md sections 3 and 5): {@code out[a, i] = alpha sum_b Q(G[a, b]) C[b, i]} with
 * {@code G[a, b] = sum_j c_j A[a, j] B[b, j]}, its variant that accumulates
 * {@code alpha Q(G)} into a pair matrix, the memoryful pair update of {@link #update}, and Adam's
 * stateless pair term.
 *
 * <p>The {@code N_A x N_B} matrix of Q values is never stored: it is produced tile by tile
 * ({@link #TILE_A} particles a by {@link #TILE_B} particles b, 32 KiB, resident in L1), each tile of
 * G a small product of packed columns of A with rows of B ({@link CpuGemm#addProducts}, register
 * blocked on the Vector API where it runs). The sums over b use {@link #fold4} over arrays that all
 * start at index 0 (one row of a tile, one packed column): C2 vectorizes only loops whose loads and
 * stores use the same index when the arrays might alias, and a loop over {@code tile[t + aa]} and
 * {@code a[c + aa]} stays scalar (seen in the JIT's assembly; design-notes.md has the numbers).
 * Threads own disjoint blocks, and every sum runs in a fixed order, so results do not depend on
 * the thread count. Cost {@code O(N_A N_B (m + p))} time, {@code O((N_A + N_B)(m + p))} memory.
 */
final class CpuNonlinearOuterProduct {
    static final int TILE_A = 256;
    static final int TILE_B = 16;
    /** {@code 2^600}: twice applied, it lifts the smallest subnormal above 1 (see {@link #applyQ}). */
    private static final double LIFT = 0x1p600;

    /** Fills {@code tile[bb][aa]} with the pair values of particles {@code a0 + aa} (block {@code block}) and {@code b0 + bb}. */
    @FunctionalInterface
    private interface PairValues {
        void fill(int block, int b0, int tb, double[][] tile, double[][] scratch, double[][] scratch2);
    }

    private CpuNonlinearOuterProduct() {}

    static void apply(WorkSplit split, UpdateFunction q, double[] c, CpuMatrix a, CpuMatrix b, CpuMatrix cm,
                      double alpha, boolean excludeDiagonal, CpuMatrix out) {
        requireMemoryless(q);
        double[][][] scaledA = scaledColumnBlocks(a, c);
        double[] bv = rowMajor(b);
        int nb = b.rows();
        PairValues values = (block, b0, tb, tile, scratch, v) -> {
            pairTile(scaledA[block], bv, b0, tb, tile);
            applyQ(q, tile, tb);
        };
        reduce(split, values, a.rows(), nb, cm, alpha, excludeDiagonal, out);
    }

    static void adam(WorkSplit split, UpdateFunction adam, int step, double[] first, double[][] second,
                     CpuMatrix a, CpuMatrix b, CpuMatrix cm, double alpha, boolean excludeDiagonal, CpuMatrix out) {
        double[][][] firstA = scaledColumnBlocks(a, first);
        double[][][][] secondA = new double[second.length][][][];
        for (int r = 0; r < second.length; r++) {
            secondA[r] = scaledColumnBlocks(a, second[r]);
        }
        double[] bv = rowMajor(b);
        int nb = b.rows();
        double c1 = adam.firstBiasCorrection(step);
        double c2 = adam.secondBiasCorrection(step);
        PairValues values = (block, b0, tb, tile, scratch, v) -> {
            for (int bb = 0; bb < tb; bb++) {
                java.util.Arrays.fill(v[bb], 0.0);
            }
            for (double[][][] factor : secondA) {
                pairTile(factor[block], bv, b0, tb, scratch);
                for (int bb = 0; bb < tb; bb++) {
                    double[] vRow = v[bb];
                    double[] sRow = scratch[bb];
                    for (int aa = 0; aa < vRow.length; aa++) {
                        vRow[aa] += sRow[aa] * sRow[aa];
                    }
                }
            }
            pairTile(firstA[block], bv, b0, tb, tile);
            for (int bb = 0; bb < tb; bb++) {
                double[] row = tile[bb];
                double[] vRow = v[bb];
                for (int aa = 0; aa < row.length; aa++) {
                    row[aa] = adam.adamDirection(row[aa], vRow[aa], c1, c2);
                }
            }
        };
        reduce(split, values, a.rows(), nb, cm, alpha, excludeDiagonal, out);
    }

    /** {@code out[a, i] = alpha sum_b values[a, b] C[b, i]}, tile by tile. */
    private static void reduce(WorkSplit split, PairValues values, int na, int nb, CpuMatrix cm, double alpha,
                               boolean excludeDiagonal, CpuMatrix out) {
        int p = cm.cols();
        double[] cv = cm.toDoubles();
        split.forEach(WorkSplit.blocks(na, TILE_A), block -> {
            int a0 = block * TILE_A;
            int ta = Math.min(na, a0 + TILE_A) - a0;
            double[][] tile = new double[TILE_B][ta];
            double[][] scratch = new double[TILE_B][ta];
            double[][] scratch2 = new double[TILE_B][ta];
            double[][] acc = new double[p][ta];
            for (int b0 = 0; b0 < nb; b0 += TILE_B) {
                int tb = Math.min(nb, b0 + TILE_B) - b0;
                values.fill(block, b0, tb, tile, scratch, scratch2);
                if (excludeDiagonal) {
                    zeroDiagonal(tile, a0, ta, b0, tb);
                }
                accumulate(tile, tb, cv, nb, b0, acc);
            }
            for (int i = 0; i < p; i++) {
                for (int aa = 0; aa < ta; aa++) {
                    out.set(a0 + aa + i * na, alpha * acc[i][aa]);
                }
            }
        });
    }

    /** {@code pairs[a, b] += alpha Q(G[a, b])}; threads own disjoint blocks of columns b. */
    static void accumulate(WorkSplit split, UpdateFunction q, double[] c, CpuMatrix a, CpuMatrix b, double alpha,
                           boolean excludeDiagonal, CpuMatrix pairs) {
        requireMemoryless(q);
        int na = a.rows();
        forEachPairTile(split, c, a, b, (tile, a0, ta, b0, tb) -> {
            applyQ(q, tile, tb);
            for (int bb = 0; bb < tb; bb++) {
                int column = (b0 + bb) * na + a0;
                double[] row = tile[bb];
                for (int aa = 0; aa < ta; aa++) {
                    if (!excludeDiagonal || a0 + aa != b0 + bb) {
                        pairs.set(column + aa, pairs.get(column + aa) + alpha * row[aa]);
                    }
                }
            }
        });
    }

    /**
     * {@code pairs[a, b] += alpha Q_t(G[a, b])} for memoryful Q, each pair reading and writing its own
     * state ({@code state[k]} shaped like pairs: momentum b; adam m then v) with the arithmetic of
     * {@link CpuBackend#update}. G lives in one L1-resident tile at a time: the N x N gradient is never
     * stored. The diagonal of pairs and state is left untouched when excluded.
     */
    static void update(WorkSplit split, UpdateFunction q, int step, double[] c, CpuMatrix a, CpuMatrix b,
                       double alpha, boolean excludeDiagonal, CpuMatrix pairs, CpuMatrix[] state) {
        int na = a.rows();
        PairStep rowStep = PairStep.of(q, step, alpha, pairs, state);
        forEachPairTile(split, c, a, b, (tile, a0, ta, b0, tb) -> {
            for (int bb = 0; bb < tb; bb++) {
                int at = (b0 + bb) * na + a0;
                // the whole row is stepped, branch free; an excluded diagonal entry is put back after
                int diagonal = b0 + bb - a0;
                boolean keep = excludeDiagonal && diagonal >= 0 && diagonal < ta;
                double[] kept = keep ? PairStep.read(pairs, state, at + diagonal) : null;
                rowStep.row(tile[bb], ta, at);
                if (keep) {
                    PairStep.write(kept, pairs, state, at + diagonal);
                }
            }
        });
    }

    /** Receives {@code tile[bb][aa] = G[a0 + aa, b0 + bb]} for one tile of pairs. */
    @FunctionalInterface
    private interface PairTileConsumer {
        void accept(double[][] tile, int a0, int ta, int b0, int tb);
    }

    /**
     * Hands every tile of {@code G[a, b] = sum_j c_j A[a, j] B[b, j]} to {@code consumer}; threads own
     * disjoint blocks of columns b, so each pair is visited by exactly one thread.
     */
    private static void forEachPairTile(WorkSplit split, double[] c, CpuMatrix a, CpuMatrix b,
                                        PairTileConsumer consumer) {
        int na = a.rows();
        int nb = b.rows();
        double[][][] scaledA = scaledColumnBlocks(a, c);
        double[] bv = rowMajor(b);
        split.forEach(WorkSplit.blocks(nb, TILE_B), block -> {
            int b0 = block * TILE_B;
            int tb = Math.min(nb, b0 + TILE_B) - b0;
            double[][] tile = new double[tb][];
            for (int aBlock = 0; aBlock < scaledA.length; aBlock++) {
                int a0 = aBlock * TILE_A;
                int ta = Math.min(na, a0 + TILE_A) - a0;
                if (tile[0] == null || tile[0].length != ta) {
                    for (int bb = 0; bb < tb; bb++) {
                        tile[bb] = new double[ta];
                    }
                }
                pairTile(scaledA[aBlock], bv, b0, tb, tile);
                consumer.accept(tile, a0, ta, b0, tb);
            }
        });
    }

    /**
     * {@code tile[bb][aa] = G[a0 + aa, b0 + bb]} from the packed, scaled columns {@code aColumns[j][aa]}
     * of one block of a and the rows of B ({@link #rowMajor}): a small GEMM, every term fused in
     * ascending j by {@link CpuGemm#addProducts} (register-blocked where the Vector API is on, the same
     * bits either way). The summation order is fixed, so results do not depend on threads.
     */
    private static void pairTile(double[][] aColumns, double[] bRows, int b0, int tb, double[][] tile) {
        int m = aColumns.length;
        for (int bb = 0; bb < tb; bb++) {
            java.util.Arrays.fill(tile[bb], 0.0);
        }
        CpuGemm.addProducts(aColumns, bRows, b0 * m, m, tb, tile);
    }

    /** {@code out[r * m + j] = B[r, j]}: B's rows, each contiguous, so a tile's terms are. */
    private static double[] rowMajor(CpuMatrix b) {
        double[] values = b.isDouble() ? b.doubles() : b.toDoubles();
        int n = b.rows();
        return CpuGemm.rows(values, b.isDouble() ? b.offset() : 0, n, n, b.cols(), b.cols());
    }

    /** {@code acc[i][aa] += sum_bb tile[bb][aa] C[b0 + bb, i]}, four b at a time. */
    private static void accumulate(double[][] tile, int tb, double[] c, int nb, int b0, double[][] acc) {
        for (int i = 0; i < acc.length; i++) {
            double[] accRow = acc[i];
            int column = b0 + i * nb;
            int bb = 0;
            for (; bb + 3 < tb; bb += 4) {
                fold4(accRow, tile[bb], c[column + bb], tile[bb + 1], c[column + bb + 1], tile[bb + 2],
                        c[column + bb + 2], tile[bb + 3], c[column + bb + 3]);
            }
            for (; bb < tb; bb++) {
                fold1(accRow, tile[bb], c[column + bb]);
            }
        }
    }

    /**
     * {@code y += x0 s0 + x1 s1 + x2 s2 + x3 s3} entrywise over {@code y.length}. Every array is read
     * at the loop index itself, the shape C2 vectorizes even when it cannot prove the arrays distinct.
     */
    private static void fold4(double[] y, double[] x0, double s0, double[] x1, double s1, double[] x2, double s2,
                              double[] x3, double s3) {
        for (int k = 0; k < y.length; k++) {
            y[k] += x0[k] * s0 + x1[k] * s1 + x2[k] * s2 + x3[k] * s3;
        }
    }

    /** {@code y += x s} entrywise over {@code y.length}. */
    private static void fold1(double[] y, double[] x, double s) {
        for (int k = 0; k < y.length; k++) {
            y[k] += x[k] * s;
        }
    }

    /**
     * Q entrywise (LIMITS.md section 1) on the first {@code rows} rows, written out per kind so each
     * loop stays branch-free. sign is {@code min(1, max(-1, g 2^1200))}, equal to {@link Math#signum}
     * for every double (zeros keep their sign, NaN stays NaN, every nonzero g reaches +-1): Math.signum
     * branches, and on pair values whose signs are random half its branches mispredict, which doubled
     * the whole product's time (design-notes.md).
     */
    private static void applyQ(UpdateFunction q, double[][] tile, int rows) {
        switch (q.kind()) {
            case SIGN:
                for (int bb = 0; bb < rows; bb++) {
                    double[] row = tile[bb];
                    for (int k = 0; k < row.length; k++) {
                        row[k] = Math.min(1.0, Math.max(-1.0, row[k] * LIFT * LIFT));
                    }
                }
                return;
            case SMOOTHSIGN: {
                double eps2 = q.epsilon() * q.epsilon();
                for (int bb = 0; bb < rows; bb++) {
                    double[] row = tile[bb];
                    for (int k = 0; k < row.length; k++) {
                        double g = row[k];
                        row[k] = g / Math.sqrt(g * g + eps2);
                    }
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

    private static void zeroDiagonal(double[][] tile, int a0, int ta, int b0, int tb) {
        int from = Math.max(a0, b0);
        int to = Math.min(a0 + ta, b0 + tb);
        for (int d = from; d < to; d++) {
            tile[d - b0][d - a0] = 0.0;
        }
    }

    /**
     * {@code A diag(c)} packed by blocks of {@link #TILE_A} rows: {@code blocks[k][j][aa] = A[k TILE_A + aa, j] c[j]},
     * so that the inner loops read whole arrays from index 0 (see the class comment).
     */
    private static double[][][] scaledColumnBlocks(CpuMatrix a, double[] c) {
        int n = a.rows();
        int m = a.cols();
        double[] values = a.toDoubles();
        double[][][] blocks = new double[WorkSplit.blocks(n, TILE_A)][m][];
        for (int k = 0; k < blocks.length; k++) {
            int a0 = k * TILE_A;
            int ta = Math.min(n, a0 + TILE_A) - a0;
            for (int j = 0; j < m; j++) {
                double[] column = new double[ta];
                for (int aa = 0; aa < ta; aa++) {
                    column[aa] = values[a0 + aa + j * n] * c[j];
                }
                blocks[k][j] = column;
            }
        }
        return blocks;
    }
}
