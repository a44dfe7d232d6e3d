package io.github.infinitewidth.limit.maximalupdate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.finite.FiniteEngine;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.Objective;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LIMITS.md 2.4 and 7 (check 4): finite muP networks with k outputs, widths 256 / 1024 / 4096 (centered,
 * LIMITS.md 2.1), approach the muP limit with k outputs. 6 train inputs and 2 test inputs in d = 3,
 * 2 hidden layers with biases ({@code sb = 0.8}), 8 full-batch steps; 16 seeds per width and 16 limit
 * replicas of 4096 particles, on independent seeds. Two set-ups: 3 classes (labels 0..2) with
 * cross-entropy, tanh and AdamW (weight decay 0.5) with a cosine schedule after 2 warm-up steps; and
 * mse with 2 targets per input, relu and sgd.
 *
 * <p>At width 4096 each of the final outputs (24 and 16 components) must be within 4 combined standard
 * errors of the limit: Welch t with about 30 degrees of freedom, {@code P(|t| > 4) = 3.8e-4}, 40
 * comparisons, so a correct engine fails with probability about 1.5%. The root-mean-square distance of one
 * network from the limit must be smaller at 4096 than at 256, and the limit's train loss must have fallen
 * by a tenth at least, so that the comparison is one of trained outputs. Measured distances:
 * docs/accuracy.md.
 */
@Tag("slow")
class ClassificationMuConvergenceTest {
    private static final int STEPS = 8;
    private static final int SEEDS = 16;
    private static final double[][] TRAIN = {{0.9, 0.2, -0.4}, {-0.3, 1.0, 0.5}, {0.4, -0.8, 0.9},
        {-1.0, -0.3, 0.2}, {0.6, 0.7, 0.8}, {-0.5, 0.4, -1.1}};
    private static final double[][] TEST = {{0.3, 0.3, -0.6}, {-0.4, -0.6, 0.7}};
    private static final Data CLASSES = new Data(new Dataset(TRAIN, new double[] {0, 1, 2, 0, 1, 2}),
            new Dataset(TEST, new double[] {0, 2}));
    private static final Data TWO_TARGETS = new Data(
            Dataset.ofTargetVectors(TRAIN, new double[][] {{0.8, -0.3}, {-0.5, 0.6}, {0.2, 0.9}, {-0.7, -0.4},
                {0.5, 0.5}, {-0.2, -0.8}}),
            Dataset.ofTargetVectors(TEST, new double[][] {{0.4, -0.1}, {-0.3, 0.6}}));

    @ParameterizedTest(name = "{0} k = {1} {2} {3}")
    @CsvSource({"cross-entropy,3,tanh,adamw", "mse,2,relu,sgd"})
    void wideNetworksWithSeveralOutputsFollowTheLimit(String loss, int k, String activation, String optimizer) {
        OptimizerSpec o = optimizer.equals("adamw")
                ? new OptimizerSpec(UpdateFunction.of(UpdateFunction.Kind.ADAM), 0.1, LayerMultipliers.DEFAULT,
                        new Schedule(Schedule.Type.COSINE, 2, Schedule.REST_OF_RUN, 0.1, 0, 1.0), 0.5)
                : new OptimizerSpec(UpdateFunction.of(UpdateFunction.Kind.SGD), 0.3, LayerMultipliers.DEFAULT);
        Loss l = loss.equals("mse") ? Loss.MSE : Loss.CROSS_ENTROPY;
        Data data = l == Loss.MSE ? TWO_TARGETS : CLASSES;
        Activation phi = Activation.parse(activation);
        Experiment limitRun = experiment(phi, k, o, l, data, 0, 4096, 1);
        double[][] limitOutputs = MuExperiments.finalOutputs(new MaximalUpdateEngine(), limitRun);
        Estimate[] limit = Estimate.ofReplicas(limitOutputs);
        double[] distance = new double[3];
        int[] widths = {256, 1024, 4096};
        Estimate[] wide = null;
        for (int w = 0; w < widths.length; w++) {
            double[][] networks = MuExperiments.finalOutputs(new FiniteEngine(),
                    experiment(phi, k, o, l, data, widths[w], 1, 2));
            distance[w] = MuExperiments.rmsDistance(networks, limit);
            wide = Estimate.ofReplicas(networks);
        }
        double largestZ = 0;
        for (int i = 0; i < limit.length; i++) {
            double se = Math.hypot(wide[i].stderr(), limit[i].stderr());
            largestZ = Math.max(largestZ, Math.abs(limit[i].mean() - wide[i].mean()) / se);
            assertEquals(limit[i].mean(), wide[i].mean(), 4 * se, "input " + i / k + ", output " + i % k
                    + " at width 4096");
        }
        Objective objective = limitRun.objective();
        int train = TRAIN.length;
        double before = objective.meanLoss(new double[limit.length], 0, train);
        double after = 0;
        for (double[] f : limitOutputs) {
            after += objective.meanLoss(f, 0, train) / limitOutputs.length;
        }
        System.out.printf("mu %s k = %d %s %s: distance to the limit at widths 256 / 1024 / 4096: %.4f / %.4f / %.4f;"
                + " largest gap at 4096 %.2f standard errors; the limit's train loss %.4f -> %.4f%n", loss, k,
                activation, optimizer, distance[0], distance[1], distance[2], largestZ, before, after);
        assertTrue(distance[2] < distance[0], "the distance must shrink with the width, got "
                + java.util.Arrays.toString(distance));
        assertTrue(after < 0.9 * before, "the limit must have trained: loss " + before + " -> " + after);
    }

    /** The limit ({@code width = 0}, N particles) or finite centered muP networks, one per replica. */
    private static Experiment experiment(Activation phi, int k, OptimizerSpec o, Loss loss, Data data, int width,
                                         int particles, long seed) {
        return new Experiment(new NetworkSpec(2, phi, width, new InitStd(1.0, 1.5, 1.0, 0.8), true, k),
                width > 0 ? Parametrization.MUP : null, o, loss, data, new TrainingSpec(STEPS, 0, false, STEPS, false),
                new SimulationSpec(particles, SEEDS, seed, BackendChoice.CPU, Precision.FLOAT64, true));
    }
}
