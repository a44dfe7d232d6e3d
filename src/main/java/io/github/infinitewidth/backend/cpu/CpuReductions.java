package io.github.infinitewidth.backend.cpu;

import io.github.infinitewidth.backend.WorkSplit;

/**
 * Particle averages accumulated in float64 (LIMITS.md section 0: {@code E[g]} is estimated by
 * {@code (1/N) sum_a g_a}). Particles are cut into fixed blocks of {@link #PARTICLES}; each
 * block's partial sums are computed by one thread and the partials are added in block order,
 * so the result is the same for any thread count. Cost {@code O(N p q)} for a Gram matrix.
 */
final class CpuReductions {
    static final int PARTICLES = 1024;

    private CpuReductions() {}

    /** {@code (1/N) a^T b}, {@code a.cols x b.cols} column-major. */
    static double[] gram(WorkSplit split, CpuMatrix a, CpuMatrix b) {
        int n = a.rows();
        int p = a.cols();
        int q = b.cols();
        double[] av = a.isDouble() ? a.doubles() : a.toDoubles();
        int aOff = a.isDouble() ? a.offset() : 0;
        double[] bv = b.isDouble() ? b.doubles() : b.toDoubles();
        int bOff = b.isDouble() ? b.offset() : 0;
        int blocks = WorkSplit.blocks(n, PARTICLES);
        double[][] partial = new double[blocks][p * q];
        split.forEach(blocks, block -> {
            int r0 = block * PARTICLES;
            int length = Math.min(n, r0 + PARTICLES) - r0;
            double[] out = partial[block];
            if (p >= CpuGemm.PANEL_ROWS) {
                // the block's a^T b as a product of the panel of a's rows with b's columns; with the
                // Vector API, a's columns read in place against b's rows (the same sums, same order)
                double[][] columns = new double[q][p];
                if (CpuGemm.VECTOR) {
                    int width = VectorGemm.paddedWidth(q);
                    VectorGemm.addTransposedProducts(CpuGemm.Entries.of(av, aOff), r0, n, 0, p,
                            CpuGemm.rows(bv, bOff + r0, n, length, q, width), 0, width, length, q, columns);
                } else {
                    double[][] panel = CpuGemm.columnsOfTransposed(CpuGemm.Entries.of(av, aOff), r0, n, 0, p, length);
                    CpuGemm.addProducts(panel, bv, bOff + r0, n, q, columns);
                }
                for (int j = 0; j < q; j++) {
                    System.arraycopy(columns[j], 0, out, j * p, p);
                }
                return;
            }
            for (int j = 0; j < q; j++) {
                for (int i = 0; i < p; i++) {
                    out[i + j * p] = CpuGemm.dot(av, aOff + i * n + r0, bv, bOff + j * n + r0, length);
                }
            }
        });
        return sumInOrder(partial, p * q, n);
    }

    /** {@code (1/N) sum_a m[a, j]} for every column. */
    static double[] columnMeans(WorkSplit split, CpuMatrix m) {
        int n = m.rows();
        int cols = m.cols();
        int blocks = WorkSplit.blocks(n, PARTICLES);
        double[][] partial = new double[blocks][cols];
        split.forEach(blocks, block -> {
            int r0 = block * PARTICLES;
            int r1 = Math.min(n, r0 + PARTICLES);
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int r = r0; r < r1; r++) {
                    s += m.get(r + j * n);
                }
                partial[block][j] = s;
            }
        });
        return sumInOrder(partial, cols, n);
    }

    private static double[] sumInOrder(double[][] partial, int length, int n) {
        double[] total = new double[length];
        for (double[] block : partial) {
            for (int i = 0; i < length; i++) {
                total[i] += block[i];
            }
        }
        if (n == 0) {
            return total; // the mean over no particles is 0, not 0/0 (Backend.gram)
        }
        for (int i = 0; i < length; i++) {
            total[i] /= n;
        }
        return total;
    }
}
