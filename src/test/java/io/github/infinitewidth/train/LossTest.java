package io.github.infinitewidth.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
