package io.github.infinitewidth.limit.maximalupdate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decoupled weight decay in the muP limit (LIMITS.md 1.2), with a zero error signal so that a step
 * only decays: the particles of u and v are scaled by {@code kappa_u}, {@code kappa_v}, and every
 * hidden matrix acts as {@code c_1 W_0} at step 1. A relu network is positively homogeneous, so
 * {@code f_1 = kappa_u c_1^(L-1) kappa_v f_0}. At step 1 the forward hats of the scaled kets lie in
 * the span of step 0's (their conditional variance is 0), so the identity holds to rounding. The
 * dot terms are switched off: with a zero error signal their true value is 0 but their Stein
 * estimates are Monte Carlo noise, which would hide the scaling being checked.
 */
class WeightDecayTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void aDecayStepScalesTheOutputsLikeAFiniteReluNetwork(int layers) {
        double eta = 0.1;
        double lambda = 0.4;
        LayerMultipliers m = new LayerMultipliers(0.5, 1.0, 2.0);
        Experiment base = MuExperiments.deep(Activation.RELU, UpdateFunction.of(UpdateFunction.Kind.ADAM), eta,
                new TrainingSpec(2, 0, false, 1), 0, 1024, 1, 3);
        Experiment e = new Experiment(new NetworkSpec(layers, Activation.RELU, 0, MuExperiments.INIT), null,
                new OptimizerSpec(base.optimizer().update(), eta, m, Schedule.CONSTANT, lambda), base.loss(),
                base.data(), base.training(), base.simulation());
        int[] all = {0, 1, 2, 3, 4};
        try (Backend backend = Backends.cpu(Precision.FLOAT64);
             MaximalUpdateReplica replica = new MaximalUpdateReplica(e, backend, new RandomKey(3, 0), false,
                     (int) MaximalUpdateEngine.trainingRank(e) + e.data().size())) {
            double[] before = replica.forward(all, new int[0], 0);
            replica.train(new double[all.length], all, 0);
            double[] after = replica.forward(all, new int[0], 1);
            double expected = (1 - eta * 0.5 * lambda) * Math.pow(1 - eta * lambda, layers - 1) * (1 - eta * 2.0 * lambda);
            for (int j = 0; j < all.length; j++) {
                assertEquals(expected * before[j], after[j], 1e-9 * Math.abs(before[j]), "input " + j);
            }
        }
    }
}
