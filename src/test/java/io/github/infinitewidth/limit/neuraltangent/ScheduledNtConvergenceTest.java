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
 * LIMITS.md sections 1.1 and 7 (check 4): with a learning-rate schedule, finite NTP networks
 * ({@code centerOutput}) of widths 256 / 1024 / 4096 approach the NT limit. Relu, 2 hidden layers,
 * the 4 train and 2 test inputs of {@link NtExperiments}, 8 full-batch steps; 8 seeds per width and
 * 8 limit replicas of 4096 particles.
 *
 * <p>At width 4096 each of the 6 final outputs must be within 4 combined standard errors of the limit
 * (Welch t with about 14 degrees of freedom: {@code P(|t| > 4) = 1.3e-3}; 18 comparisons, so a correct
 * engine fails with probability about 2.3%), and the root-mean-square gap must be smaller at 4096 than
 * at 256.
 */
@Tag("slow")
class ScheduledNtConvergenceTest {
    private static final int SEEDS = 8;
    private static final int STEPS = 8;

    @ParameterizedTest(name = "{0} {2}")
    @CsvSource({"sgd,0.5,linear", "momentum,0.05,cosine", "adam,0.05,step"})
    void finiteNtpNetworksFollowTheScheduledLimit(String optimizer, double lr, String type) {
        Schedule schedule = switch (type) {
            case "linear" -> new Schedule(Schedule.Type.LINEAR, 3, Schedule.REST_OF_RUN, 0.2, 0, 1.0);
            case "cosine" -> new Schedule(Schedule.Type.COSINE, 2, 5, 0.0, 0, 1.0);
            default -> new Schedule(Schedule.Type.STEP, 1, Schedule.REST_OF_RUN, 0.0, 3, 0.3);
        };
        OptimizerSpec o = new OptimizerSpec(UpdateFunction.of(UpdateFunction.Kind.parse(optimizer)), lr,
                NtExperiments.MULTIPLIERS, schedule);
        TrainingSpec training = new TrainingSpec(STEPS, 0, false, 1);
        Experiment limit = new Experiment(new NetworkSpec(2, Activation.RELU, 0, NtExperiments.INIT), null, o,
                Loss.MSE, NtExperiments.DATA, training,
                new SimulationSpec(4096, SEEDS, 5, BackendChoice.CPU, Precision.FLOAT64, true));
        Estimate[] reference = NtExperiments.finalOutputs(new NeuralTangentEngine(), limit);
        double[] gaps = new double[3];
        int[] widths = {256, 1024, 4096};
        for (int w = 0; w < 3; w++) {
            Experiment finite = new Experiment(new NetworkSpec(2, Activation.RELU, widths[w], NtExperiments.INIT),
                    Parametrization.NTP, o, Loss.MSE, NtExperiments.DATA, training,
                    new SimulationSpec(1, SEEDS, 23, BackendChoice.CPU, Precision.FLOAT64, true));
            Estimate[] network = NtExperiments.finalOutputs(new FiniteEngine(), finite);
            double sum = 0;
            for (int i = 0; i < network.length; i++) {
                double gap = network[i].mean() - reference[i].mean();
                sum += gap * gap;
                if (widths[w] == 4096) {
                    double se = Math.hypot(network[i].stderr(), reference[i].stderr());
                    assertEquals(reference[i].mean(), network[i].mean(), 4 * se, "input " + i + " at width 4096");
                }
            }
            gaps[w] = Math.sqrt(sum / network.length);
        }
        System.out.printf("nt %s %s: gap at widths 256 / 1024 / 4096: %.4f / %.4f / %.4f%n",
                optimizer, type, gaps[0], gaps[1], gaps[2]);
        assertTrue(gaps[2] < gaps[0], "the gap must shrink with the width, got " + java.util.Arrays.toString(gaps));
    }
}
