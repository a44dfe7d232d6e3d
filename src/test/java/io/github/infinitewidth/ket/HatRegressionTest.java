package io.github.infinitewidth.ket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/**
 * {@link HatRegression}'s blocked solves ({@link TriangularSolves}) against a plain Cholesky solve
 * of the same sample covariance: the sizes straddle the row blocks (64), the column slices (at
 * least 32) and the row groups, the hats are correlated and added in uneven pieces. Deterministic:
 * rounding-level tolerances against the reference, bit for bit between pieces and thread counts.
 */
class HatRegressionTest {
    private static final int N = 3000;
    private static final int K = 150;
    private static final int P = 70;

    /** Correlated Gaussian columns: each mixes a fresh one with the previous. */
    private static double[] hats(Random random) {
        double[] h = new double[N * K];
        for (int c = 0; c < K; c++) {
            for (int a = 0; a < N; a++) {
                double fresh = random.nextGaussian() + 0.3;
                h[a + c * N] = c == 0 ? fresh : 0.8 * h[a + (c - 1) * N] + fresh;
            }
        }
        return h;
    }

    /** Columns that depend on the hats nonlinearly, plus noise. */
    private static double[] targets(double[] h, Random random) {
        double[] g = new double[N * P];
        for (int j = 0; j < P; j++) {
            for (int a = 0; a < N; a++) {
                g[a + j * N] = Math.tanh(h[a + (j % K) * N]) + 0.1 * h[a + ((3 * j + 1) % K) * N]
                        + random.nextGaussian();
            }
        }
        return g;
    }

    /** Cov(h)^{-1} Cov(h, g) over the particles, from commons-math's Cholesky decomposition. */
    private static double[] reference(double[] h, double[] g) {
        double[] hMeans = means(h, K);
        double[] gMeans = means(g, P);
        double[][] cov = new double[K][K];
        double[][] cross = new double[K][P];
        for (int i = 0; i < K; i++) {
            for (int c = 0; c < K; c++) {
                cov[i][c] = covariance(h, i, hMeans[i], h, c, hMeans[c]);
            }
            for (int j = 0; j < P; j++) {
                cross[i][j] = covariance(h, i, hMeans[i], g, j, gMeans[j]);
            }
        }
        RealMatrix x = new CholeskyDecomposition(new Array2DRowRealMatrix(cov, false)).getSolver()
                .solve(new Array2DRowRealMatrix(cross, false));
        double[] out = new double[K * P];
        for (int i = 0; i < K; i++) {
            for (int j = 0; j < P; j++) {
                out[i + j * K] = x.getEntry(i, j);
            }
        }
        return out;
    }

    private static double[] means(double[] m, int cols) {
        double[] out = new double[cols];
        for (int c = 0; c < cols; c++) {
            for (int a = 0; a < N; a++) {
                out[c] += m[a + c * N];
            }
            out[c] /= N;
        }
        return out;
    }

    private static double covariance(double[] x, int i, double xMean, double[] y, int j, double yMean) {
        double s = 0;
        for (int a = 0; a < N; a++) {
            s += (x[a + i * N] - xMean) * (y[a + j * N] - yMean);
        }
        return s / N;
    }

    /** Coefficients from a regression whose factor was extended over the given column counts. */
    private static double[] blocked(Backend backend, double[] h, double[] g, int... pieces) {
        try (DeviceMatrix hats = backend.upload(N, K, h); DeviceMatrix targets = backend.upload(N, P, g)) {
            HatRegression regression = new HatRegression();
            double[] out = null;
            for (int cols : pieces) {
                out = regression.coefficients(backend, hats.columns(0, cols), targets);
            }
            return out;
        }
    }

    @Test
    void blockedSolvesAgreeWithAPlainCholeskySolveWhateverTheExtensionPieces() {
        Random random = new Random(11);
        double[] h = hats(random);
        double[] g = targets(h, random);
        double[] expected = reference(h, g);
        double largest = 0;
        for (double e : expected) {
            largest = Math.max(largest, Math.abs(e));
        }
        double[] atOnce = null;
        for (int threads : new int[] {2, 8}) { // 8: the rows of a block are shared out as well as the columns
            try (Backend backend = Backends.cpu(Precision.FLOAT64, threads)) {
                for (int[] pieces : new int[][] {{K}, {1, 65, K}, {64, 128, K}, {37, 38, 100, K}}) {
                    double[] actual = blocked(backend, h, g, pieces);
                    for (int e = 0; e < expected.length; e++) {
                        assertEquals(expected[e], actual[e], 1e-11 * largest, "coefficient " + e + " with pieces "
                                + Arrays.toString(pieces) + " on " + threads + " threads");
                    }
                    // every factor entry takes its terms in one order, however the hats arrived
                    atOnce = atOnce == null ? actual : atOnce;
                    assertArrayEquals(atOnce, actual, Arrays.toString(pieces) + " on " + threads + " threads");
                }
            }
        }
    }

    @Test
    void aColumnComesOutTheSameAloneOrWithOthersOnAnyNumberOfThreads() {
        Random random = new Random(12);
        double[] h = hats(random);
        double[] g = targets(h, random);
        double[] together;
        try (Backend one = Backends.cpu(Precision.FLOAT64, 1)) {
            together = blocked(one, h, g, 40, K);
        }
        try (Backend three = Backends.cpu(Precision.FLOAT64, 3);
             DeviceMatrix hats = three.upload(N, K, h);
             DeviceMatrix targets = three.upload(N, P, g)) {
            HatRegression regression = new HatRegression();
            regression.coefficients(three, hats.columns(0, 40), targets);
            assertArrayEquals(together, regression.coefficients(three, hats, targets));
            for (int j : new int[] {0, 31, 32, 69}) {
                double[] alone = regression.coefficients(three, hats, targets.columns(j, j + 1));
                for (int i = 0; i < K; i++) {
                    assertEquals(Double.doubleToLongBits(together[i + j * K]), Double.doubleToLongBits(alone[i]),
                            "entry " + i + " of column " + j);
                }
            }
        }
    }

    @Test
    void aSingularBlockOfNewHatsIsRefusedAndLeavesTheFactorAsItWas() {
        Random random = new Random(13);
        double[] h = hats(random);
        System.arraycopy(h, 90 * N, h, 120 * N, N); // hat 120 repeats hat 90
        double[] g = targets(h, random);
        try (Backend backend = Backends.cpu(Precision.FLOAT64, 2);
             DeviceMatrix hats = backend.upload(N, K, h);
             DeviceMatrix targets = backend.upload(N, P, g)) {
            HatRegression regression = new HatRegression();
            regression.coefficients(backend, hats.columns(0, 100), targets);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> regression.coefficients(backend, hats, targets));
            assertTrue(e.getMessage().contains("singular"), e.getMessage());
            assertEquals(100, regression.size());
            assertEquals(8L * (100 * 101 / 2 + 100), regression.hostBytes());
        }
    }
}
