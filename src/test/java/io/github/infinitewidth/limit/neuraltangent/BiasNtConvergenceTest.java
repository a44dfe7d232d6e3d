package io.github.infinitewidth.limit.neuraltangent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.finite.FiniteEngine;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LIMITS.md sections 8.2 and 7 (check 4): finite NTP networks with biases ({@code sb = 0.8},
 * {@code mb = 1.7}; {@code centerOutput}) of widths 256 / 1024 / 4096 approach the NT limit with
 * biases, through the kernel step (sgd) and the particle step (adam, with a cosine schedule).
 * Relu, 2 hidden layers, the 4 train and 2 test inputs of {@link NtExperiments}, 8 full-batch steps;
 * 8 seeds per width and 8 limit replicas of 4096 particles.
 *
 * <p>At width 4096 each of the 6 final outputs must be within 4 combined standard errors of the limit
 * (Welch t with about 14 degrees of freedom: {@code P(|t| > 4) = 1.3e-3}; 12 comparisons, so a correct
 * engine fails with probability about 1.6%), and the root-mean-square gap must be smaller at 4096 than
 * at 256. The limit without biases must be more than 5 standard errors away at some input.
 */
@Tag("slow")
class BiasNtConvergenceTest {
    private static final int SEEDS = 8;
    private static final int STEPS = 8;

    @ParameterizedTest(name = "{0} {2}")
    @CsvSource({"sgd,0.5,constant", "adam,0.05,cosine"})
    void finiteNtpNetworksWithBiasesFollowTheLimit(String optimizer, double lr, String type) {
        Schedule schedule = type.equals("cosine")
                ? new Schedule(Schedule.Type.COSINE, 2, Schedule.REST_OF_RUN, 0.1, 0, 1.0) : Schedule.CONSTANT;
        OptimizerSpec o = new OptimizerSpec(UpdateFunction.of(UpdateFunction.Kind.parse(optimizer)), lr,
                NtExperiments.MULTIPLIERS, schedule);
        TrainingSpec training = new TrainingSpec(STEPS, 0, false, 1);
        Experiment plainLimit = new Experiment(new NetworkSpec(2, Activation.RELU, 0, NtExperiments.INIT), null, o,
                Loss.MSE, NtExperiments.DATA, training,
                new SimulationSpec(4096, SEEDS, 5, BackendChoice.CPU, Precision.FLOAT64, true));
        Estimate[] reference = NtExperiments.finalOutputs(new NeuralTangentEngine(),
                NtExperiments.withBias(plainLimit, 0.8, 1.7));
        double[] gaps = new double[3];
        int[] widths = {256, 1024, 4096};
        Estimate[] wide = null;
        double largestZ = 0;
        for (int w = 0; w < 3; w++) {
            Experiment finite = NtExperiments.withBias(new Experiment(
                    new NetworkSpec(2, Activation.RELU, widths[w], NtExperiments.INIT), Parametrization.NTP, o,
                    Loss.MSE, NtExperiments.DATA, training,
                    new SimulationSpec(1, SEEDS, 23, BackendChoice.CPU, Precision.FLOAT64, true)), 0.8, 1.7);
            Estimate[] network = NtExperiments.finalOutputs(new FiniteEngine(), finite);
            double sum = 0;
            for (int i = 0; i < network.length; i++) {
                double gap = network[i].mean() - reference[i].mean();
                sum += gap * gap;
                if (widths[w] == 4096) {
                    double se = Math.hypot(network[i].stderr(), reference[i].stderr());
                    largestZ = Math.max(largestZ, Math.abs(gap) / se);
                    assertEquals(reference[i].mean(), network[i].mean(), 4 * se, "input " + i + " at width 4096");
                }
            }
            gaps[w] = Math.sqrt(sum / network.length);
            wide = network;
        }
        System.out.printf("nt biases %s %s: gap at widths 256 / 1024 / 4096: %.4f / %.4f / %.4f;"
                + " largest gap at 4096 %.2f standard errors%n", optimizer, type, gaps[0], gaps[1], gaps[2], largestZ);
        assertTrue(gaps[2] < gaps[0], "the gap must shrink with the width, got " + java.util.Arrays.toString(gaps));
        Estimate[] unbiased = NtExperiments.finalOutputs(new NeuralTangentEngine(), plainLimit);
        double largest = 0;
        for (int i = 0; i < unbiased.length; i++) {
            double se = Math.hypot(wide[i].stderr(), unbiased[i].stderr());
            largest = Math.max(largest, Math.abs(unbiased[i].mean() - wide[i].mean()) / se);
        }
        System.out.printf("  the limit without biases: %.1f standard errors away%n", largest);
        assertTrue(largest > 5, "the biases must be visible: the limit without them is only " + largest
                + " standard errors away");
    }
}
