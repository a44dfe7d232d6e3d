package io.github.infinitewidth.ket;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;

/**
 * Projection onto a basis that is orthonormal in the particle inner product
 * {@code <y, y'> = (1/N) sum_a y_a y'_a} (sum over particles a) (LIMITS.md section 5, "Numerics").
 */
final class ParticleGramSchmidt {
    private ParticleGramSchmidt() {}

    /**
     * Removes from every column of {@code r} its component in the span of {@code basis} and
     * returns the removed coefficients ({@code basis.cols x r.cols}, column-major), so that the
     * old {@code r} equals {@code basis * coefficients + } the new {@code r}.
     *
     * <p>Two passes ("twice is enough", Giraud, Langou and Rozloznik 2005): one pass of block
     * Gram-Schmidt loses orthogonality in proportion to how much of r lay in the span, the second
     * pass restores it to rounding level. This is as stable as modified Gram-Schmidt with one
     * re-orthogonalization, yet each pass is one {@link Backend#gram} and one {@link Backend#gemm}
     * instead of {@code basis.cols} vector operations. Cost {@code O(N k m)} for {@code k} basis
     * columns and {@code m} columns of r.
     *
     * @param basis {@code N x k} with {@code (1/N) basis^T basis = I}, {@code k >= 1}; must not share storage with r
     * @param r {@code N x m}, modified in place
     */
    static double[] project(Backend backend, DeviceMatrix basis, DeviceMatrix r) {
        int k = basis.cols();
        int m = r.cols();
        double[] total = new double[k * m];
        for (int pass = 0; pass < 2; pass++) {
            // orthonormal basis: the least-squares coefficients are the inner products themselves
            double[] c = backend.gram(basis, r);
            try (DeviceMatrix onDevice = backend.upload(k, m, c)) {
                backend.gemm(false, false, -1.0, basis, onDevice, 1.0, r);
            }
            for (int i = 0; i < total.length; i++) {
                total[i] += c[i];
            }
        }
        return total;
    }

    /** {@code sqrt(<r, r>)} for a single column. */
    static double norm(Backend backend, DeviceMatrix column) {
        return Math.sqrt(backend.gram(column, column)[0]);
    }
}
