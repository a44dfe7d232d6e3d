package io.github.infinitewidth.limit.maximalupdate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.finite.FiniteEngine;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LIMITS.md sections 8 and 7 (check 4): finite muP networks with biases ({@code sb = 0.8},
 * {@code mb = 1.5}) of widths 256 / 1024 / 4096 approach the muP limit with biases, including AdamW
 * (weight decay 1.0) with a cosine schedule. The set-up of {@link TrainingSetupMuConvergenceTest}:
 * 3 hidden layers, minibatches of 2 of 4 train inputs, one test input, 6 steps; 8 seeds per width,
 * 8 limit replicas of 4096 particles.
 *
 * <p>At width 4096 each of the 5 final outputs must be within 4 combined standard errors of the limit
 * (Welch t with about 14 degrees of freedom: {@code P(|t| > 4) = 1.3e-3}; 15 comparisons over the
 * three set-ups, so a correct engine fails with probability about 2%), and the root-mean-square
 * distance of one network from the limit must be smaller at 4096 than at 256. The limit without
 * biases must be more than 5 standard errors from the networks at some input, so that the comparison
 * can tell biases the limit ignored.
 */
@Tag("slow")
class BiasMuConvergenceTest {
    private static final int STEPS = 6;
    private static final int SEEDS = 8;

    @ParameterizedTest(name = "{0} {1} {3} weightDecay {4}")
    @CsvSource({"tanh,adam,0.05,cosine,1.0", "relu,sgd,0.5,constant,0", "tanh,smoothsign,0.05,constant,0"})
    void wideNetworksWithBiasesFollowTheLimit(String activation, String optimizer, double lr, String type,
                                              double weightDecay) {
        Schedule schedule = type.equals("cosine")
                ? new Schedule(Schedule.Type.COSINE, 2, Schedule.REST_OF_RUN, 0.1, 0, 1.0) : Schedule.CONSTANT;
        UpdateFunction q = UpdateFunction.of(UpdateFunction.Kind.parse(optimizer));
        OptimizerSpec o = new OptimizerSpec(q, lr, new LayerMultipliers(1.0, 1.0, 1.0, 1.5), schedule, weightDecay);
        Activation phi = Activation.parse(activation);
        TrainingSpec training = new TrainingSpec(STEPS, 2, true, 1);
        Estimate[] limit = Estimate.ofReplicas(MuExperiments.finalOutputs(new MaximalUpdateEngine(),
                withBias(MuExperiments.deep(phi, o, training, 0, 4096, SEEDS, 1))));
        double[] distance = new double[3];
        int[] widths = {256, 1024, 4096};
        Estimate[] wide = null;
        for (int w = 0; w < widths.length; w++) {
            Experiment finite = withBias(MuExperiments.deep(phi, o, training, widths[w], 1, SEEDS, 1));
            double[][] networks = MuExperiments.finalOutputs(new FiniteEngine(), finite);
            distance[w] = MuExperiments.rmsDistance(networks, limit);
            wide = Estimate.ofReplicas(networks);
        }
        double largestZ = 0;
        for (int i = 0; i < limit.length; i++) {
            double se = Math.hypot(wide[i].stderr(), limit[i].stderr());
            largestZ = Math.max(largestZ, Math.abs(limit[i].mean() - wide[i].mean()) / se);
            assertEquals(limit[i].mean(), wide[i].mean(), 4 * se, "input " + i + " at width 4096");
        }
        System.out.printf("mu biases %s %s %s weightDecay %s: distance to the limit at widths 256 / 1024 / 4096:"
                + " %.4f / %.4f / %.4f; largest gap at 4096 %.2f standard errors%n", activation, optimizer, type,
                weightDecay, distance[0], distance[1], distance[2], largestZ);
        assertTrue(distance[2] < distance[0], "the distance must shrink with the width, got "
                + java.util.Arrays.toString(distance));
        Estimate[] unbiased = Estimate.ofReplicas(MuExperiments.finalOutputs(new MaximalUpdateEngine(),
                MuExperiments.deep(phi, o, training, 0, 4096, SEEDS, 1)));
        double largest = 0;
        for (int i = 0; i < limit.length; i++) {
            double se = Math.hypot(wide[i].stderr(), unbiased[i].stderr());
            largest = Math.max(largest, Math.abs(unbiased[i].mean() - wide[i].mean()) / se);
        }
        System.out.printf("  the limit without biases: %.1f standard errors away%n", largest);
        assertTrue(largest > 5, "the biases must be visible: the limit without them is only " + largest
                + " standard errors away");
    }

    private static Experiment withBias(Experiment e) {
        InitStd std = e.network().initStd();
        NetworkSpec n = e.network();
        return new Experiment(new NetworkSpec(n.hiddenLayers(), n.activation(), n.width(),
                new InitStd(std.input(), std.hidden(), std.output(), 0.8), true), e.parametrization(), e.optimizer(),
                e.loss(), e.data(), e.training(), e.simulation());
    }
}
