package io.github.infinitewidth.ket;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * A factor {@code F} of a covariance matrix {@code C = F F^T} (m x m), so that {@code Z F^T}
 * has covariance C when the rows of Z are iid standard Gaussians: how the engines sample
 * fresh Gaussian kets with a given covariance (LIMITS.md sections 3 and 5). Computed from the
 * symmetric eigendecomposition, {@code F = V sqrt(max(lambda, 0))}, which also handles the
 * singular covariances of repeated or dependent inputs; eigenvalues below zero are rounding
 * and are clipped. Cost {@code O(m^3)} on the host.
 */
public final class CovarianceFactor {
    private CovarianceFactor() {}

    /**
     * @param covariance m x m, symmetric (either storage order)
     * @return F, m x m column-major
     */
    public static double[] of(double[] covariance, int m) {
        if (covariance.length != m * m) {
            throw new IllegalArgumentException("covariance of length " + covariance.length + " is not " + m + " x " + m);
        }
        double scale = 0;
        for (double entry : covariance) {
            scale = Math.max(scale, Math.abs(entry));
        }
        double[] f = new double[m * m];
        if (!Double.isFinite(scale)) {
            // an infinite (or NaN) covariance has no factor: the samples are NaN, and the engine reports
            // the run as diverged where they are used, instead of the decomposition failing to converge
            java.util.Arrays.fill(f, Double.NaN);
            return f;
        }
        if (scale == 0) {
            return f;
        }
        RealMatrix c = new Array2DRowRealMatrix(m, m);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                // symmetrize against rounding so the decomposition sees an exactly symmetric matrix; divided
                // by the largest entry, so that finite but extreme entries (1e300) cannot overflow inside it
                c.setEntry(i, j, 0.5 * (covariance[i * m + j] / scale + covariance[j * m + i] / scale));
            }
        }
        EigenDecomposition eigen = new EigenDecomposition(c);
        RealMatrix v = eigen.getV();
        for (int k = 0; k < m; k++) {
            double root = Math.sqrt(Math.max(eigen.getRealEigenvalue(k), 0.0)) * Math.sqrt(scale);
            for (int i = 0; i < m; i++) {
                f[i + k * m] = v.getEntry(i, k) * root;
            }
        }
        return f;
    }
}
