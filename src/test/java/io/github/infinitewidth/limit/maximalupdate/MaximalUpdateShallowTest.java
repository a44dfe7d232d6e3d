package io.github.infinitewidth.limit.maximalupdate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.api.Test;

/** The shallow maximal update limit (LIMITS.md section 4, Theorem 2.5.2) and the engine's determinism. */
class MaximalUpdateShallowTest {
    private static final InitStd INIT = new InitStd(1.3, 1.0, 0.7);
    private static final LayerMultipliers MULT = new LayerMultipliers(0.9, 1.0, 1.2);
    private static final Data LINE = new Data(
            new Dataset(new double[][] {{1.0}, {-0.5}, {2.0}}, new double[] {1.5, -0.4, 2.2}),
            new Dataset(new double[][] {{0.7}}, new double[] {0.0}));

    private static Trajectory run(Experiment e, int threads) {
        try (Backend backend = Backends.cpu(Precision.FLOAT64, threads)) {
            return new MaximalUpdateEngine().run(e, backend, StepListener.NONE);
        }
    }

    /**
     * LIMITS.md section 4 (check 3): identity activation, d = 1, sgd. With
     * {@code u_t = A u_0 + B v_0}, {@code v_t = C u_0 + D v_0}, {@code f_t = (AC su^2 + BD sv^2) xi}.
     * Every recorded output of every input lies within 5 standard errors (16 replicas of 8192
     * particles) of the recursion: Student t with 15 degrees of freedom, {@code P(|t| > 5) = 1.6e-4}
     * per comparison; the outputs are proportional to xi and strongly correlated over steps, so the
     * test amounts to about one independent comparison per step (10) and fails a correct engine
     * with probability below 0.2%.
     */
    @Test
    void identityNetworkFollowsTheLinearRecursion() {
        int steps = 10;
        double lr = 0.15;
        Experiment e = new Experiment(new NetworkSpec(1, Activation.IDENTITY, 0, INIT), null,
                new OptimizerSpec(UpdateFunction.of(UpdateFunction.Kind.SGD), lr, MULT), Loss.MSE, LINE,
                TrainingSpec.fullBatch(steps), new SimulationSpec(8192, 16, 3, BackendChoice.CPU, Precision.FLOAT64, true));
        Trajectory t = run(e, 2);
        double a = 1;
        double b = 0;
        double c = 0;
        double d = 1;
        double[] xi = {1.0, -0.5, 2.0, 0.7};
        double[] y = {1.5, -0.4, 2.2};
        for (int s = 0; s <= steps; s++) {
            double slope = a * c * INIT.input() * INIT.input() + b * d * INIT.output() * INIT.output();
            double[][] perReplica = new double[16][];
            for (int r = 0; r < 16; r++) {
                perReplica[r] = t.outputs()[r][s];
            }
            Estimate[] est = Estimate.ofReplicas(perReplica);
            for (int i = 0; i < 4; i++) {
                assertEquals(slope * xi[i], est[i].mean(), 5 * est[i].stderr() + 1e-12, "step " + s + " input " + i);
            }
            double ct = 0;
            for (int j = 0; j < 3; j++) {
                ct += (slope * xi[j] - y[j]) / 3 * xi[j];
            }
            double na = a - lr * MULT.input() * ct * c;
            double nb = b - lr * MULT.input() * ct * d;
            double nc = c - lr * MULT.output() * ct * a;
            double nd = d - lr * MULT.output() * ct * b;
            a = na;
            b = nb;
            c = nc;
            d = nd;
        }
        double finalSlope = a * c * INIT.input() * INIT.input() + b * d * INIT.output() * INIT.output();
        // the least-squares slope of the train data is 6.1 / 5.25 = 1.162; training started at slope 0
        assertTrue(Math.abs(finalSlope - 6.1 / 5.25) < 0.5 * 6.1 / 5.25, "training moved the slope to " + finalSlope);
    }

    /**
     * LIMITS.md 8.3 with the shallow recursion of section 4: identity activation, d = 1, sgd, biases
     * ({@code sb = 0.8}, {@code mb = 1.4}). The particle {@code p = (u, b, v)} evolves linearly,
     * {@code p_t = T_t p_0} with {@code T_{t+1} = M_t T_t},
     * <pre>
     * M_t = [[1, 0, -eta mu c_t], [0, 1, -eta mb s_t], [-eta mv c_t, -eta mv s_t, 1]],
     * c_t = sum_j chi_tj xi_j,  s_t = sum_j chi_tj
     * </pre>
     * (u and b move along {@code dh = v}, v along {@code x = u xi + b}), so with
     * {@code S_t = T_t diag(su^2, sb^2, sv^2) T_t^T} the output is {@code f_t(xi) = S_t[v,u] xi + S_t[v,b]}.
     * Same statistics as above (16 replicas of 8192 particles, 5 standard errors).
     */
    @Test
    void identityNetworkWithBiasesFollowsTheLinearRecursion() {
        int steps = 10;
        double lr = 0.15;
        InitStd init = new InitStd(INIT.input(), INIT.hidden(), INIT.output(), 0.8);
        LayerMultipliers mult = new LayerMultipliers(MULT.input(), MULT.hidden(), MULT.output(), 1.4);
        Experiment e = new Experiment(new NetworkSpec(1, Activation.IDENTITY, 0, init, true), null,
                new OptimizerSpec(UpdateFunction.of(UpdateFunction.Kind.SGD), lr, mult), Loss.MSE, LINE,
                TrainingSpec.fullBatch(steps), new SimulationSpec(8192, 16, 3, BackendChoice.CPU, Precision.FLOAT64, true));
        Trajectory t = run(e, 2);
        double[][] transfer = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        double[] variances = {init.input() * init.input(), init.bias() * init.bias(), init.output() * init.output()};
        double[] xi = {1.0, -0.5, 2.0, 0.7};
        double[] y = {1.5, -0.4, 2.2};
        double intercept = 0;
        for (int step = 0; step <= steps; step++) {
            double slope = 0;
            intercept = 0;
            for (int k = 0; k < 3; k++) {
                slope += transfer[2][k] * variances[k] * transfer[0][k];
                intercept += transfer[2][k] * variances[k] * transfer[1][k];
            }
            double[][] perReplica = new double[16][];
            for (int r = 0; r < 16; r++) {
                perReplica[r] = t.outputs()[r][step];
            }
            Estimate[] est = Estimate.ofReplicas(perReplica);
            for (int i = 0; i < 4; i++) {
                assertEquals(slope * xi[i] + intercept, est[i].mean(), 5 * est[i].stderr() + 1e-12,
                        "step " + step + " input " + i);
            }
            double c = 0;
            double s = 0;
            for (int j = 0; j < 3; j++) {
                double chi = (slope * xi[j] + intercept - y[j]) / 3;
                c += chi * xi[j];
                s += chi;
            }
            double[][] m = {{1, 0, -lr * mult.input() * c}, {0, 1, -lr * mult.bias() * s},
                {-lr * mult.output() * c, -lr * mult.output() * s, 1}};
            double[][] next = new double[3][3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 3; k++) {
                        next[i][j] += m[i][k] * transfer[k][j];
                    }
                }
            }
            transfer = next;
        }
        // the least-squares line of the train data has intercept 0.218 (slope 1.058): the biases learn part of it
        assertTrue(intercept > 0.05, "the biases moved the intercept to " + intercept);
    }

    /** LIMITS.md section 7, check 6: 1 thread and several give the same numbers, deep limit with adam. */
    @Test
    void sameNumbersForAnyThreadCount() {
        Experiment e = MuExperiments.deep(Activation.TANH, UpdateFunction.of(UpdateFunction.Kind.ADAM), 0.05, 3, 2, 0,
                300, 2, 8);
        Trajectory one = run(e, 1);
        Trajectory three = run(e, 3);
        for (int r = 0; r < 2; r++) {
            for (int k = 0; k < one.steps().length; k++) {
                assertArrayEquals(one.outputs()[r][k], three.outputs()[r][k], 0);
            }
        }
        for (int i = 0; i < one.features().size(); i++) {
            assertArrayEquals(one.features().get(i).perReplica()[1], three.features().get(i).perReplica()[1], 0);
        }
    }
}
