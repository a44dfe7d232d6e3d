package io.github.infinitewidth.limit.neuraltangent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.PerturbedKernels;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.KernelSource;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.UpdateFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The NT-limit counterpart of {@code Float32ArithmeticMuTest}: the particle step of the NT limit
 * (Adam's pair term and smoothsign's nonlinear outer product, the CUDA backend's float32 kernels)
 * in float32, relu, 2 hidden layers, the inputs of {@link NtExperiments}, 8 full-batch steps, 8
 * replicas of 4096 particles, run as it is and on {@link PerturbedKernels} with errors of 1e-6 and
 * 1e-5 of each entry's rounding scale. No final output of any replica may move by a hundredth
 * (1e-6) or a twentieth (1e-5) of the limit's Monte Carlo standard error. Deterministic given the
 * seeds; the moves it prints are in docs/accuracy.md.
 */
@Tag("slow")
class Float32ArithmeticNtTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"adam,0.05", "smoothsign,0.05"})
    void kernelErrorsOfFloat32SizeStayFarBelowTheMonteCarloError(String optimizer, double lr) {
        UpdateFunction q = UpdateFunction.of(UpdateFunction.Kind.parse(optimizer));
        Experiment e = NtExperiments.experiment(Activation.RELU, 2, q, lr, 8, 0, 4096, 8, KernelSource.MONTE_CARLO);
        SimulationSpec s = e.simulation();
        Experiment float32 = new Experiment(e.network(), e.parametrization(), e.optimizer(), e.loss(), e.data(),
                e.training(), new SimulationSpec(s.particles(), s.replicas(), s.seed(), BackendChoice.CPU,
                        Precision.FLOAT32, s.centerOutput(), s.kernels()));
        double[][] clean = finalOutputs(float32, 0);
        double storage = PerturbedKernels.largestMove(finalOutputs(e, 0), clean);
        System.out.printf("nt %s: float32 storage alone (against float64) moved the final outputs by at most"
                + " %.2e standard errors%n", optimizer, storage);
        double[] relative = {1e-6, 1e-5};
        double[] allowed = {0.01, 0.05};
        for (int k = 0; k < relative.length; k++) {
            double largest = PerturbedKernels.largestMove(finalOutputs(float32, relative[k]), clean);
            System.out.printf("nt %s, errors of %.0e: final outputs moved by at most %.2e standard errors%n",
                    optimizer, relative[k], largest);
            assertTrue(largest < allowed[k], "errors of " + relative[k] + " moved an output by " + largest
                    + " standard errors");
        }
    }

    /** The final outputs per replica, on a CPU backend of e's precision whose kernels err by {@code relative}. */
    private static double[][] finalOutputs(Experiment e, double relative) {
        try (Backend cpu = Backends.cpu(e.simulation().precision())) {
            Backend backend = relative == 0 ? cpu : PerturbedKernels.wrap(cpu, relative, 17);
            Trajectory t = new NeuralTangentEngine().run(e, backend, StepListener.NONE);
            assertEquals(Trajectory.Status.COMPLETED, t.status());
            double[][] last = new double[t.replicas()][];
            for (int r = 0; r < t.replicas(); r++) {
                last[r] = t.outputs()[r][t.steps().length - 1];
            }
            return last;
        }
    }
}
