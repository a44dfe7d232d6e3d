package io.github.infinitewidth.ket;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Least-squares regression of ket columns on a growing set of stored hat columns, the particle
 * form of Stein's lemma (LIMITS.md section 5, "Expectations of derivatives without
 * derivatives"): for zero-mean Gaussian hats B with covariance C, {@code E[grad_B g] =
 * C^{-1} E[B g]}, and with particles C and {@code E[B g]} are replaced by their sample
 * estimates.
 *
 * <p>The sample covariance is the centered one (a regression with intercept). Both the
 * centered and the uncentered estimate converge to the same limit, but centering removes the
 * noise term {@code E[g] * mean(B)} of size {@code |E[g]| / sqrt(N)} that the uncentered
 * regression picks up whenever g has a non-zero mean (every activation output does); for the
 * relu cases of GaussianFamilyTest it cuts the standard error from 7.4e-4 to 4.3e-4 at
 * N = 20000. A g that is an exact linear function of the hats is recovered exactly either way.
 *
 * <p>The Cholesky factor of the sample covariance is kept on the host and extended when hats
 * are added: hats never change once drawn, so the factor of the first k columns stays valid.
 * Host memory {@code O(k^2)}.
 */
final class HatRegression {
    /**
     * A pivot this small relative to its column's variance means the column is (numerically) a
     * linear combination of the earlier ones: with fresh Gaussian hats that only happens when
     * the rank k reaches the particle count N.
     */
    private static final double SINGULAR = 1e-10;

    private final List<double[]> factorRows = new ArrayList<>();
    private double[] means = new double[0];

    /** Number of hat columns factored so far. */
    int size() {
        return factorRows.size();
    }

    /** Host bytes held: the lower-triangular factor and the column means. */
    long hostBytes() {
        long k = size();
        return 8 * (k * (k + 1) / 2 + means.length);
    }

    /**
     * The coefficients of regressing every column of {@code g} (N x p) on {@code hats}
     * (N x k) with intercept, {@code k x p} column-major: {@code Cov(hats)^{-1} Cov(hats, g)} in
     * the particle measure. The first columns of {@code hats} must be those of earlier calls.
     * Cost {@code O(N k p + k^2 p)}, plus {@code O(N k l + k^2 l)} to factor {@code l} new columns.
     *
     * @throws IllegalStateException when the sample covariance of the hats is singular (k close to N)
     */
    double[] coefficients(Backend backend, DeviceMatrix hats, DeviceMatrix g) {
        extend(backend, hats);
        int k = hats.cols();
        int p = g.cols();
        double[] b = backend.gram(hats, g);
        double[] gMeans = backend.columnMeans(g);
        for (int j = 0; j < p; j++) {
            for (int i = 0; i < k; i++) {
                b[i + j * k] -= means[i] * gMeans[j];
            }
        }
        solveInPlace(b, p);
        return b;
    }

    /** Factors the columns {@code [size(), hats.cols())} of the centered sample covariance. */
    private void extend(Backend backend, DeviceMatrix hats) {
        int old = size();
        int k = hats.cols();
        if (k == old) {
            return;
        }
        int added = k - old;
        DeviceMatrix fresh = hats.columns(old, k);
        double[] freshMeans = backend.columnMeans(fresh);
        means = Arrays.copyOf(means, k);
        System.arraycopy(freshMeans, 0, means, old, added);
        double[] cross = backend.gram(hats, fresh); // k x added: second moments against every column
        for (int r = old; r < k; r++) {
            double[] row = new double[r + 1];
            int column = (r - old) * k;
            for (int c = 0; c <= r; c++) {
                double s = cross[c + column] - means[c] * means[r];
                double[] rowC = c < r ? factorRows.get(c) : row;
                for (int t = 0; t < c; t++) {
                    s -= row[t] * rowC[t];
                }
                if (c < r) {
                    row[c] = s / rowC[c];
                } else {
                    double variance = cross[r + column] - means[r] * means[r];
                    if (!(s > SINGULAR * variance)) {
                        throw new IllegalStateException("the sample covariance of " + k + " hats over "
                                + hats.rows() + " particles is singular: the Stein regression needs many more"
                                + " particles than stored hats (LIMITS.md section 5)");
                    }
                    row[r] = Math.sqrt(s);
                }
            }
            factorRows.add(row);
        }
    }

    /** Saves the factor rows ({@code prefix/factor}, row r has r + 1 entries) and the column means. */
    void saveTo(StateWriter out, String prefix) {
        out.jagged(prefix + "/factor", factorRows.toArray(new double[0][]));
        out.doubles(prefix + "/means", means);
    }

    /** Restores what {@link #saveTo} saved. */
    void restoreFrom(StateReader in, String prefix) {
        double[][] rows = in.jagged(prefix + "/factor");
        double[] savedMeans = in.doubles(prefix + "/means");
        if (savedMeans.length != rows.length) {
            throw new io.github.infinitewidth.state.SavedStateException("the saved regression " + prefix + " has " + rows.length
                    + " factor rows but " + savedMeans.length + " means");
        }
        factorRows.clear();
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null || rows[r].length != r + 1) {
                throw new io.github.infinitewidth.state.SavedStateException("the saved regression " + prefix + " has a malformed row " + r);
            }
            factorRows.add(rows[r]);
        }
        means = savedMeans;
    }

    /**
     * Solves {@code L L^T x = b} for the p columns of b ({@code k x p} column-major, in place); cost
     * {@code O(k^2 p)}. The columns are solved together, row by row of x: each step subtracts one known
     * row times a factor entry from the row being solved, a loop over the p columns that the JIT
     * vectorizes. Every entry still takes its terms in the order of the plain substitution (t ascending
     * in both solves), so the results are those of solving each column alone, bit for bit.
     */
    private void solveInPlace(double[] b, int p) {
        int k = size();
        double[][] x = new double[k][p];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < p; j++) {
                x[i][j] = b[i + j * k];
            }
        }
        for (int i = 0; i < k; i++) {
            double[] row = factorRows.get(i);
            double[] xi = x[i];
            for (int t = 0; t < i; t++) {
                subtract(xi, row[t], x[t]);
            }
            divide(xi, row[i]);
        }
        for (int i = k - 1; i >= 0; i--) {
            double[] xi = x[i];
            for (int t = i + 1; t < k; t++) {
                subtract(xi, factorRows.get(t)[i], x[t]);
            }
            divide(xi, factorRows.get(i)[i]);
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < p; j++) {
                b[i + j * k] = x[i][j];
            }
        }
    }

    /** {@code y -= s x} entrywise. */
    private static void subtract(double[] y, double s, double[] x) {
        for (int j = 0; j < y.length; j++) {
            y[j] -= s * x[j];
        }
    }

    /** {@code y /= d} entrywise. */
    private static void divide(double[] y, double d) {
        for (int j = 0; j < y.length; j++) {
            y[j] /= d;
        }
    }
}
