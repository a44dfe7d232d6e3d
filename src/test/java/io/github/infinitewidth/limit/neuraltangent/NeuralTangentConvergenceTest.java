package io.github.infinitewidth.limit.neuraltangent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.KernelSource;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.finite.FiniteEngine;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * LIMITS.md section 7, check 4 for the NT limit: finite NTP networks with {@code centerOutput}
 * at widths 256, 1024 and 4096 approach the NT limit as the width grows, and at 4096 the gap
 * is within its standard error.
 *
 * <p>Relu, 2 hidden layers, 4 train and 2 test inputs, 8 full-batch steps; 8 seeds per width
 * and 8 limit replicas of 4096 particles. Measured root-mean-square gaps of the final outputs
 * at widths 256 / 1024 / 4096: sgd 0.0115 / 0.0043 / 0.0024, smoothsign 0.0055 / 0.0031 /
 * 0.0012, adam 0.0076 / 0.0043 / 0.0016; at 4096 every input's gap is below one standard
 * error (0.002 to 0.007).
 */
@Tag("slow")
class NeuralTangentConvergenceTest {
    private static final int SEEDS = 8;
    private static final int STEPS = 8;

    /**
     * At width 4096 each of the 6 final outputs must be within 5 combined standard errors of the
     * limit (Welch t with about 14 degrees of freedom, {@code P(|t| > 5) = 2e-4}; 24 comparisons
     * in all, so a correct engine fails with probability below 0.5%), and the gap at 4096 must
     * be smaller than at 256.
     */
    @ParameterizedTest
    @EnumSource(value = UpdateFunction.Kind.class, names = {"SGD", "SMOOTHSIGN", "MOMENTUM", "ADAM"})
    void finiteNtpNetworksApproachTheNtLimit(UpdateFunction.Kind kind) {
        UpdateFunction q = new UpdateFunction(kind, kind == UpdateFunction.Kind.SMOOTHSIGN ? 0.1 : 1e-8, 0.9, 0.999);
        double lr = kind == UpdateFunction.Kind.SGD ? 0.5 : 0.05;
        Experiment limit = NtExperiments.experiment(Activation.RELU, 2, q, lr, STEPS, 0, 4096, SEEDS,
                KernelSource.MONTE_CARLO);
        Estimate[] reference = NtExperiments.finalOutputs(new NeuralTangentEngine(), limit);
        double[] gaps = new double[3];
        int[] widths = {256, 1024, 4096};
        for (int w = 0; w < 3; w++) {
            Experiment finite = new Experiment(new NetworkSpec(2, Activation.RELU, widths[w], NtExperiments.INIT),
                    Parametrization.NTP, new OptimizerSpec(q, lr, NtExperiments.MULTIPLIERS), limit.loss(),
                    limit.data(), new TrainingSpec(STEPS, 0, false, 1),
                    new SimulationSpec(1, SEEDS, 23, BackendChoice.CPU, Precision.FLOAT64, true));
            Estimate[] network = NtExperiments.finalOutputs(new FiniteEngine(), finite);
            double sum = 0;
            for (int i = 0; i < network.length; i++) {
                double gap = network[i].mean() - reference[i].mean();
                double se = Math.hypot(network[i].stderr(), reference[i].stderr());
                sum += gap * gap;
                if (widths[w] == 4096) {
                    assertEquals(reference[i].mean(), network[i].mean(), 5 * se, kind + " input " + i + " at width 4096");
                }
            }
            gaps[w] = Math.sqrt(sum / network.length);
        }
        assertTrue(gaps[2] < gaps[0], kind + ": the gap must shrink with width, got " + java.util.Arrays.toString(gaps));
    }
}
