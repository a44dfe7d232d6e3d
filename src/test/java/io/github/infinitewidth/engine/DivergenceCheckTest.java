package io.github.infinitewidth.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.Objective;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Divergence}: what counts as a non-finite result, as the output files would compute it. */
class DivergenceCheckTest {
    private static final double[] TARGETS = {1.0, -1.0};

    @Test
    void theEstimateCheckAgreesWithEstimateAtTheEdgeOfOverflow() {
        double[][] cases = {{1e153, -1e153}, {1e154, -1e154}, {5e155, 5e155}, {1e308, 1e308}, {1e308, -1e308},
            {1.7e308, 1.7e308}, {3.0}, {Double.MAX_VALUE}, {1e200, 1e200, -1e200}};
        for (double[] values : cases) {
            Estimate e = Estimate.ofReplicas(values);
            boolean finite = Double.isFinite(e.mean()) && (values.length == 1 || Double.isFinite(e.stderr()));
            assertEquals(finite, Divergence.estimateFinite(values), java.util.Arrays.toString(values));
        }
    }

    @Test
    void finiteOutputsWhoseLossOverflowsDivergeAtThatStep() {
        // step 0 ordinary, step 1 outputs near 1e155: finite, but (f - y)^2 / 2 overflows
        double[][][] outputs = {{{0.5, 0.5}, {5e155, -5e155}}, {{0.4, 0.6}, {4e155, -4e155}}};
        Trajectory t = new Trajectory(new int[] {0, 1}, outputs, 2, Trajectory.Status.COMPLETED, -1, Map.of(), List.of());
        Trajectory checked = Divergence.check(t, new Objective(Loss.MSE, 1, TARGETS));
        assertEquals(Trajectory.Status.DIVERGED, checked.status());
        assertEquals(1, checked.divergedStep());
        assertArrayEquals(new int[] {0}, checked.steps());
        // the logistic loss of the same outputs is finite, but their spread over replicas is not
        assertEquals(1, Divergence.check(t, new Objective(Loss.LOGISTIC, 1, TARGETS)).divergedStep());
    }

    @Test
    void aNonFiniteKernelIsADivergenceAtStep0AndIsDropped() {
        double[][][] outputs = {{{0.5, 0.5}}};
        Map<String, double[][]> kernels = Map.of("ntk", new double[][] {{1, Double.POSITIVE_INFINITY, 0, 1}});
        Trajectory t = new Trajectory(new int[] {0}, outputs, 2, Trajectory.Status.COMPLETED, -1, kernels, List.of());
        Trajectory checked = Divergence.check(t, new Objective(Loss.MSE, 1, TARGETS));
        assertEquals(0, checked.divergedStep());
        assertEquals(0, checked.steps().length);
        assertEquals(Map.of(), checked.kernels());
    }

    @Test
    void finiteResultsAreLeftAlone() {
        double[][][] outputs = {{{0.5, 0.5}, {1e100, -1e100}}};
        Trajectory t = new Trajectory(new int[] {0, 1}, outputs, 1, Trajectory.Status.COMPLETED, -1, Map.of(), List.of());
        assertSame(t, Divergence.check(t, new Objective(Loss.MSE, 1, TARGETS)));
    }
}
