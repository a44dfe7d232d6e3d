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
import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LIMITS.md sections 2.4 and 7 (check 4): finite NTP networks with k outputs ({@code centerOutput}) of
 * widths 256 / 1024 / 4096 approach the NT limit with k outputs. Relu, 2 hidden layers with biases
 * ({@code sb = 0.8}, {@code mb = 1.7}), a cosine schedule (2 warm-up steps, then down to 0.1), the 4
 * train and 2 test inputs of {@link NtExperiments}, 8 full-batch steps: the cross-entropy of 3 classes
 * through the kernel step (sgd) and the particle step (adam, with Adam's moments over the (input, output)
 * pairs), and mse on 2 targets with smoothsign (the combined backward ket inside a memoryless Q).
 * 16 seeds per width and 16 limit replicas of 4096 particles.
 *
 * <p>At width 4096 each final output (m k of them) must be within 4 combined standard errors of the limit
 * (Welch t with about 30 degrees of freedom: {@code P(|t| > 4) = 3.8e-4}; 48 comparisons in all, so a
 * correct engine fails with probability about 1.8%), and the root-mean-square gap must be smaller at 4096
 * than at 256.
 */
@Tag("slow")
class ClassificationNtConvergenceTest {
    private static final int SEEDS = 16;
    private static final int STEPS = 8;

    @ParameterizedTest(name = "{0} {2} k = {3}")
    @CsvSource({"sgd,1.0,cross-entropy,3", "adam,0.05,cross-entropy,3", "smoothsign,0.05,mse,2"})
    void finiteNtpNetworksWithSeveralOutputsFollowTheLimit(String optimizer, double lr, String lossName, int k) {
        Loss loss = Loss.parse(lossName);
        Data data = loss == Loss.MSE ? NtExperiments.TWO_TARGETS : NtExperiments.THREE_CLASSES;
        Schedule cosine = new Schedule(Schedule.Type.COSINE, 2, Schedule.REST_OF_RUN, 0.1, 0, 1.0);
        UpdateFunction.Kind kind = UpdateFunction.Kind.parse(optimizer);
        UpdateFunction q = kind == UpdateFunction.Kind.SMOOTHSIGN ? new UpdateFunction(kind, 0.1, 0.9, 0.999)
                : UpdateFunction.of(kind);
        OptimizerSpec o = new OptimizerSpec(q, lr, NtExperiments.MULTIPLIERS, cosine);
        TrainingSpec training = new TrainingSpec(STEPS, 0, false, 1);
        SimulationSpec limitSimulation = new SimulationSpec(4096, SEEDS, 5, BackendChoice.CPU, Precision.FLOAT64, true);
        Experiment limit = NtExperiments.withOutputs(NtExperiments.withBias(new Experiment(
                new NetworkSpec(2, Activation.RELU, 0, NtExperiments.INIT), null, o, Loss.MSE, NtExperiments.DATA,
                training, limitSimulation), 0.8, 1.7), k, loss, data, limitSimulation);
        Estimate[] reference = NtExperiments.finalOutputs(new NeuralTangentEngine(), limit);
        assertEquals(data.size() * k, reference.length);
        double[] gaps = new double[3];
        int[] widths = {256, 1024, 4096};
        double largestZ = 0;
        for (int w = 0; w < 3; w++) {
            SimulationSpec seeds = new SimulationSpec(1, SEEDS, 23, BackendChoice.CPU, Precision.FLOAT64, true);
            Experiment finite = NtExperiments.withOutputs(NtExperiments.withBias(new Experiment(
                    new NetworkSpec(2, Activation.RELU, widths[w], NtExperiments.INIT), Parametrization.NTP, o,
                    Loss.MSE, NtExperiments.DATA, training, seeds), 0.8, 1.7), k, loss, data, seeds);
            Estimate[] network = NtExperiments.finalOutputs(new FiniteEngine(), finite);
            double sum = 0;
            for (int i = 0; i < network.length; i++) {
                double gap = network[i].mean() - reference[i].mean();
                sum += gap * gap;
                if (widths[w] == 4096) {
                    double se = Math.hypot(network[i].stderr(), reference[i].stderr());
                    largestZ = Math.max(largestZ, Math.abs(gap) / se);
                    assertEquals(reference[i].mean(), network[i].mean(), 4 * se,
                            "input " + i / k + " output " + i % k + " at width 4096");
                }
            }
            gaps[w] = Math.sqrt(sum / network.length);
        }
        System.out.printf("nt %s %s k = %d: gap at widths 256 / 1024 / 4096: %.4f / %.4f / %.4f;"
                + " largest gap at 4096 %.2f standard errors%n", optimizer, lossName, k, gaps[0], gaps[1], gaps[2],
                largestZ);
        assertTrue(gaps[2] < gaps[0], "the gap must shrink with the width, got " + java.util.Arrays.toString(gaps));
    }
}
