package io.github.infinitewidth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.PerturbedKernels;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.ket.Estimate;

/**
 * The check of the Float32Arithmetic tests (docs/accuracy.md, "Float32 arithmetic on CUDA"): a
 * set-up run in float32 as it is and on {@link PerturbedKernels} with errors of 1e-6 and 1e-5 of
 * each entry's rounding scale, on the same particles. No final output of any replica may move by a
 * hundredth (1e-6) or a twentieth (1e-5) of the limit's Monte Carlo standard error; the move of
 * float32 storage alone (against the set-up's float64 run) is printed beside them.
 */
public final class Float32ArithmeticCheck {
    private static final double[] RELATIVE = {1e-6, 1e-5};
    private static final double[] ALLOWED = {0.01, 0.05};

    private Float32ArithmeticCheck() {}

    /** Runs the check on {@code e} (float64) and its float32 twin, printing the moves under {@code label}. */
    public static void assertKernelErrorsStaySmall(String label, Engine engine, Experiment e) {
        SimulationSpec s = e.simulation();
        Experiment float32 = new Experiment(e.network(), e.parametrization(), e.optimizer(), e.loss(), e.data(),
                e.training(), new SimulationSpec(s.particles(), s.replicas(), s.seed(), BackendChoice.CPU,
                        Precision.FLOAT32, s.centerOutput(), s.kernels()));
        double[][] clean = finalOutputs(engine, float32, 0);
        System.out.printf("%s: float32 storage alone (against float64) moved the final outputs by at most"
                + " %.2e standard errors%n", label, largestMove(finalOutputs(engine, e, 0), clean));
        for (int k = 0; k < RELATIVE.length; k++) {
            double largest = largestMove(finalOutputs(engine, float32, RELATIVE[k]), clean);
            System.out.printf("%s, errors of %.0e: final outputs moved by at most %.2e standard errors%n",
                    label, RELATIVE[k], largest);
            assertTrue(largest < ALLOWED[k], "errors of " + RELATIVE[k] + " moved an output by " + largest
                    + " standard errors");
        }
    }

    /** The final outputs per replica, on a CPU backend of e's precision whose kernels err by {@code relative}. */
    private static double[][] finalOutputs(Engine engine, Experiment e, double relative) {
        try (Backend cpu = Backends.cpu(e.simulation().precision())) {
            Backend backend = relative == 0 ? cpu : PerturbedKernels.wrap(cpu, relative, 17);
            Trajectory t = engine.run(e, backend, StepListener.NONE);
            assertEquals(Trajectory.Status.COMPLETED, t.status());
            double[][] last = new double[t.replicas()][];
            for (int r = 0; r < t.replicas(); r++) {
                last[r] = t.outputs()[r][t.steps().length - 1];
            }
            return last;
        }
    }

    /** The largest move of one replica's output between two runs, in standard errors of the clean mean. */
    private static double largestMove(double[][] moved, double[][] clean) {
        Estimate[] mean = Estimate.ofReplicas(clean);
        double largest = 0;
        for (int r = 0; r < clean.length; r++) {
            for (int i = 0; i < mean.length; i++) {
                largest = Math.max(largest, Math.abs(moved[r][i] - clean[r][i]) / mean[i].stderr());
            }
        }
        return largest;
    }
}
