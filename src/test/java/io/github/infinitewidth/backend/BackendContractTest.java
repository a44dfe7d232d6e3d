package io.github.infinitewidth.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.GaussianStream;
import io.github.infinitewidth.random.RandomKey;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Backend} must have, checked against plain scalar Java
 * references. Subclass it per implementation and precision (EJML's pattern). Shapes are
 * chosen so they are not multiples of any implementation's block sizes.
 */
public abstract class BackendContractTest {
    protected Backend backend;

    /** A fresh backend under test. */
    protected abstract Backend createBackend();

    @BeforeEach
    void open() {
        backend = createBackend();
    }

    @AfterEach
    void close() {
        backend.close();
    }

    /** Relative tolerance of one stored value: float64 or float32 rounding, with headroom for sums. */
    private double tolerance() {
        return backend.precision() == Precision.FLOAT64 ? 1e-12 : 2e-6;
    }

    /** Values exactly representable in float32, so both precisions store the same inputs. */
    private static double[] random(int length, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            v[i] = (float) (2 * r.nextDouble() - 1);
        }
        return v;
    }

    private void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1.0, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tolerance() * scale * 8, what + " at " + i);
        }
    }

    @Test
    void uploadDownloadRoundTripsAndViewsWriteThrough() {
        double[] v = random(7 * 5, 1);
        try (DeviceMatrix m = backend.upload(7, 5, v)) {
            assertArrayEquals(v, backend.download(m), 0);
            try (DeviceMatrix view = m.columns(1, 3)) {
                assertEquals(7, view.rows());
                assertEquals(2, view.cols());
                backend.fill(view, 0.5);
            }
            double[] back = backend.download(m);
            for (int i = 0; i < v.length; i++) {
                assertEquals(i >= 7 && i < 21 ? 0.5 : v[i], back[i], 0);
            }
        }
    }

    @Test
    void copyAndFill() {
        try (DeviceMatrix a = backend.upload(3, 4, random(12, 2)); DeviceMatrix b = backend.allocate(3, 4)) {
            assertArrayEquals(new double[12], backend.download(b), 0, "allocate gives zeros");
            backend.copy(a, b);
            assertArrayEquals(backend.download(a), backend.download(b), 0);
            backend.fill(b, -2);
            for (double x : backend.download(b)) {
                assertEquals(-2, x, 0);
            }
        }
    }

    @Test
    void gemmMatchesScalarReferenceForEveryTransposition() {
        int m = 131;
        int n = 67;
        int k = 9;
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                double[] a = random(m * k, 3);
                double[] b = random(k * n, 4);
                double[] c = random(m * n, 5);
                try (DeviceMatrix da = ta ? backend.upload(k, m, a) : backend.upload(m, k, a);
                     DeviceMatrix db = tb ? backend.upload(n, k, b) : backend.upload(k, n, b);
                     DeviceMatrix dc = backend.upload(m, n, c)) {
                    backend.gemm(ta, tb, 0.75, da, db, -0.5, dc);
                    double[] expected = new double[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            for (int l = 0; l < k; l++) {
                                double ail = ta ? a[l + i * k] : a[i + l * m];
                                double blj = tb ? b[j + l * n] : b[l + j * k];
                                s += ail * blj;
                            }
                            expected[i + j * m] = 0.75 * s - 0.5 * c[i + j * m];
                        }
                    }
                    assertClose(expected, backend.download(dc), "gemm transA=" + ta + " transB=" + tb);
                }
            }
        }
    }

    @Test
    void gemmRejectsMismatchedShapesNamingTheOperation() {
        try (DeviceMatrix a = backend.allocate(3, 4); DeviceMatrix b = backend.allocate(5, 2);
             DeviceMatrix c = backend.allocate(3, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.gemm(false, false, 1, a, b, 0, c));
            assertTrue(e.getMessage().startsWith("gemm"), e.getMessage());
        }
    }

    @Test
    void averagesOverNoParticlesAreZeroNotNaN() {
        try (DeviceMatrix a = backend.allocate(0, 3); DeviceMatrix b = backend.allocate(0, 2)) {
            assertArrayEquals(new double[6], backend.gram(a, b), 0);
            assertArrayEquals(new double[3], backend.columnMeans(a), 0);
        }
    }

    @Test
    void gramAndColumnMeansAverageOverParticles() {
        int n = 2500;
        // 3 columns and 20 columns: implementations may treat narrow and wide Gram matrices differently
        for (int p : new int[] {3, 20}) {
            double[] a = random(n * p, 6);
            double[] b = random(n * 2, 7);
            try (DeviceMatrix da = backend.upload(n, p, a); DeviceMatrix db = backend.upload(n, 2, b)) {
                double[] expected = new double[p * 2];
                for (int i = 0; i < p; i++) {
                    for (int j = 0; j < 2; j++) {
                        double s = 0;
                        for (int r = 0; r < n; r++) {
                            s += a[r + i * n] * b[r + j * n];
                        }
                        expected[i + j * p] = s / n;
                    }
                }
                // float64 accumulation whatever the storage: the only error is the summation order
                assertArrayEquals(expected, backend.gram(da, db), 1e-13);
                double[] means = new double[p];
                for (int i = 0; i < p; i++) {
                    for (int r = 0; r < n; r++) {
                        means[i] += a[r + i * n] / n;
                    }
                }
                assertArrayEquals(means, backend.columnMeans(da), 1e-13);
            }
        }
    }

    @Test
    void allFiniteSeesNaNAndInfinity() {
        double[] v = random(40000, 8);
        try (DeviceMatrix m = backend.upload(200, 200, v)) {
            assertTrue(backend.allFinite(m));
            v[39999] = Double.NaN;
            backend.upload(v, m);
            assertFalse(backend.allFinite(m));
            v[39999] = 0;
            v[17] = Double.NEGATIVE_INFINITY;
            backend.upload(v, m);
            assertFalse(backend.allFinite(m));
        }
    }

    @Test
    void activationsAndDerivativesMatchTheScalarDefinitions() {
        double[] v = random(300, 9);
        for (int i = 0; i < v.length; i++) {
            v[i] *= 4;
        }
        v[0] = 0;
        try (DeviceMatrix in = backend.upload(100, 3, v); DeviceMatrix out = backend.allocate(100, 3)) {
            for (Activation phi : Activation.values()) {
                backend.activation(phi, in, out);
                double[] got = backend.download(out);
                backend.activationDerivative(phi, in, out);
                double[] gotDerivative = backend.download(out);
                double[] expected = new double[v.length];
                double[] expectedDerivative = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    expected[i] = phi.value(v[i]);
                    expectedDerivative[i] = phi.derivative(v[i]);
                }
                assertClose(expected, got, phi.spelling());
                assertClose(expectedDerivative, gotDerivative, phi.spelling() + "'");
            }
        }
    }

    @Test
    void entrywiseArithmetic() {
        double[] a = random(60, 10);
        double[] b = random(60, 11);
        double[] s = random(20, 12);
        try (DeviceMatrix da = backend.upload(20, 3, a); DeviceMatrix db = backend.upload(20, 3, b);
             DeviceMatrix ds = backend.upload(20, 1, s); DeviceMatrix out = backend.allocate(20, 3)) {
            backend.hadamard(da, db, out);
            double[] expected = new double[60];
            for (int i = 0; i < 60; i++) {
                expected[i] = a[i] * b[i];
            }
            assertClose(expected, backend.download(out), "hadamard");
            backend.scaleRows(ds, db, out);
            for (int i = 0; i < 60; i++) {
                expected[i] = s[i % 20] * b[i];
            }
            assertClose(expected, backend.download(out), "scaleRows");
            double[] c = {0.5, -2, 3};
            backend.scaleColumns(c, db, out);
            for (int i = 0; i < 60; i++) {
                expected[i] = c[i / 20] * b[i];
            }
            assertClose(expected, backend.download(out), "scaleColumns");
            backend.axpy(-1.5, da, db);
            for (int i = 0; i < 60; i++) {
                expected[i] = b[i] - 1.5 * a[i];
            }
            assertClose(expected, backend.download(db), "axpy");
            backend.scale(3, da);
            for (int i = 0; i < 60; i++) {
                expected[i] = 3 * a[i];
            }
            assertClose(expected, backend.download(da), "scale");
        }
        try (DeviceMatrix sq = backend.upload(4, 4, random(16, 13))) {
            backend.setDiagonal(sq, 0);
            double[] got = backend.download(sq);
            for (int i = 0; i < 4; i++) {
                assertEquals(0, got[i + 4 * i], 0);
            }
        }
    }

    @Test
    void updateMatchesTheScalarUpdateFunctionOverSeveralSteps() {
        for (UpdateFunction.Kind kind : UpdateFunction.Kind.values()) {
            UpdateFunction q = new UpdateFunction(kind, 0.05, 0.9, 0.99);
            double[] param = random(50, 14);
            double[] expected = param.clone();
            double[] state = new double[50 * 2];
            DeviceMatrix[] st = new DeviceMatrix[q.stateSize()];
            try (DeviceMatrix p = backend.upload(10, 5, param); DeviceMatrix g = backend.allocate(10, 5)) {
                for (int k = 0; k < st.length; k++) {
                    st[k] = backend.allocate(10, 5);
                }
                for (int t = 0; t < 3; t++) {
                    double[] grad = random(50, 100 + t);
                    backend.upload(grad, g);
                    backend.update(q, t, g, -0.1, p, st);
                    for (int i = 0; i < 50; i++) {
                        double dir = q.hasMemory() ? q.apply(grad[i], state, 2 * i, t) : q.apply(grad[i]);
                        double next = expected[i] - 0.1 * dir;
                        expected[i] = backend.precision() == Precision.FLOAT64 ? next : (float) next;
                    }
                }
                assertClose(expected, backend.download(p), "update " + kind.spelling());
            } finally {
                for (DeviceMatrix s : st) {
                    if (s != null) {
                        s.close();
                    }
                }
            }
        }
    }

    @Test
    void fillGaussianReproducesTheGaussianStreamFromAnyFirstDraw() {
        RandomKey key = new RandomKey(42, 3);
        try (DeviceMatrix m = backend.allocate(37, 5)) {
            backend.fillGaussian(m, key, 9, 4, 0.5);
            double[] got = backend.download(m);
            for (int j = 0; j < 5; j++) {
                for (int a = 0; a < 37; a++) {
                    double z = 0.5 * GaussianStream.gaussian(key, 9, a, 4 + j);
                    double expected = backend.precision() == Precision.FLOAT64 ? z : (float) z;
                    assertEquals(expected, got[a + 37 * j], 0, "particle " + a + " draw " + (4 + j));
                }
            }
        }
    }

    @Test
    void nonlinearOuterProductMatchesThePairSum() {
        int na = 300;
        int nb = 203;
        int m = 3;
        int p = 2;
        double[] c = {0.7, -1.1, 0.4};
        for (UpdateFunction q : memorylessUpdates()) {
            for (boolean exclude : new boolean[] {false, true}) {
                int rowsB = exclude ? na : nb;
                double[] a = random(na * m, 15);
                double[] b = random(rowsB * m, 16);
                double[] cm = random(rowsB * p, 17);
                try (DeviceMatrix da = backend.upload(na, m, a); DeviceMatrix db = backend.upload(rowsB, m, b);
                     DeviceMatrix dc = backend.upload(rowsB, p, cm); DeviceMatrix out = backend.allocate(na, p)) {
                    backend.nonlinearOuterProduct(q, c, da, db, dc, 0.25, exclude, out);
                    double[] expected = new double[na * p];
                    for (int x = 0; x < na; x++) {
                        for (int y = 0; y < rowsB; y++) {
                            if (exclude && x == y) {
                                continue;
                            }
                            double qg = q.apply(pair(c, a, na, x, b, rowsB, y));
                            for (int i = 0; i < p; i++) {
                                expected[x + i * na] += 0.25 * qg * cm[y + i * rowsB];
                            }
                        }
                    }
                    assertClose(expected, backend.download(out), q.kind().spelling() + " exclude=" + exclude);
                }
            }
        }
    }

    @Test
    void accumulatePairsAddsQOfEveryPair() {
        int na = 70;
        int nb = 130;
        double[] c = {1.3, -0.2};
        for (UpdateFunction q : memorylessUpdates()) {
            for (boolean exclude : new boolean[] {false, true}) {
                int rowsB = exclude ? na : nb;
                double[] a = random(na * 2, 18);
                double[] b = random(rowsB * 2, 19);
                double[] start = random(na * rowsB, 20);
                try (DeviceMatrix da = backend.upload(na, 2, a); DeviceMatrix db = backend.upload(rowsB, 2, b);
                     DeviceMatrix pairs = backend.upload(na, rowsB, start)) {
                    backend.accumulatePairs(q, c, da, db, -0.5, exclude, pairs);
                    double[] expected = start.clone();
                    for (int x = 0; x < na; x++) {
                        for (int y = 0; y < rowsB; y++) {
                            if (!exclude || x != y) {
                                expected[x + y * na] += -0.5 * q.apply(pair(c, a, na, x, b, rowsB, y));
                            }
                        }
                    }
                    assertClose(expected, backend.download(pairs), q.kind().spelling() + " exclude=" + exclude);
                }
            }
        }
    }

    /**
     * Two steps of momentum and adam on every pair against {@link UpdateFunction#apply(double, double[], int, int)}
     * per pair, from a nonzero pair matrix and state; with the diagonal excluded, the diagonal of pairs
     * and state stays as it was.
     */
    @Test
    void updatePairsStepsEveryPairWithItsOwnState() {
        int na = 70;
        int nb = 130;
        double[][] c = {{1.3, -0.2}, {-0.4, 0.9}};
        for (UpdateFunction q : new UpdateFunction[] {new UpdateFunction(UpdateFunction.Kind.MOMENTUM, 1e-8, 0.9, 0.999),
                new UpdateFunction(UpdateFunction.Kind.ADAM, 0.01, 0.9, 0.99)}) {
            for (boolean exclude : new boolean[] {false, true}) {
                int rowsB = exclude ? na : nb;
                int pairs = na * rowsB;
                double[] a = random(na * 2, 23);
                double[] b = random(rowsB * 2, 24);
                double[] start = random(pairs, 25);
                double[][] startState = new double[q.stateSize()][];
                for (int s = 0; s < startState.length; s++) {
                    startState[s] = random(pairs, 26 + s);
                    if (s == 1) {
                        startState[s] = startState[s].clone();
                        for (int i = 0; i < pairs; i++) {
                            startState[s][i] = Math.abs(startState[s][i]); // Adam's v is never negative
                        }
                    }
                }
                double[] expected = start.clone();
                double[] state = new double[pairs * q.stateSize()];
                for (int i = 0; i < pairs; i++) {
                    for (int s = 0; s < q.stateSize(); s++) {
                        state[i * q.stateSize() + s] = startState[s][i];
                    }
                }
                for (int t = 0; t < 2; t++) {
                    for (int x = 0; x < na; x++) {
                        for (int y = 0; y < rowsB; y++) {
                            if (!exclude || x != y) {
                                int at = x + y * na;
                                expected[at] += -0.5 * q.apply(pair(c[t], a, na, x, b, rowsB, y), state,
                                        at * q.stateSize(), t);
                            }
                        }
                    }
                }
                DeviceMatrix[] deviceState = new DeviceMatrix[q.stateSize()];
                try (DeviceMatrix da = backend.upload(na, 2, a); DeviceMatrix db = backend.upload(rowsB, 2, b);
                     DeviceMatrix dp = backend.upload(na, rowsB, start)) {
                    for (int s = 0; s < deviceState.length; s++) {
                        deviceState[s] = backend.upload(na, rowsB, startState[s]);
                    }
                    for (int t = 0; t < 2; t++) {
                        backend.updatePairs(q, t, c[t], da, db, -0.5, exclude, dp, deviceState);
                    }
                    String what = q.kind().spelling() + " exclude=" + exclude;
                    assertClose(expected, backend.download(dp), what);
                    for (int s = 0; s < deviceState.length; s++) {
                        double[] expectedState = new double[pairs];
                        for (int i = 0; i < pairs; i++) {
                            expectedState[i] = state[i * q.stateSize() + s];
                        }
                        assertClose(expectedState, backend.download(deviceState[s]), what + " state " + s);
                    }
                } finally {
                    for (DeviceMatrix s : deviceState) {
                        if (s != null) {
                            s.close();
                        }
                    }
                }
            }
        }
    }

    /**
     * Pair matrices stored in the other precision ({@code simulation.pairPrecision}): as A of a GEMM
     * (both transpositions) they give exactly the products of a matrix in the backend's precision
     * holding the same values, and {@link Backend#updatePairs} on them matches the per-pair formulas
     * with every stored value rounded to their precision. Backends that store every matrix in their own
     * precision refuse the other one.
     */
    @Test
    void matricesInTheOtherPrecisionServeAsPairs() {
        Precision other = backend.precision() == Precision.FLOAT64 ? Precision.FLOAT32 : Precision.FLOAT64;
        if (!backend.storesMixedPrecision()) {
            assertThrows(IllegalArgumentException.class, () -> backend.allocate(3, 3, other));
            return;
        }
        int n = 70;
        double[] values = random(n * n, 30);
        double[] y = random(n * 5, 31);
        try (DeviceMatrix pairs = backend.allocate(n, n, other); DeviceMatrix same = backend.upload(n, n, values);
             DeviceMatrix dy = backend.upload(n, 5, y); DeviceMatrix out = backend.allocate(n, 5);
             DeviceMatrix expected = backend.allocate(n, 5)) {
            assertEquals(other, pairs.precision());
            backend.upload(values, pairs);
            for (boolean transA : new boolean[] {false, true}) {
                backend.gemm(transA, false, 0.5, pairs, dy, 0.0, out);
                backend.gemm(transA, false, 0.5, same, dy, 0.0, expected);
                assertArrayEquals(backend.download(expected), backend.download(out), 0.0, "transA=" + transA);
            }
        }
        UpdateFunction adam = new UpdateFunction(UpdateFunction.Kind.ADAM, 0.01, 0.9, 0.99);
        double[] a = random(n * 2, 32);
        double[] c = {0.7, -0.4};
        double[] start = random(n * n, 33);
        try (DeviceMatrix da = backend.upload(n, 2, a); DeviceMatrix pairs = backend.allocate(n, n, other);
             DeviceMatrix m = backend.allocate(n, n, other); DeviceMatrix v = backend.allocate(n, n, other)) {
            backend.upload(start, pairs);
            double[] p = start.clone();
            double[] state = new double[2 * n * n];
            for (int t = 0; t < 2; t++) {
                backend.updatePairs(adam, t, c, da, da, -0.5, true, pairs, m, v);
                for (int x = 0; x < n; x++) {
                    for (int z = 0; z < n; z++) {
                        if (x != z) {
                            int at = x + z * n;
                            p[at] = round(other, p[at] - 0.5 * adam.apply(pair(c, a, n, x, a, n, z), state, 2 * at, t));
                            state[2 * at] = round(other, state[2 * at]);
                            state[2 * at + 1] = round(other, state[2 * at + 1]);
                        }
                    }
                }
            }
            // the pair gradients may differ from the loop's in the last bit, which can move a float32 rounding
            double ulps = other == Precision.FLOAT32 ? 2.5e-7 : 1e-12;
            double[] got = backend.download(pairs);
            for (int i = 0; i < p.length; i++) {
                assertEquals(p[i], got[i], ulps * Math.max(1, Math.abs(p[i])), "pair " + i);
            }
        }
    }

    private static double round(Precision precision, double value) {
        return precision == Precision.FLOAT32 ? (float) value : value;
    }

    @Test
    void adamOuterProductMatchesThePairSumOfAdamDirections() {
        int n = 140;
        UpdateFunction adam = new UpdateFunction(UpdateFunction.Kind.ADAM, 0.01, 0.9, 0.99);
        double[] first = {0.2, -0.3};
        double[][] second = {{0.5, 0.1}, {0.0, 0.7}};
        double[] a = random(n * 2, 21);
        double[] cm = random(n * 3, 22);
        try (DeviceMatrix da = backend.upload(n, 2, a); DeviceMatrix dc = backend.upload(n, 3, cm);
             DeviceMatrix out = backend.allocate(n, 3)) {
            backend.adamOuterProduct(adam, 2, first, second, da, da, dc, 0.5, true, out);
            double[] expected = new double[n * 3];
            for (int x = 0; x < n; x++) {
                for (int y = 0; y < n; y++) {
                    if (x == y) {
                        continue;
                    }
                    double v = 0;
                    for (double[] factor : second) {
                        double g = pair(factor, a, n, x, a, n, y);
                        v += g * g;
                    }
                    double dir = adam.adamDirection(pair(first, a, n, x, a, n, y), v, 2);
                    for (int i = 0; i < 3; i++) {
                        expected[x + i * n] += 0.5 * dir * cm[y + i * n];
                    }
                }
            }
            assertClose(expected, backend.download(out), "adamOuterProduct");
        }
    }

    @Test
    void nonlinearOuterProductRefusesMemoryfulUpdates() {
        try (DeviceMatrix a = backend.allocate(4, 1); DeviceMatrix out = backend.allocate(4, 1)) {
            assertThrows(IllegalArgumentException.class, () -> backend.nonlinearOuterProduct(
                    UpdateFunction.of(UpdateFunction.Kind.ADAM), new double[] {1}, a, a, a, 1, false, out));
        }
    }

    private static UpdateFunction[] memorylessUpdates() {
        return new UpdateFunction[] {
            UpdateFunction.of(UpdateFunction.Kind.SGD),
            UpdateFunction.of(UpdateFunction.Kind.SIGN),
            new UpdateFunction(UpdateFunction.Kind.SMOOTHSIGN, 0.1, 0.9, 0.999),
        };
    }

    private static double pair(double[] c, double[] a, int na, int x, double[] b, int nb, int y) {
        double g = 0;
        for (int j = 0; j < c.length; j++) {
            g += c[j] * a[x + j * na] * b[y + j * nb];
        }
        return g;
    }
}
