package io.github.infinitewidth.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.infinitewidth.util.InvalidSpecException;
import org.junit.jupiter.api.Test;

/**
 * Each update function of LIMITS.md section 1 against a sequence computed by hand (the
 * constants were computed independently, outside this code base) for the gradients 1, -2, 0.5.
 */
class UpdateFunctionTest {
    private static final double[] GRADIENTS = {1.0, -2.0, 0.5};

    private static double[] run(UpdateFunction q) {
        double[] state = new double[q.stateSize()];
        double[] out = new double[GRADIENTS.length];
        for (int t = 0; t < GRADIENTS.length; t++) {
            out[t] = q.apply(GRADIENTS[t], state, 0, t);
        }
        return out;
    }

    @Test
    void sgdIsIdentity() {
        assertArrayEquals(new double[] {1.0, -2.0, 0.5}, run(UpdateFunction.of(UpdateFunction.Kind.SGD)), 0);
    }

    @Test
    void signMapsZeroToZero() {
        UpdateFunction sign = UpdateFunction.of(UpdateFunction.Kind.SIGN);
        assertArrayEquals(new double[] {1.0, -1.0, 1.0}, run(sign), 0);
        assertEquals(0.0, sign.apply(0.0), 0);
    }

    @Test
    void smoothSignWithUnitEpsilon() {
        UpdateFunction q = new UpdateFunction(UpdateFunction.Kind.SMOOTHSIGN, 1.0, 0.9, 0.999);
        // g / sqrt(g^2 + 1): 1/sqrt(2), -2/sqrt(5), 0.5/sqrt(1.25)
        assertArrayEquals(new double[] {0.7071067811865475, -0.8944271909999159, 0.4472135954999579}, run(q), 1e-15);
    }

    @Test
    void momentumAccumulatesWithoutDamping() {
        // b = 0.9 b + g: 1, -1.1, -0.49
        assertArrayEquals(new double[] {1.0, -1.1, -0.49}, run(UpdateFunction.of(UpdateFunction.Kind.MOMENTUM)), 1e-15);
    }

    @Test
    void adamIsBiasCorrected() {
        // t=0: m = 0.1, v = 0.001, both corrections give 1, so Q = 1 / (1 + 1e-8).
        // t=1: m = -0.11, v = 0.004999; Q = (-0.11/0.19) / (sqrt(0.004999/0.001999) + 1e-8).
        double[] expected = {0.9999999900000002, -0.36610352472074836, -0.13669066201746632};
        assertArrayEquals(expected, run(UpdateFunction.of(UpdateFunction.Kind.ADAM)), 1e-15);
    }

    @Test
    void memorylessApplyRefusesMemoryfulKinds() {
        assertThrows(IllegalStateException.class, () -> UpdateFunction.of(UpdateFunction.Kind.ADAM).apply(1.0));
    }

    @Test
    void hyperparametersAreValidated() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> new UpdateFunction(UpdateFunction.Kind.ADAM, 0.0, 0.9, 0.999));
        assertEquals("optimizer.epsilon", e.field());
        assertThrows(InvalidSpecException.class, () -> new UpdateFunction(UpdateFunction.Kind.ADAM, 1e-8, 1.0, 0.999));
        assertThrows(InvalidSpecException.class, () -> new OptimizerSpec(UpdateFunction.of(UpdateFunction.Kind.SGD),
                -1, LayerMultipliers.DEFAULT));
    }

    private static void assertArrayEquals(double[] expected, double[] actual, double tolerance) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, tolerance);
    }
}
