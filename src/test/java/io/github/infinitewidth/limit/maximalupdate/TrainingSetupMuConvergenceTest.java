package io.github.infinitewidth.limit.maximalupdate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.finite.FiniteEngine;
import io.github.infinitewidth.ket.Estimate;
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
 * LIMITS.md sections 1.1, 1.2 and 7 (check 4): with a learning-rate schedule and with decoupled
 * weight decay, finite muP networks of widths 256 / 1024 / 4096 approach the muP limit (the set-up
 * of {@link MaximalUpdateConvergenceTest}: 3 hidden layers, minibatches of 2 of 4 train inputs, one
 * test input, 6 steps; 8 seeds per width, 8 limit replicas of 4096 particles).
 *
 * <p>At width 4096 each of the 5 final outputs must be within 4 combined standard errors of the limit
 * (Welch t with about 14 degrees of freedom: {@code P(|t| > 4) = 1.3e-3}; 20 comparisons over the four
 * set-ups, so a correct engine fails with probability about 2.6%), and the root-mean-square distance
 * of one network from the limit must be smaller at 4096 than at 256. With weight decay the limit
 * without it must also be more than 5 standard errors from the networks at some input, so that the
 * comparison can tell a decay that the limit ignored. Measured distances: docs/accuracy.md.
 */
@Tag("slow")
class TrainingSetupMuConvergenceTest {
    private static final int STEPS = 6;
    private static final int SEEDS = 8;

    @ParameterizedTest(name = "{0} {1} {3} weightDecay {4}")
    @CsvSource({"tanh,adam,0.05,cosine,0", "relu,sgd,0.5,step,0", "relu,sgd,0.5,constant,0.3",
                "tanh,adam,0.05,cosine,1.0"})
    void wideNetworksFollowTheLimit(String activation, String optimizer, double lr, String type, double weightDecay) {
        Schedule schedule = switch (type) {
            case "cosine" -> new Schedule(Schedule.Type.COSINE, 2, Schedule.REST_OF_RUN, 0.1, 0, 1.0);
            case "step" -> new Schedule(Schedule.Type.STEP, 0, Schedule.REST_OF_RUN, 0.0, 2, 0.5);
            default -> Schedule.CONSTANT;
        };
        UpdateFunction q = UpdateFunction.of(UpdateFunction.Kind.parse(optimizer));
        OptimizerSpec o = new OptimizerSpec(q, lr, LayerMultipliers.DEFAULT, schedule, weightDecay);
        Activation phi = Activation.parse(activation);
        TrainingSpec training = new TrainingSpec(STEPS, 2, true, 1);
        Estimate[] limit = Estimate.ofReplicas(MuExperiments.finalOutputs(new MaximalUpdateEngine(),
                MuExperiments.deep(phi, o, training, 0, 4096, SEEDS, 1)));
        double[] distance = new double[3];
        int[] widths = {256, 1024, 4096};
        Estimate[] wide = null;
        for (int w = 0; w < widths.length; w++) {
            Experiment finite = MuExperiments.deep(phi, o, training, widths[w], 1, SEEDS, 1);
            double[][] networks = MuExperiments.finalOutputs(new FiniteEngine(), finite);
            distance[w] = MuExperiments.rmsDistance(networks, limit);
            wide = Estimate.ofReplicas(networks);
        }
        for (int i = 0; i < limit.length; i++) {
            double se = Math.hypot(wide[i].stderr(), limit[i].stderr());
            assertEquals(limit[i].mean(), wide[i].mean(), 4 * se, "input " + i + " at width 4096");
        }
        System.out.printf("%s %s %s weightDecay %s: distance to the limit at widths 256 / 1024 / 4096:"
                + " %.4f / %.4f / %.4f%n", activation, optimizer, type, weightDecay, distance[0], distance[1], distance[2]);
        assertTrue(distance[2] < distance[0], "the distance must shrink with the width, got "
                + java.util.Arrays.toString(distance));
        if (weightDecay > 0) {
            OptimizerSpec withoutDecay = new OptimizerSpec(q, lr, LayerMultipliers.DEFAULT, schedule);
            Estimate[] undecayed = Estimate.ofReplicas(MuExperiments.finalOutputs(new MaximalUpdateEngine(),
                    MuExperiments.deep(phi, withoutDecay, training, 0, 4096, SEEDS, 1)));
            double largest = 0;
            for (int i = 0; i < limit.length; i++) {
                double se = Math.hypot(wide[i].stderr(), undecayed[i].stderr());
                largest = Math.max(largest, Math.abs(undecayed[i].mean() - wide[i].mean()) / se);
            }
            System.out.printf("  the limit without weight decay: %.1f standard errors away%n", largest);
            assertTrue(largest > 5, "the decay must be visible: the limit without it is only " + largest
                    + " standard errors away");
        }
    }
}
