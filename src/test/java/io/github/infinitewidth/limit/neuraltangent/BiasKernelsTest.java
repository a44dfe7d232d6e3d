package io.github.infinitewidth.limit.neuraltangent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.optim.LayerMultipliers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The closed-form NNGP and NTK with biases (LIMITS.md 8.2) against neural-tangents' stax recursion
 * for {@code Dense(W_std=su, b_std=sb), phi, Dense(W_std=sw, b_std=sb), ..., Dense(1, W_std=sv, b_std=0)}
 * with {@code parameterization='ntk'}, written out here with the dual kernels in their textbook form
 * (independent of the engine, which sums per-layer terms with multipliers; the readout has no bias,
 * as ours). With the neural-tangents multipliers ({@code mb = sb^2}) the two must agree to rounding.
 */
class BiasKernelsTest {
    private static final double[][] INPUTS = {{1.0, 0.4, -0.3}, {-0.6, 0.9, 0.2}, {0.3, -1.2, 0.7}, {0.0, 0.0, 0.0}};

    @ParameterizedTest(name = "{0}, depth {1}, sb {2}")
    @CsvSource({"relu,1,0.5", "relu,3,0.5", "relu,2,1.3", "erf,1,0.5", "erf,3,0.8", "identity,2,0.7"})
    void closedFormsWithBiasesAreThoseOfStax(String activation, int depth, double sb) {
        Activation phi = Activation.parse(activation);
        double su = 1.1;
        double sw = 1.4;
        double sv = 0.9;
        InitStd init = new InitStd(su, sw, sv, sb);
        ExactKernels exact = new ExactKernels(INPUTS, phi, init, depth, true);
        double[] nngp = exact.nngp();
        double[] ntk = exact.ntk(LayerMultipliers.neuralTangents(su, sw, sv, sb, INPUTS[0].length));
        int m = INPUTS.length;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double[] want = stax(phi, INPUTS[i], INPUTS[j], i == j, depth, su, sw, sv, sb);
                assertEquals(want[0], nngp[i * m + j], 1e-12 * Math.abs(want[0]) + 1e-15, "nngp " + i + "," + j);
                assertEquals(want[1], ntk[i * m + j], 1e-12 * Math.abs(want[1]) + 1e-15, "ntk " + i + "," + j);
            }
        }
        // the zero input (last) sees only the biases, which correlate it with every input
        assertTrue(nngp[3 * m] > 0 && ntk[3 * m] > 0, nngp[3 * m] + " " + ntk[3 * m]);
    }

    /**
     * {nngp, ntk} of inputs x, y by stax's recursion: Sigma_1 = su^2 x.y/d + sb^2, Theta_1 = Sigma_1;
     * then through phi and each following Dense(W_std = s, b_std = b):
     * Sigma = s^2 E[phi phi] + b^2, Theta = Sigma + s^2 E[phi' phi'] Theta (b = 0 for the readout).
     */
    private static double[] stax(Activation phi, double[] x, double[] y, boolean same, int depth,
                                 double su, double sw, double sv, double sb) {
        double d = x.length;
        double sxy = su * su * dot(x, y) / d + sb * sb;
        double sxx = su * su * dot(x, x) / d + sb * sb;
        double syy = su * su * dot(y, y) / d + sb * sb;
        double theta = sxy;
        for (int l = 1; l <= depth; l++) {
            double s = l < depth ? sw : sv;
            double b = l < depth ? sb : 0.0;
            double[] k = dual(phi, sxx, syy, sxy, same);
            double[] kxx = dual(phi, sxx, sxx, sxx, true);
            double[] kyy = dual(phi, syy, syy, syy, true);
            sxy = s * s * k[0] + b * b;
            sxx = s * s * kxx[0] + b * b;
            syy = s * s * kyy[0] + b * b;
            theta = sxy + s * s * k[1] * theta;
        }
        return new double[] {sxy, theta};
    }

    /** {E[phi(a) phi(b)], E[phi'(a) phi'(b)]} for centred Gaussians of variances qa, qb and covariance c. */
    private static double[] dual(Activation phi, double qa, double qb, double c, boolean same) {
        switch (phi) {
            case RELU: {
                double t = same ? 0 : Math.acos(Math.max(-1, Math.min(1, c / Math.sqrt(qa * qb))));
                return new double[] {Math.sqrt(qa * qb) / (2 * Math.PI) * (Math.sin(t) + (Math.PI - t) * Math.cos(t)),
                    (Math.PI - t) / (2 * Math.PI)};
            }
            case ERF: {
                double r = (1 + 2 * qa) * (1 + 2 * qb);
                return new double[] {2 / Math.PI * Math.asin(2 * c / Math.sqrt(r)), 4 / Math.PI / Math.sqrt(r - 4 * c * c)};
            }
            case IDENTITY:
                return new double[] {c, 1.0};
            default:
                throw new IllegalArgumentException(phi.spelling());
        }
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += a[k] * b[k];
        }
        return sum;
    }
}
