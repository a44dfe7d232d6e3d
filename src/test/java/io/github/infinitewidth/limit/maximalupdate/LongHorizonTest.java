package io.github.infinitewidth.limit.maximalupdate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.finite.FiniteEngine;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * LIMITS.md section 7, check 4, over a long horizon: 40 Adam steps of minibatches of 2 (ten passes
 * over the 4 train inputs; one test input), 3 hidden tanh layers, {@code sw = 1.5}, recorded every
 * 8 steps. Finite muP networks at widths 1024, 4096 and 8192 (12 seeds) against the limit (12
 * replicas of 4096 particles; the hat families reach rank 80).
 *
 * <p>Asserted: at width 8192 every output at every recorded step after 0 within 4 combined
 * standard errors (Welch t with about 22 degrees of freedom, {@code P(|t| > 4) = 5.9e-4}; 25
 * comparisons, so by the union bound a correct engine fails with probability below 1.5%); and the
 * root-mean-square distance to the limit over seeds, steps and inputs shrinking with the width,
 * 8192 below 1024. Printed: the distances, and the limit's own
 * standard error at every recorded step (how the Monte Carlo error grows with the steps at fixed N).
 * Measured numbers: docs/accuracy.md.
 */
@Tag("slow")
class LongHorizonTest {
    private static final int STEPS = 40;
    private static final int SEEDS = 12;
    private static final UpdateFunction ADAM = new UpdateFunction(UpdateFunction.Kind.ADAM, 1e-8, 0.9, 0.999);
    private static final TrainingSpec TRAINING = new TrainingSpec(STEPS, 2, true, 8);

    @Test
    void finiteNetworksApproachTheLimitOverFortySteps() {
        Trajectory limit = MuExperiments.completed(new MaximalUpdateEngine(), experiment(0, 4096));
        Trajectory[] finite = new Trajectory[3];
        int[] widths = {1024, 4096, 8192};
        for (int w = 0; w < widths.length; w++) {
            finite[w] = MuExperiments.completed(new FiniteEngine(), experiment(widths[w], 1));
        }
        int recorded = limit.steps().length;
        double worst = 0;
        StringBuilder errors = new StringBuilder("limit standard error by step:");
        for (int k = 1; k < recorded; k++) {
            Estimate[] reference = Estimate.ofReplicas(MuExperiments.outputsAt(limit, k));
            Estimate[] wide = Estimate.ofReplicas(MuExperiments.outputsAt(finite[2], k));
            double meanError = 0;
            for (int i = 0; i < reference.length; i++) {
                double se = Math.hypot(reference[i].stderr(), wide[i].stderr());
                double gap = Math.abs(reference[i].mean() - wide[i].mean()) / se;
                worst = Math.max(worst, gap);
                assertTrue(gap < 4, "step " + limit.steps()[k] + ", input " + i + ": limit " + reference[i].mean()
                        + ", width 8192 " + wide[i].mean() + ", " + gap + " standard errors apart");
                meanError += reference[i].stderr() / reference.length;
            }
            errors.append(String.format(" %d: %.4f", limit.steps()[k], meanError));
        }
        double[] distance = new double[widths.length];
        for (int w = 0; w < widths.length; w++) {
            distance[w] = rmsDistance(finite[w], limit);
        }
        System.out.println(errors);
        System.out.printf("distance to the limit at widths 1024 / 4096 / 8192: %.4f / %.4f / %.4f;"
                + " largest gap at 8192 %.2f standard errors%n", distance[0], distance[1], distance[2], worst);
        assertTrue(distance[2] < distance[0], "distance to the limit at widths 1024 / 4096 / 8192: "
                + distance[0] + " / " + distance[1] + " / " + distance[2]);
    }

    /** The limit ({@code width = 0}) or finite muP networks of the long-horizon set-up. */
    private static Experiment experiment(int width, int particles) {
        return MuExperiments.deep(Activation.TANH, ADAM, 0.02, TRAINING, width, particles, SEEDS, 17);
    }

    /** Root mean square over seeds, recorded steps after 0 and inputs of {@code f_seed - E[f_limit]}. */
    private static double rmsDistance(Trajectory finite, Trajectory limit) {
        double sum = 0;
        int count = 0;
        for (int k = 1; k < limit.steps().length; k++) {
            Estimate[] reference = Estimate.ofReplicas(MuExperiments.outputsAt(limit, k));
            for (double[] f : MuExperiments.outputsAt(finite, k)) {
                for (int i = 0; i < f.length; i++) {
                    sum += (f[i] - reference[i].mean()) * (f[i] - reference[i].mean());
                    count++;
                }
            }
        }
        return Math.sqrt(sum / count);
    }


}
