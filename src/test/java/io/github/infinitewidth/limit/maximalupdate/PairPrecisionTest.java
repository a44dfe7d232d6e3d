package io.github.infinitewidth.limit.maximalupdate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.UpdateFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code simulation.pairPrecision: float32} (LIMITS.md section 5; docs/design-notes.md, "Pair
 * precision"): pair matrices and their optimizer state stored in float32 with float64 kets. With the
 * same seed both runs draw the same particles, so their difference is the rounding of the stored
 * pairs alone; it must stay far below the Monte Carlo error the run reports: under 5% of a standard
 * error at every recorded step and input, and not zero (measured: 2.4e-8 standard errors at most;
 * docs/accuracy.md). Deterministic given the seed.
 */
class PairPrecisionTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"tanh,adam,0.05", "relu,smoothsign,0.05", "tanh,momentum,0.05"})
    void float32PairsChangeTheOutputsByFarLessThanTheirStandardError(String activation, String optimizer,
                                                                      double lr) {
        UpdateFunction.Kind kind = UpdateFunction.Kind.parse(optimizer);
        UpdateFunction q = new UpdateFunction(kind, kind == UpdateFunction.Kind.SMOOTHSIGN ? 0.1 : 1e-8, 0.9, 0.999);
        Experiment e = MuExperiments.deep(Activation.parse(activation), q, lr, 6, 2, 0, 1024, 4, 5);
        Trajectory wide = MuExperiments.completed(new MaximalUpdateEngine(), e);
        Trajectory narrow = MuExperiments.completed(new MaximalUpdateEngine(), new Experiment(e.network(),
                e.parametrization(), e.optimizer(), e.loss(), e.data(), e.training(),
                e.simulation().withPairPrecision(Precision.FLOAT32)));
        double worst = 0;
        for (int k = 1; k < wide.steps().length; k++) {
            Estimate[] a = Estimate.ofReplicas(MuExperiments.outputsAt(wide, k));
            Estimate[] b = Estimate.ofReplicas(MuExperiments.outputsAt(narrow, k));
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i].mean() - b[i].mean()) / a[i].stderr());
            }
        }
        System.out.printf("%s %s: float32 pairs move the outputs by at most %.2e standard errors%n", activation,
                optimizer, worst);
        assertTrue(worst < 0.05, "float32 pairs moved an output by " + worst + " standard errors");
        assertTrue(worst > 0, "float32 pairs changed nothing: were the pairs stored in float32 at all?");
    }


}
