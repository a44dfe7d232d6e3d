package io.github.infinitewidth.limit.maximalupdate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.PerturbedKernels;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What float32 arithmetic in the GEMMs and pair products (the CUDA backend's float32 path,
 * docs/accuracy.md "Float32 arithmetic on CUDA") can do to a whole muP-limit run: two set-ups of
 * {@link TrainingSetupMuConvergenceTest} in float32 (8 replicas of 4096 particles, 6 steps), run
 * once as they are and once on {@link PerturbedKernels} with errors of 1e-6 and 1e-5 of each entry's
 * rounding scale (the kernels' measured float32 errors are at most 6.5e-7 of the largest output), on
 * the same particles. No final output of any replica may move by a hundredth (errors of 1e-6) or a
 * twentieth (1e-5) of the limit's Monte Carlo standard error, the noise floor of every convergence
 * test; the move that float32 storage alone makes (against float64) is printed beside them.
 * Deterministic given the seeds (no false failures from chance); the moves it prints are in
 * docs/accuracy.md.
 */
@Tag("slow")
class Float32ArithmeticMuTest {
    @ParameterizedTest(name = "{0} {1} {3}")
    @CsvSource({"tanh,adam,0.05,cosine", "relu,smoothsign,0.05,constant"})
    void kernelErrorsOfFloat32SizeStayFarBelowTheMonteCarloError(String activation, String optimizer, double lr,
                                                                  String type) {
        Schedule schedule = type.equals("cosine")
                ? new Schedule(Schedule.Type.COSINE, 2, Schedule.REST_OF_RUN, 0.1, 0, 1.0) : Schedule.CONSTANT;
        OptimizerSpec o = new OptimizerSpec(UpdateFunction.of(UpdateFunction.Kind.parse(optimizer)), lr,
                LayerMultipliers.DEFAULT, schedule);
        Experiment e = MuExperiments.deep(Activation.parse(activation), o, new TrainingSpec(6, 2, true, 1), 0, 4096,
                8, 1);
        SimulationSpec s = e.simulation();
        Experiment float32 = new Experiment(e.network(), e.parametrization(), e.optimizer(), e.loss(), e.data(),
                e.training(), new SimulationSpec(s.particles(), s.replicas(), s.seed(), BackendChoice.CPU,
                        Precision.FLOAT32, s.centerOutput()));
        double[][] clean = finalOutputs(float32, 0);
        double storage = PerturbedKernels.largestMove(finalOutputs(e, 0), clean);
        System.out.printf("mu %s %s %s: float32 storage alone (against float64) moved the final outputs by at most"
                + " %.2e standard errors%n", activation, optimizer, type, storage);
        double[] relative = {1e-6, 1e-5};
        double[] allowed = {0.01, 0.05};
        for (int k = 0; k < relative.length; k++) {
            double largest = PerturbedKernels.largestMove(finalOutputs(float32, relative[k]), clean);
            System.out.printf("mu %s %s %s, errors of %.0e: final outputs moved by at most %.2e standard errors%n",
                    activation, optimizer, type, relative[k], largest);
            assertTrue(largest < allowed[k], "errors of " + relative[k] + " moved an output by " + largest
                    + " standard errors");
        }
    }

    /** The final outputs per replica, on a CPU backend of e's precision whose kernels err by {@code relative}. */
    private static double[][] finalOutputs(Experiment e, double relative) {
        try (Backend cpu = Backends.cpu(e.simulation().precision())) {
            Backend backend = relative == 0 ? cpu : PerturbedKernels.wrap(cpu, relative, 17);
            Trajectory t = new MaximalUpdateEngine().run(e, backend, StepListener.NONE);
            assertEquals(Trajectory.Status.COMPLETED, t.status());
            return MuExperiments.outputsAt(t, t.steps().length - 1);
        }
    }
}
