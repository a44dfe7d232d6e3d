package io.github.infinitewidth.ket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.random.RandomKey;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GaussianFamily} against LIMITS.md section 5: orthonormal bookkeeping, the joint law of
 * the hats, Stein derivatives and the dot term. Deterministic checks use rounding-level
 * tolerances; statistical ones state their false-failure probability (over the choice of seed).
 */
class GaussianFamilyTest {
    private static final long SEED = 20240611L;
    private static final long FAMILY_STREAM = 7;
    private static final long NOISE_STREAM = 8;
    private static final double SW = 1.3;

    private Backend backend;

    @AfterEach
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    private Backend open(Precision precision) {
        backend = Backends.cpu(precision, 4);
        return backend;
    }

    // ---- orthonormal basis and rank -------------------------------------------------------------

    @Test
    void basisIsOrthonormalSpansTheInputsAndDropsDependentColumns() {
        open(Precision.FLOAT64);
        int n = 3000;
        RandomKey key = new RandomKey(SEED, 0);
        double[][] z = hostGaussians(n, 4, key);
        double[] a = z[0];
        double[] b = z[1];
        double[] c = z[2];
        double[] ab = times(a, b);
        double[] dependent = combine(2, a, -0.5, ab);
        double[] nearlyDependent = combine(1, b, 1e-6, z[3]); // residual 1e-6 of |b|: above 1e-8, kept
        double[][] inputs = {a, b, ab, dependent, new double[n], c, c, nearlyDependent};
        try (GaussianFamily family = new GaussianFamily(backend, n, SW, key, FAMILY_STREAM, 2)) {
            double[] h1 = sample(family, a, b, ab);
            assertEquals(3, family.rank());
            double[] h2 = sample(family, dependent, new double[n], c, c);
            assertEquals(4, family.rank(), "the combination, the zero vector and the duplicate add nothing");
            sample(family, nearlyDependent);
            assertEquals(5, family.rank());
            assertEquals(8, family.inputCount());

            double[] q = backend.download(family.basis());
            assertOrthonormal(q, n, 5, 1e-12);
            double[] hats = concat(h1, h2);
            for (int i = 0; i < n; i++) {
                double combination = 2 * hats[i] - 0.5 * hats[i + 2 * n];
                assertEquals(combination, hats[i + 3 * n], 1e-10, "hat of 2a - 0.5ab");
                assertEquals(0.0, hats[i + 4 * n], 0.0, "hat of the zero vector");
                assertEquals(hats[i + 5 * n], hats[i + 6 * n], 1e-12, "hats of a duplicated input");
            }
            // every input equals its projection Q <Q, y>
            for (double[] y : inputs) {
                double[] projection = project(q, n, 5, y);
                for (int i = 0; i < n; i++) {
                    assertEquals(y[i], projection[i], 1e-10);
                }
            }
        }
    }

    @Test
    void rankStopsAtTheParticleCountAndTheSteinRegressionRefusesASingularCovariance() {
        open(Precision.FLOAT64);
        int n = 8;
        RandomKey key = new RandomKey(SEED, 1);
        try (GaussianFamily family = new GaussianFamily(backend, n, SW, key, FAMILY_STREAM, 1);
             DeviceMatrix y = backend.allocate(n, 10);
             DeviceMatrix hats = backend.allocate(n, 10)) {
            backend.fillGaussian(y, key, NOISE_STREAM, 0, 1.0);
            family.sample(y, hats);
            assertEquals(n, family.rank());
            assertEquals(10, family.inputCount());
            assertOrthonormal(backend.download(family.basis()), n, n, 1e-12);
            // centered sample covariance of n hats over n particles has rank n - 1
            assertThrows(IllegalStateException.class, () -> family.steinBasis(hats));
        }
    }

    @Test
    void float32DropsBelowItsOwnTolerance() {
        open(Precision.FLOAT32);
        int n = 3000;
        RandomKey key = new RandomKey(SEED, 2);
        double[][] z = hostGaussians(n, 2, key);
        double[] a = z[0];
        double[] tiny = combine(1, a, 1e-6, z[1]);  // residual 1e-6 of |a| < 1e-4: dependent in float32
        double[] small = combine(1, a, 1e-2, z[1]); // residual 1e-2 of |a| > 1e-4: kept
        try (GaussianFamily family = new GaussianFamily(backend, n, SW, key, FAMILY_STREAM, 4)) {
            double[] hats = sample(family, a, tiny, small);
            assertEquals(2, family.rank());
            assertOrthonormal(backend.download(family.basis()), n, 2, 1e-5);
            for (int i = 0; i < n; i++) {
                assertEquals(hats[i], hats[i + n], 1e-5 * (1 + Math.abs(hats[i])), "tiny residual, same hat");
            }
        }
    }

    @Test
    void samplesDoNotDependOnBatchingOrOnBufferGrowth() {
        open(Precision.FLOAT64);
        int n = 500;
        RandomKey key = new RandomKey(SEED, 3);
        double[][] z = hostGaussians(n, 3, key);
        double[][] inputs = {z[0], z[1], combine(1, z[0], 3, z[1]), times(z[1], z[2])};
        try (GaussianFamily oneByOne = new GaussianFamily(backend, n, SW, key, FAMILY_STREAM, 1);
             GaussianFamily together = new GaussianFamily(backend, n, SW, key, FAMILY_STREAM, 16)) {
            double[] separate = new double[0];
            for (double[] y : inputs) {
                separate = concat(separate, sample(oneByOne, y));
            }
            double[] batched = sample(together, inputs);
            assertEquals(3, oneByOne.rank());
            assertEquals(3, together.rank());
            assertClose(batched, separate, 1e-12);
            assertClose(backend.download(together.basis()), backend.download(oneByOne.basis()), 1e-12);
        }
    }

    @Test
    void reportsTheDeviceMemoryItHolds() {
        open(Precision.FLOAT64);
        int n = 100;
        RandomKey key = new RandomKey(SEED, 4);
        try (GaussianFamily family = new GaussianFamily(backend, n, SW, key, FAMILY_STREAM, 2)) {
            assertEquals((2 + 2 + 1) * n * 8L, family.deviceBytes());
            double[][] z = hostGaussians(n, 3, key);
            sample(family, z);
            // capacity doubles from 2 to 4 columns; the workspace is as wide as the batch
            assertEquals((4 + 4 + 3) * n * 8L, family.deviceBytes());
            assertEquals((2 * 3 + 3) * n * 8L, GaussianFamily.deviceBytesFor(n, 3, 3, Precision.FLOAT64));
            assertEquals(8L * (1 + 2 + 3) + 4L * 3, family.hostBytes(), "pivot coefficients and indices");
        }
    }

    // ---- the joint law (a) ---------------------------------------------------------------------

    /**
     * Batches of 3, 2 and 1 inputs, one a combination of earlier ones. Exact part: each input is
     * {@code Q c} with {@code c = <Q, y>} and its hat is {@code Zhat c}, so the law of the hats
     * has covariance {@code sw^2 c^T c = sw^2 <y, y'>}. Statistical part: the basis hats are iid
     * {@code N(0, sw^2)}, checked through the sample second moments of the input hats, which are a
     * Wishart average with {@code Var = (S_ii S_jj + S_ij^2) / N}. 21 entries at 5 sigma: false
     * failure probability below 21 * 5.7e-7 = 1.2e-5.
     */
    @Test
    void hatsHaveCovarianceSwSquaredTimesTheParticleGramOfTheInputs() {
        open(Precision.FLOAT64);
        int n = 20000;
        RandomKey key = new RandomKey(SEED, 5);
        double[][] z = hostGaussians(n, 3, key);
        double[] y1 = map(z[0], Math::tanh);
        double[] y2 = combine(1, times(z[0], z[1]), 0.3, ones(n));
        double[] y3 = ones(n);
        double[] y4 = combine(1, y1, -2, y2);
        double[] y5 = map(z[2], v -> Math.max(v, 0));
        double[] y6 = times(z[1], z[1]);
        double[] ys = concat(y1, y2, y3, y4, y5, y6);
        int m = 6;
        try (GaussianFamily family = new GaussianFamily(backend, n, SW, key, FAMILY_STREAM, 2);
             DeviceMatrix y = backend.upload(n, m, ys);
             DeviceMatrix hats = backend.allocate(n, m)) {
            family.sample(y.columns(0, 3), hats.columns(0, 3));
            family.sample(y.columns(3, 5), hats.columns(3, 5));
            family.sample(y.columns(5, 6), hats.columns(5, 6));
            assertEquals(5, family.rank());
            double[] h = backend.download(hats);
            for (int i = 0; i < n; i++) {
                assertEquals(h[i] - 2 * h[i + n], h[i + 3 * n], 1e-10, "hat of y1 - 2 y2");
            }

            int k = family.rank();
            double[] c = backend.gram(family.basis(), y);
            double[] expectedHats = multiply(backend.download(family.basisHats()), n, k, c, m);
            assertClose(expectedHats, h, 1e-10);
            double[] inputGram = backend.gram(y, y);
            assertClose(inputGram, multiplyTransposed(c, k, m), 1e-10);

            double[] second = backend.gram(hats, hats);
            double worst = worstSecondMoment(second, inputGram, m, n);
            assertTrue(worst < 5, "largest deviation " + worst + " standard errors");
        }
    }

    /**
     * An evaluation pass (LIMITS.md section 5.1): hats of inputs kept outside the family are
     * jointly Gaussian with the family's hats with covariance {@code sw^2 <y, y'>}, exactly for the
     * part in the family's span (a combination of earlier inputs gets the same combination of their
     * hats) and in law for the fresh part (15 second moments at 5 sigma: false failure probability
     * below 15 * 5.7e-7 = 8.6e-6), and they leave the family as it was: later samples are the same,
     * bit for bit, as from a family that never saw them.
     */
    @Test
    void hatsOutsideTheFamilyAreJointlyGaussianWithItAndChangeNothing() {
        open(Precision.FLOAT64);
        int n = 20000;
        RandomKey key = new RandomKey(SEED, 6);
        double[][] z = hostGaussians(n, 4, key);
        double[] y1 = map(z[0], Math::tanh);
        double[] y2 = combine(1, times(z[0], z[1]), 0.3, ones(n));
        double[] y3 = combine(0.5, y1, 2, y2);
        double[] y4 = map(z[2], v -> Math.max(v, 0));
        double[] y5 = combine(1, y4, 0.7, map(z[1], Math::sin));
        double[] later = times(z[3], z[0]);
        int m = 5;
        try (GaussianFamily family = new GaussianFamily(backend, n, SW, key, FAMILY_STREAM, 2);
             GaussianFamily untouched = new GaussianFamily(backend, n, SW, key, FAMILY_STREAM, 2);
             DeviceMatrix y = backend.upload(n, m, concat(y1, y2, y3, y4, y5));
             DeviceMatrix hats = backend.allocate(n, m);
             DeviceMatrix again = backend.allocate(n, 3)) {
            family.sample(y.columns(0, 2), hats.columns(0, 2));
            family.sampleOutside(y.columns(2, 5), hats.columns(2, 5), NOISE_STREAM, 40);
            assertEquals(2, family.rank(), "outside inputs add no basis column");
            assertEquals(2, family.inputCount());
            family.sampleOutside(y.columns(2, 5), again, NOISE_STREAM, 40);
            assertClose(backend.download(hats.columns(2, 5)), backend.download(again), 0);

            double[] h = backend.download(hats);
            for (int i = 0; i < n; i++) {
                assertEquals(0.5 * h[i] + 2 * h[i + n], h[i + 2 * n], 1e-10, "hat of 0.5 y1 + 2 y2");
            }
            double[] inputGram = backend.gram(y, y);
            double[] second = backend.gram(hats, hats);
            double worst = worstSecondMoment(second, inputGram, m, n);
            assertTrue(worst < 5, "largest deviation " + worst + " standard errors");

            double[] after = sample(family, later);
            sample(untouched, y1, y2);
            assertClose(sample(untouched, later), after, 0);
            assertClose(backend.download(untouched.basis()), backend.download(family.basis()), 0);
            assertClose(backend.download(untouched.basisHats()), backend.download(family.basisHats()), 0);
        }
    }

    // ---- Stein derivatives (b) -----------------------------------------------------------------

    private static final int STEIN_PARTICLES = 20000;
    private static final int STEIN_REPLICAS = 64;
    private static final double NOISE_MEAN = 0.4;
    private static final double NOISE_SD = 0.7;

    /**
     * One replica of the Stein experiment: a family fed {@code y1 = 1, y2 = a, y3 = tanh(a + b)}
     * (a, b standard Gaussians), so Z = hat(y1) ~ N(0, sw^2) exactly, and W = 0.4 + 0.7 e an
     * independent Gaussian. Returns the Stein derivatives in input coordinates (3 x 4) of
     * {@code g = [tanh(Z + W), relu(Z), relu(Z + W), tanh(hat(y2) + 0.5 hat(y3))]}, and the exact
     * {@code E[tanh'(U)]} for the last column, whose variance {@code sw^2 <y2 + 0.5 y3, same>}
     * depends on the replica's particles.
     */
    private record SteinReplica(double[] derivatives, double exactCorrelated) {}

    private SteinReplica steinReplica(int replica) {
        int n = STEIN_PARTICLES;
        RandomKey key = new RandomKey(SEED, replica);
        try (GaussianFamily family = new GaussianFamily(backend, n, SW, key, FAMILY_STREAM, 3);
             DeviceMatrix noise = backend.allocate(n, 3);
             DeviceMatrix y = backend.allocate(n, 3);
             DeviceMatrix hats = backend.allocate(n, 3);
             DeviceMatrix g = backend.allocate(n, 4);
             DeviceMatrix combined = backend.allocate(n, 1)) {
            backend.fillGaussian(noise, key, NOISE_STREAM, 0, 1.0);
            DeviceMatrix ones = y.columns(0, 1);
            backend.fill(ones, 1.0);
            backend.copy(noise.columns(0, 1), y.columns(1, 2));
            backend.copy(noise.columns(0, 1), y.columns(2, 3));
            backend.axpy(1.0, noise.columns(1, 2), y.columns(2, 3));
            backend.activation(Activation.TANH, y.columns(2, 3), y.columns(2, 3));
            family.sample(y, hats);

            DeviceMatrix z = hats.columns(0, 1);
            DeviceMatrix zw = g.columns(0, 1);
            backend.copy(z, zw);
            backend.axpy(NOISE_SD, noise.columns(2, 3), zw);
            backend.axpy(NOISE_MEAN, ones, zw);
            backend.activation(Activation.RELU, zw, g.columns(2, 3));
            backend.activation(Activation.TANH, zw, zw);
            backend.activation(Activation.RELU, z, g.columns(1, 2));
            DeviceMatrix u = g.columns(3, 4);
            backend.copy(hats.columns(1, 2), u);
            backend.axpy(0.5, hats.columns(2, 3), u);
            backend.activation(Activation.TANH, u, u);

            backend.copy(y.columns(1, 2), combined);
            backend.axpy(0.5, y.columns(2, 3), combined);
            double sd = SW * Math.sqrt(backend.gram(combined, combined)[0]);
            return new SteinReplica(family.steinInputs(g), gaussianExpectation(Activation.TANH::derivative, 0, sd));
        }
    }

    /** {@code (estimate - exact) / standard error} over the replicas of entry {@code (input, column)}. */
    private static double steinDeviation(SteinReplica[] runs, int input, int column, ToDoubleFunction<SteinReplica> exact) {
        double[] errors = new double[runs.length];
        for (int r = 0; r < runs.length; r++) {
            errors[r] = runs[r].derivatives()[input + 3 * column] - exact.applyAsDouble(runs[r]);
        }
        Estimate e = Estimate.ofReplicas(errors);
        return e.mean() / e.stderr();
    }

    private SteinReplica[] steinReplicas() {
        open(Precision.FLOAT64);
        SteinReplica[] runs = new SteinReplica[STEIN_REPLICAS];
        for (int r = 0; r < runs.length; r++) {
            runs[r] = steinReplica(r);
        }
        return runs;
    }

    /**
     * {@code E[d tanh(Z + W) / dZ] = E[tanh'(X)]}, {@code X ~ N(0.4, sw^2 + 0.49)}, by quadrature;
     * the derivative with respect to the unrelated input y2 is 0. Two checks at 4 standard errors
     * from 64 replicas (t with 63 degrees of freedom): false failure probability about 3.4e-4.
     */
    @Test
    void steinDerivativeOfASmoothFunction() {
        SteinReplica[] runs = steinReplicas();
        double sd = Math.sqrt(SW * SW + NOISE_SD * NOISE_SD);
        double exact = gaussianExpectation(Activation.TANH::derivative, NOISE_MEAN, sd);
        assertWithin(4, steinDeviation(runs, 0, 0, run -> exact), "E[tanh'(Z + W)]");
        assertWithin(4, steinDeviation(runs, 1, 0, run -> 0.0), "derivative with respect to y2");
    }

    /**
     * Non-smooth g: {@code E[relu'(Z)] = P(Z > 0) = 1/2} and {@code E[relu'(Z + W)] =
     * Phi(0.4 / sqrt(sw^2 + 0.49))}. Two checks at 4 standard errors from 64 replicas: false
     * failure probability about 3.4e-4.
     */
    @Test
    void steinDerivativeOfRelu() {
        SteinReplica[] runs = steinReplicas();
        double sd = Math.sqrt(SW * SW + NOISE_SD * NOISE_SD);
        assertWithin(4, steinDeviation(runs, 0, 1, run -> 0.5), "E[relu'(Z)]");
        double exact = 0.5 * Erf.erfc(-NOISE_MEAN / sd / Math.sqrt(2));
        assertWithin(4, steinDeviation(runs, 0, 2, run -> exact), "E[relu'(Z + W)]");
    }

    /**
     * {@code g = tanh(hat(y2) + 0.5 hat(y3))} with correlated, non-orthogonal inputs: the input
     * coordinates must give {@code E[tanh'(U)]} for y2 and half of it for y3. Two checks at 4
     * standard errors from 64 replicas: false failure probability about 3.4e-4.
     */
    @Test
    void steinDerivativesInInputCoordinatesOfCorrelatedInputs() {
        SteinReplica[] runs = steinReplicas();
        assertWithin(4, steinDeviation(runs, 1, 3, SteinReplica::exactCorrelated), "E[dg / d hat(y2)]");
        assertWithin(4, steinDeviation(runs, 2, 3, run -> 0.5 * run.exactCorrelated()), "E[dg / d hat(y3)]");
    }

    // ---- the dot primitive (c) -----------------------------------------------------------------

    /**
     * {@code g = Zhat_inputs B + 0.7}, linear in the hats: the regression recovers B exactly, with
     * the dependent input y4 = y1 + y2 attributed to y1 and y2, and {@code dot} adds
     * {@code alpha sw^2 Y B} whatever the dependency.
     */
    @Test
    void steinAndDotAreExactForFunctionsLinearInTheHats() {
        open(Precision.FLOAT64);
        int n = 2000;
        int m = 4;
        int p = 2;
        RandomKey key = new RandomKey(SEED, 6);
        double[][] z = hostGaussians(n, 3, key);
        double[] ys = concat(z[0], map(z[1], Math::tanh), times(z[0], z[2]), combine(1, z[0], 1, map(z[1], Math::tanh)));
        double[] b = {0.5, -1.0, 2.0, 0.25, -0.3, 0.8, 0.0, 1.5};
        double alpha = -0.6;
        try (GaussianFamily family = new GaussianFamily(backend, n, SW, key, FAMILY_STREAM, 2);
             DeviceMatrix y = backend.upload(n, m, ys);
             DeviceMatrix hats = backend.allocate(n, m);
             DeviceMatrix coefficients = backend.upload(m, p, b);
             DeviceMatrix g = backend.allocate(n, p);
             DeviceMatrix out = backend.allocate(n, p)) {
            family.sample(y.columns(0, 1), hats.columns(0, 1));
            family.sample(y.columns(1, 4), hats.columns(1, 4));
            assertEquals(3, family.rank());
            backend.fill(g, 0.7);
            backend.gemm(false, false, 1.0, hats, coefficients, 1.0, g);

            double[] expected = {b[0] + b[3], b[1] + b[3], b[2], 0, b[4] + b[7], b[5] + b[7], b[6], 0};
            assertClose(expected, family.steinInputs(g), 1e-10);

            double[] start = backend.download(hats.columns(0, p));
            backend.copy(hats.columns(0, p), out);
            family.dot(g, alpha, out);
            double[] yb = multiply(ys, n, m, b, p);
            double[] dotExpected = new double[n * p];
            for (int i = 0; i < dotExpected.length; i++) {
                dotExpected[i] = start[i] + alpha * SW * SW * yb[i];
            }
            assertClose(dotExpected, backend.download(out), 1e-10);
        }
    }

    /**
     * For nonlinear g the dot term in basis coordinates equals {@code alpha sw^2 sum_i y_i
     * E[dg/d hat(y_i)]} from the input coordinates (the basis-change identity), to rounding.
     */
    @Test
    void dotEqualsTheInputCoordinateSum() {
        open(Precision.FLOAT64);
        int n = 3000;
        int m = 4;
        RandomKey key = new RandomKey(SEED, 7);
        double[][] z = hostGaussians(n, 3, key);
        double[] ys = concat(ones(n), z[0], map(z[1], v -> Math.max(v, 0)), combine(2, z[0], -1, ones(n)));
        double alpha = 1.7;
        try (GaussianFamily family = new GaussianFamily(backend, n, SW, key, FAMILY_STREAM, 4);
             DeviceMatrix y = backend.upload(n, m, ys);
             DeviceMatrix hats = backend.allocate(n, m);
             DeviceMatrix g = backend.allocate(n, 2);
             DeviceMatrix out = backend.allocate(n, 2)) {
            family.sample(y, hats);
            assertEquals(3, family.rank());
            backend.hadamard(hats.columns(1, 2), hats.columns(2, 3), g.columns(0, 1));
            backend.axpy(1.0, hats.columns(0, 1), g.columns(0, 1));
            backend.activation(Activation.TANH, g.columns(0, 1), g.columns(0, 1));
            backend.activation(Activation.RELU, hats.columns(3, 4), g.columns(1, 2));

            double[] derivatives = family.steinInputs(g);
            family.dot(g, alpha, out);
            double[] sum = multiply(ys, n, m, derivatives, 2);
            for (int i = 0; i < sum.length; i++) {
                sum[i] *= alpha * SW * SW;
            }
            assertClose(sum, backend.download(out), 1e-10);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Samples host columns through the family and returns their hats, column-major. */
    private double[] sample(GaussianFamily family, double[]... columns) {
        int n = family.particles();
        try (DeviceMatrix y = backend.upload(n, columns.length, concat(columns));
             DeviceMatrix hats = backend.allocate(n, columns.length)) {
            family.sample(y, hats);
            return backend.download(hats);
        }
    }

    /** {@code count} standard Gaussian columns from the noise stream, on the host. */
    private double[][] hostGaussians(int n, int count, RandomKey key) {
        try (DeviceMatrix noise = backend.allocate(n, count)) {
            backend.fillGaussian(noise, key, NOISE_STREAM, 0, 1.0);
            double[] all = backend.download(noise);
            double[][] columns = new double[count][];
            for (int j = 0; j < count; j++) {
                columns[j] = Arrays.copyOfRange(all, j * n, (j + 1) * n);
            }
            return columns;
        }
    }

    /**
     * {@code E[f(X)]}, {@code X ~ N(mean, sd^2)}, by the trapezoid rule on {@code +-12 sd} with
     * step {@code sd / 1000}: spectrally accurate for smooth f, far below any Monte Carlo error here.
     */
    private static double gaussianExpectation(DoubleUnaryOperator f, double mean, double sd) {
        double h = 1e-3;
        double sum = 0;
        for (int i = -12000; i <= 12000; i++) {
            double t = i * h;
            sum += Math.exp(-0.5 * t * t) * f.applyAsDouble(mean + sd * t);
        }
        return sum * h / Math.sqrt(2 * Math.PI);
    }

    /**
     * The largest deviation, in standard errors, of the hats' sample second moments {@code second}
     * from {@code sw^2} times the inputs' Gram matrix: a Wishart average with
     * {@code Var = (S_ii S_jj + S_ij^2) / N}.
     */
    private static double worstSecondMoment(double[] second, double[] inputGram, int m, int n) {
        double worst = 0;
        for (int j = 0; j < m; j++) {
            for (int i = 0; i <= j; i++) {
                double sii = SW * SW * inputGram[i + i * m];
                double sjj = SW * SW * inputGram[j + j * m];
                double sij = SW * SW * inputGram[i + j * m];
                double se = Math.sqrt((sii * sjj + sij * sij) / n);
                worst = Math.max(worst, Math.abs(second[i + j * m] - sij) / se);
            }
        }
        return worst;
    }

    private static void assertOrthonormal(double[] q, int n, int k, double tolerance) {
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int a = 0; a < n; a++) {
                    s += q[a + i * n] * q[a + j * n];
                }
                assertEquals(i == j ? 1.0 : 0.0, s / n, tolerance, "<q_" + i + ", q_" + j + ">");
            }
        }
    }

    /** {@code Q <Q, y>} on the host. */
    private static double[] project(double[] q, int n, int k, double[] y) {
        double[] out = new double[n];
        for (int i = 0; i < k; i++) {
            double c = 0;
            for (int a = 0; a < n; a++) {
                c += q[a + i * n] * y[a];
            }
            c /= n;
            for (int a = 0; a < n; a++) {
                out[a] += c * q[a + i * n];
            }
        }
        return out;
    }

    /** {@code A B} with A {@code rows x inner} and B {@code inner x cols}, column-major. */
    private static double[] multiply(double[] a, int rows, int inner, double[] b, int cols) {
        double[] out = new double[rows * cols];
        for (int j = 0; j < cols; j++) {
            for (int t = 0; t < inner; t++) {
                double btj = b[t + j * inner];
                for (int i = 0; i < rows; i++) {
                    out[i + j * rows] += a[i + t * rows] * btj;
                }
            }
        }
        return out;
    }

    /** {@code C^T C} for C {@code rows x cols}, column-major. */
    private static double[] multiplyTransposed(double[] c, int rows, int cols) {
        double[] out = new double[cols * cols];
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int t = 0; t < rows; t++) {
                    s += c[t + i * rows] * c[t + j * rows];
                }
                out[i + j * cols] = s;
            }
        }
        return out;
    }

    private static void assertClose(double[] expected, double[] actual, double relative) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relative * Math.max(1, Math.abs(expected[i])), "entry " + i);
        }
    }

    private static void assertWithin(double sigmas, double deviation, String what) {
        assertTrue(Math.abs(deviation) < sigmas, what + ": " + deviation + " standard errors from the exact value");
    }

    private static double[] concat(double[]... parts) {
        int length = 0;
        for (double[] p : parts) {
            length += p.length;
        }
        double[] out = new double[length];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static double[] combine(double x, double[] a, double y, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = x * a[i] + y * b[i];
        }
        return out;
    }

    private static double[] times(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] * b[i];
        }
        return out;
    }

    private static double[] map(double[] a, DoubleUnaryOperator f) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = f.applyAsDouble(a[i]);
        }
        return out;
    }

    private static double[] ones(int n) {
        double[] out = new double[n];
        Arrays.fill(out, 1.0);
        return out;
    }
}
