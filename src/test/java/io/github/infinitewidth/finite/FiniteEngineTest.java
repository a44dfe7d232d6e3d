package io.github.infinitewidth.finite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.util.InvalidSpecException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The finite engine: training works, runs are reproducible, bad setups are refused. */
class FiniteEngineTest {
    private static final int TRAIN = 5;

    private static Trajectory run(Experiment e, int threads) {
        try (Backend backend = Backends.cpu(Precision.FLOAT64, threads)) {
            return new FiniteEngine().run(e, backend, StepListener.NONE);
        }
    }

    /** muP with sgd and with adam lowers the train loss of a small regression task in every seed. */
    @ParameterizedTest
    @EnumSource(value = UpdateFunction.Kind.class, names = {"SGD", "ADAM"})
    void mupTrainingLowersTheLoss(UpdateFunction.Kind kind) {
        double lr = kind == UpdateFunction.Kind.SGD ? 0.5 : 0.02;
        Experiment e = Experiments.regression(Parametrization.MUP, 2, Activation.TANH, 256,
                UpdateFunction.of(kind), lr, 40, 2);
        Trajectory t = run(e, 2);
        assertEquals(Trajectory.Status.COMPLETED, t.status());
        for (int r = 0; r < 2; r++) {
            double first = Experiments.loss(t.outputs()[r][0], e.data(), 0, TRAIN);
            double last = Experiments.loss(t.outputs()[r][t.steps().length - 1], e.data(), 0, TRAIN);
            assertTrue(last < 0.5 * first, kind + " replica " + r + ": loss " + first + " -> " + last);
        }
    }

    @Test
    void sameSeedGivesTheSameNumbersForAnyThreadCount() {
        Experiment e = Experiments.regression(Parametrization.MUP, 3, Activation.RELU, 150,
                UpdateFunction.of(UpdateFunction.Kind.ADAM), 0.05, 4, 2);
        Trajectory one = run(e, 1);
        Trajectory many = run(e, 3);
        for (int r = 0; r < 2; r++) {
            for (int k = 0; k < one.steps().length; k++) {
                assertArrayEquals(one.outputs()[r][k], many.outputs()[r][k], 0);
            }
        }
        assertFalse(Arrays.equals(one.outputs()[0][4], one.outputs()[1][4]), "replicas use different seeds");
    }

    @Test
    void ntpWithCenterOutputStartsAtZero() {
        Experiment e = Experiments.regression(Parametrization.NTP, 2, Activation.RELU, 64,
                UpdateFunction.of(UpdateFunction.Kind.SGD), 0.5, 2, 1);
        Trajectory t = run(e, 1);
        assertArrayEquals(new double[7], t.outputs()[0][0], 0);
        assertTrue(Math.abs(t.outputs()[0][2][0]) > 0);
    }

    /** muP networks are centered like NTP ones when asked (LIMITS.md 2.1), and start at O(1/sqrt(n)) otherwise. */
    @Test
    void mupWithCenterOutputStartsAtZeroAndWithoutItDoesNot() {
        Experiment centered = Experiments.regression(Parametrization.MUP, 2, Activation.RELU, 64,
                UpdateFunction.of(UpdateFunction.Kind.ADAM), 0.05, 2, 1);
        Experiment plain = new Experiment(centered.network(), centered.parametrization(), centered.optimizer(),
                centered.loss(), centered.data(), centered.training(),
                new io.github.infinitewidth.engine.SimulationSpec(1, 1, 11, io.github.infinitewidth.backend.BackendChoice.CPU,
                        Precision.FLOAT64, false));
        Trajectory c = run(centered, 1);
        Trajectory p = run(plain, 1);
        assertArrayEquals(new double[7], c.outputs()[0][0], 0);
        assertTrue(Math.abs(c.outputs()[0][2][0]) > 0);
        assertTrue(Math.abs(p.outputs()[0][0][0]) > 0, "an uncentered network starts at its own f_0");
        assertFalse(Arrays.equals(p.outputs()[0][1], c.outputs()[0][1]), "the error signal sees f - f_0");
    }

    @Test
    void recordsEveryStepByDefaultAndTheTestInputsToo() {
        Experiment e = Experiments.regression(Parametrization.SP, 1, Activation.ERF, 32,
                UpdateFunction.of(UpdateFunction.Kind.SIGN), 0.01, 3, 1);
        Trajectory t = run(e, 1);
        assertArrayEquals(new int[] {0, 1, 2, 3}, t.steps());
        assertEquals(7, t.inputCount());
        assertEquals(TRAIN, t.trainCount());
    }

    @Test
    void aDivergingRunStopsAndKeepsWhatWasRecorded() {
        Experiment e = Experiments.regression(Parametrization.SP, 2, Activation.IDENTITY, 64,
                UpdateFunction.of(UpdateFunction.Kind.SGD), 1e6, 20, 2);
        Trajectory t = run(e, 1);
        assertEquals(Trajectory.Status.DIVERGED, t.status());
        assertTrue(t.divergedStep() > 0 && t.divergedStep() <= 20, "diverged at " + t.divergedStep());
        assertEquals(t.divergedStep(), t.steps().length);
        for (double[][] replica : t.outputs()) {
            for (double[] f : replica) {
                for (double v : f) {
                    assertTrue(Double.isFinite(v));
                }
            }
        }
    }

    @Test
    void widthIsRequired() {
        Experiment e = Experiments.regression(Parametrization.MUP, 2, Activation.TANH, 0,
                UpdateFunction.of(UpdateFunction.Kind.SGD), 0.1, 1, 1);
        try (Backend backend = Backends.cpu(Precision.FLOAT64, 1)) {
            InvalidSpecException error = assertThrows(InvalidSpecException.class,
                    () -> new FiniteEngine().validate(e, backend));
            assertEquals("network.width", error.field());
        }
    }

    @Test
    void aWidthThatDoesNotFitInMemoryIsRefusedBeforeAnythingRuns() {
        Experiment e = Experiments.regression(Parametrization.MUP, 3, Activation.TANH, 1 << 20,
                UpdateFunction.of(UpdateFunction.Kind.ADAM), 0.1, 1, 1);
        try (Backend backend = Backends.cpu(Precision.FLOAT64, 1)) {
            InvalidSpecException error = assertThrows(InvalidSpecException.class,
                    () -> new FiniteEngine().validate(e, backend));
            assertEquals("network.width", error.field());
            assertTrue(error.getMessage().contains("MiB"), error.getMessage());
        }
    }
}
