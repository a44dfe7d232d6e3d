package io.github.infinitewidth.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.engine.BackwardSeed;
import io.github.infinitewidth.util.InvalidSpecException;

import org.junit.jupiter.api.Test;

/** Losses and error signals of LIMITS.md section 0. */
class LossTest {

    @Test
    void mseErrorSignalIsResidualOverBatchSizeAndZeroOutsideTheBatch() {
        double[] f = {1.0, 2.0, 3.0, 4.0};
        double[] y = {0.0, 0.0, 0.0, 0.0};
        double[] chi = Loss.MSE.errorSignal(f, y, new int[] {1, 2});
        assertArrayEquals(new double[] {0.0, 1.0, 1.5, 0.0}, chi, 0);
        assertEquals(0.5, Loss.MSE.value(2.0, 1.0), 0);
    }

    @Test
    void logisticDerivativeMatchesFormulaAndStaysFiniteForLargeMargins() {
        double f = 0.3;
        double y = -1.0;
        assertEquals(-y / (1 + Math.exp(y * f)), Loss.LOGISTIC.derivative(f, y), 1e-15);
        assertEquals(Math.log1p(Math.exp(-y * f)), Loss.LOGISTIC.value(f, y), 1e-15);
        assertEquals(0.0, Loss.LOGISTIC.derivative(1000, 1), 0);
        assertEquals(1000.0, Loss.LOGISTIC.value(-1000, 1), 1e-12);
    }

    @Test
    void logisticDerivativeMatchesFiniteDifference() {
        double h = 1e-6;
        for (double f : new double[] {-3, -0.5, 0, 0.7, 4}) {
            for (double y : new double[] {1, -1}) {
                double numeric = (Loss.LOGISTIC.value(f + h, y) - Loss.LOGISTIC.value(f - h, y)) / (2 * h);
                assertEquals(numeric, Loss.LOGISTIC.derivative(f, y), 1e-8);
            }
        }
    }

    @Test
    void logisticTakesLabelsPlusOrMinusOneOnlyAndNamesTheFirstOtherTarget() {
        Dataset labels = new Dataset(new double[][] {{1}, {2}, {3}}, new double[] {1, -1, 1});
        Loss.LOGISTIC.checkTargets("data.train", labels);

        Dataset scores = new Dataset(new double[][] {{1}, {2}, {3}}, new double[] {1, 0, 0.5});
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> Loss.LOGISTIC.checkTargets("data.test", scores));
        assertEquals("data.test.targets[1]", e.field());
        assertEquals("data.test.targets[1] must be +1 or -1 for loss logistic, got 0", e.getMessage());
        Loss.MSE.checkTargets("data.test", scores);   // any finite target is a regression target
    }

    @Test
    void crossEntropyIsLogSumExpMinusTheLabelsOutputAndStaysFiniteForHugeOutputs() {
        double[] f = {0.2, -1.0, 0.7, 3.0, 1000.0, -1000.0};   // two inputs, k = 3
        double[] y = {2, 2};
        double expected = Math.log(Math.exp(0.2) + Math.exp(-1.0) + Math.exp(0.7)) - 0.7;
        assertEquals(expected, Loss.CROSS_ENTROPY.value(f, y, 0, 3), 1e-15);
        // log(e^3 + e^1000 + e^-1000) + 1000 = 2000 without overflow; the largest output's own loss is ~0
        assertEquals(2000.0, Loss.CROSS_ENTROPY.value(f, y, 1, 3), 1e-12);
        assertEquals(0.0, Loss.CROSS_ENTROPY.value(f, new double[] {0, 1}, 1, 3), 1e-300);
    }

    @Test
    void crossEntropyGradientIsSoftmaxMinusOneHotAndMatchesFiniteDifferences() {
        double[] f = {0.2, -1.0, 0.7, 0.4};
        double[] y = {3};
        double[] g = new double[4];
        Loss.CROSS_ENTROPY.gradient(f, y, 0, 4, 1.0, g);
        double sum = 0;
        for (int c = 0; c < 4; c++) {
            double h = 1e-6;
            double[] up = f.clone();
            double[] down = f.clone();
            up[c] += h;
            down[c] -= h;
            double numeric = (Loss.CROSS_ENTROPY.value(up, y, 0, 4) - Loss.CROSS_ENTROPY.value(down, y, 0, 4)) / (2 * h);
            assertEquals(numeric, g[c], 1e-9);
            sum += g[c];
        }
        assertEquals(0, sum, 1e-15);   // softmax sums to 1, the one-hot too
    }

    @Test
    void vectorMseSumsTheOutputsAndTheErrorSignalIsPerOutputOverTheBatchSize() {
        double[] f = {1.0, 2.0, 0.0, -1.0, 5.0, 5.0};   // three inputs, k = 2
        double[] y = {0.0, 1.0, 0.0, 1.0, 0.0, 0.0};
        assertEquals(0.5 + 0.5, Loss.MSE.value(f, y, 0, 2), 0);
        double[] chi = Loss.MSE.errorSignal(f, y, new int[] {0, 1}, 2);
        assertArrayEquals(new double[] {0.5, 0.5, 0.0, -1.0, 0, 0}, chi, 0);
    }

    @Test
    void accuracyCountsTheLargestOutputForCrossEntropyAndTheSignForLogistic() {
        double[] f = {0.1, 0.5, 0.2, 2.0, -1.0, 0.0};   // two inputs, k = 3
        assertTrue(Loss.CROSS_ENTROPY.correct(f, new double[] {1, 0}, 0, 3));
        assertTrue(Loss.CROSS_ENTROPY.correct(f, new double[] {1, 0}, 1, 3));
        assertFalse(Loss.CROSS_ENTROPY.correct(f, new double[] {2, 0}, 0, 3));
        Objective o = new Objective(Loss.CROSS_ENTROPY, 3, new double[] {1, 2});
        assertEquals(0.5, o.accuracy(f, 0, 2), 0);
        assertTrue(Loss.LOGISTIC.correct(new double[] {0.3}, new double[] {1}, 0, 1));
        assertFalse(Loss.LOGISTIC.correct(new double[] {0.0}, new double[] {1}, 0, 1));   // 0 names no class
        assertFalse(Loss.MSE.classifies());
    }

    @Test
    void labelsAndOutputCountsAreCheckedNamingTheField() {
        Dataset labels = new Dataset(new double[][] {{1}, {2}, {3}}, new double[] {0, 2, 1});
        Loss.CROSS_ENTROPY.checkTargets("data.train", labels, 3);
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> Loss.CROSS_ENTROPY.checkTargets("data.train", labels, 2));
        assertEquals("data.train.targets[1] must be a class label 0..1 for loss cross-entropy with network.outputs 2,"
                + " got 2", e.getMessage());
        Dataset fractional = new Dataset(new double[][] {{1}}, new double[] {0.5});
        assertEquals("data.test.targets[0]", assertThrows(InvalidSpecException.class,
                () -> Loss.CROSS_ENTROPY.checkTargets("data.test", fractional, 2)).field());
        assertEquals("network.outputs", assertThrows(InvalidSpecException.class,
                () -> Loss.CROSS_ENTROPY.checkTargets("data.train", labels, 1)).field());
        assertEquals("network.outputs", assertThrows(InvalidSpecException.class,
                () -> Loss.LOGISTIC.checkTargets("data.train", labels, 2)).field());
        assertEquals("data.train.targets", assertThrows(InvalidSpecException.class,
                () -> Loss.MSE.checkTargets("data.train", labels, 2)).field());
        Dataset pairs = Dataset.ofTargetVectors(new double[][] {{1}, {2}}, new double[][] {{0, 1}, {1, 0}});
        Loss.MSE.checkTargets("data.train", pairs, 2);
        assertEquals(1.0, pairs.target(0, 1), 0);
    }

    @Test
    void theBackwardSeedFactorsEachInputsErrorSignalsAndIsTheIdentityWithOneOutput() {
        double[] chi = {0.3, -0.9, 0.1, 0, 0, 0, 0.25, 0.5, -0.5};
        BackwardSeed seed = BackwardSeed.of(chi, 3);
        assertArrayEquals(new double[] {-0.9, 0, 0.5}, seed.scales(), 0);
        for (int j = 0; j < 3; j++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(chi[j * 3 + c], seed.scales()[j] * seed.directions()[j * 3 + c], 1e-16);
            }
        }
        assertArrayEquals(new double[] {1, 0, 0}, java.util.Arrays.copyOfRange(seed.directions(), 3, 6), 0);
        double[] one = {0.7, -0.2, 0};
        BackwardSeed single = BackwardSeed.of(one, 1);
        assertArrayEquals(one, single.scales(), 0);
        assertArrayEquals(new double[] {1, 1, 1}, single.directions(), 0);
        BackwardSeed batch = BackwardSeed.ofBatch(chi, 3, new int[] {2, 0});
        assertArrayEquals(new double[] {0.5, -0.9}, batch.scales(), 0);
    }
}
