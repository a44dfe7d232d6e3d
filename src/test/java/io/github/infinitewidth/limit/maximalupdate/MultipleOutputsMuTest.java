package io.github.infinitewidth.limit.maximalupdate;

import io.github.infinitewidth.engine.MemoryCheckpoints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.MemoryPlan;
import io.github.infinitewidth.engine.RunStopped;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.train.BatchSchedule;
import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.api.Test;

/**
 * The muP limit with k outputs (LIMITS.md 2.4) on the 3-hidden-layer set-up of {@link MuExperiments}
 * (4 train inputs, 1 test input, minibatches of 2). One output is covered by every other test of this
 * package, unchanged.
 */
class MultipleOutputsMuTest {
    private static final UpdateFunction ADAM = new UpdateFunction(UpdateFunction.Kind.ADAM, 1e-8, 0.9, 0.999);
    private static final double[] Y = MuExperiments.DATA.allTargets();

    /** One backward ket per batch input whatever k: after T steps with batches of B both families have rank T B. */
    @Test
    void hatFamiliesStillGrowByTheBatchPerStep() {
        Experiment e = MuExperiments.withOutputs(MuExperiments.deep(Activation.TANH, ADAM, 0.05, 5, 2, 0, 1024, 1, 3),
                3, Loss.CROSS_ENTROPY, MuExperiments.CLASSES);
        try (Backend backend = Backends.cpu(Precision.FLOAT64);
             MaximalUpdateReplica replica = new MaximalUpdateReplica(e, backend, new RandomKey(3, 0), true,
                     (int) MaximalUpdateEngine.trainingRank(e) + e.data().size())) {
            BatchSchedule schedule = new BatchSchedule(e.training(), e.data().train().size(), 3);
            int[] everyInput = {0, 1, 2, 3, 4};
            for (int t = 0; t < 5; t++) {
                int[] batch = schedule.batch(t);
                double[] f = replica.forward(batch, t % 2 == 0 ? everyInput : new int[0], t);
                assertEquals(5 * 3, f.length);
                replica.train(e.objective().errorSignal(f, batch), batch, t);
            }
            assertArrayEquals(new int[] {10, 10}, replica.ranks(2));
            assertArrayEquals(new int[] {10, 10}, replica.ranks(3));
        }
    }

    /**
     * The memory plan counts v, its gradient and its optimizer state as N x k: adam (2 state matrices)
     * with 3 outputs needs {@code N (3 - 1) (1 + 2 + 1)} more float64 entries in the ensemble than with one,
     * and the recorded outputs grow by {@code R T m (3 - 1)} doubles (T = 6 recorded steps).
     */
    @Test
    void theMemoryPlanCountsTheOutputs() {
        Experiment one = MuExperiments.deep(Activation.TANH, ADAM, 0.05, 5, 2, 0, 1024, 4, 3);
        Experiment three = MuExperiments.withOutputs(one, 3, Loss.CROSS_ENTROPY, MuExperiments.CLASSES);
        MemoryPlan a = new MaximalUpdateEngine().memoryPlan(one, Precision.FLOAT64);
        MemoryPlan b = new MaximalUpdateEngine().memoryPlan(three, Precision.FLOAT64);
        assertEquals(1024L * 2 * 4 * Double.BYTES, b.parts().get("ensemble") - a.parts().get("ensemble"));
        assertEquals(a.parts().get("pair matrices"), b.parts().get("pair matrices"));
        assertEquals(4L * 6 * 5 * 2 * Double.BYTES, b.parts().get("recorded outputs") - a.parts().get("recorded outputs"));
    }

    /**
     * LIMITS.md 2.4 with the shallow recursion of section 4: identity activation, d = 1, sgd, two outputs
     * with unrelated targets. The particle {@code p = (u, v_1, v_2)} evolves linearly, {@code p_t = T_t p_0}
     * with {@code T_{t+1} = M_t T_t},
     * <pre>
     * M_t = [[1, -eta mu c_1, -eta mu c_2], [-eta mv c_1, 1, 0], [-eta mv c_2, 0, 1]],  c_c = sum_j chi_{tj,c} xi_j
     * </pre>
     * (u moves along {@code dx = sum_c chi_c v_c}, each v_c along {@code chi_c x = chi_c u xi}), so with
     * {@code S_t = T_t diag(su^2, sv^2, sv^2) T_t^T} the outputs are {@code f_{t,c}(xi) = S_t[v_c, u] xi}.
     * Every recorded output within 5 standard errors (16 replicas of 8192 particles): Student t with 15
     * degrees of freedom, {@code P(|t| > 5) = 1.6e-4}; the outputs are proportional to xi and correlated over
     * steps, about 2 independent comparisons per step (20), so a correct engine fails below 0.4%.
     */
    @Test
    void shallowIdentityNetworkWithTwoOutputsFollowsTheLinearRecursion() {
        int steps = 10;
        double lr = 0.15;
        double[] xi = {1.0, -0.5, 2.0, 0.7};
        double[][] y = {{1.5, -0.8}, {-0.4, 0.3}, {2.2, -1.0}, {0.0, 0.0}};
        InitStd init = new InitStd(1.3, 1.0, 0.7);
        LayerMultipliers mult = new LayerMultipliers(0.9, 1.0, 1.2);
        Data line = new Data(Dataset.ofTargetVectors(new double[][] {{xi[0]}, {xi[1]}, {xi[2]}}, new double[][] {y[0],
            y[1], y[2]}), Dataset.ofTargetVectors(new double[][] {{xi[3]}}, new double[][] {y[3]}));
        Experiment e = new Experiment(new NetworkSpec(1, Activation.IDENTITY, 0, init, false, 2), null,
                new OptimizerSpec(UpdateFunction.of(UpdateFunction.Kind.SGD), lr, mult), Loss.MSE, line,
                TrainingSpec.fullBatch(steps), new SimulationSpec(8192, 16, 3, BackendChoice.CPU, Precision.FLOAT64, true));
        Trajectory t = MuExperiments.completed(new MaximalUpdateEngine(), e);
        double[][] transfer = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        double[] variances = {init.input() * init.input(), init.output() * init.output(), init.output() * init.output()};
        double[] slope = new double[2];
        for (int step = 0; step <= steps; step++) {
            for (int c = 0; c < 2; c++) {
                slope[c] = 0;
                for (int k = 0; k < 3; k++) {
                    slope[c] += transfer[1 + c][k] * variances[k] * transfer[0][k];
                }
            }
            Estimate[] est = Estimate.ofReplicas(MuExperiments.outputsAt(t, step));
            for (int i = 0; i < 4; i++) {
                for (int c = 0; c < 2; c++) {
                    assertEquals(slope[c] * xi[i], est[i * 2 + c].mean(), 5 * est[i * 2 + c].stderr() + 1e-12,
                            "step " + step + ", input " + i + ", output " + c);
                }
            }
            double[] drive = new double[2];
            for (int j = 0; j < 3; j++) {
                for (int c = 0; c < 2; c++) {
                    drive[c] += (slope[c] * xi[j] - y[j][c]) / 3 * xi[j];
                }
            }
            double[][] m = {{1, -lr * mult.input() * drive[0], -lr * mult.input() * drive[1]},
                {-lr * mult.output() * drive[0], 1, 0}, {-lr * mult.output() * drive[1], 0, 1}};
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
        // least-squares slopes of the train data: 6.1 / 5.25 = 1.162 and -2.95 / 5.25 = -0.562, from 0
        assertTrue(slope[0] > 0.5 * 1.162 && slope[1] < 0.5 * -0.562, "training moved the slopes to "
                + java.util.Arrays.toString(slope));
    }

    /**
     * Targets {@code (a_1 y, a_2 y)} with sgd: rotating the iid output columns {@code (v_1, v_2)} (a law
     * the init keeps) so that the first points along {@code a} leaves the backward kets
     * {@code sum_c chi_c v_c} and sgd's updates unchanged; the rotated second output has target 0 and
     * stays 0 in the limit (its sign flip is a symmetry), so the first is the one-output limit with target
     * {@code |a| y}: {@code f_c = (a_c / |a|) f^{(1)}}. {@code a = (0.6, -1)}, so the backward seed's scale is
     * the second output's and the directions have both signs. Independent seeds; both components of the 5
     * outputs after 6 steps (10 comparisons) must agree within 4 combined standard errors: Welch t with
     * about 30 degrees of freedom, {@code P(|t| > 4) = 4e-4}, so a correct engine fails with probability
     * 0.4%. The finite-N feedback of the rotated second output shifts the means by O(1/N), far below the
     * standard errors here.
     */
    @Test
    void proportionalTargetsGiveTheOneOutputLimitAlongThem() {
        double[] a = {0.6, -1.0};
        double norm = Math.hypot(a[0], a[1]);
        double[][] targets = new double[Y.length][];
        double[] scaled = new double[Y.length];
        for (int j = 0; j < Y.length; j++) {
            targets[j] = new double[] {a[0] * Y[j], a[1] * Y[j]};
            scaled[j] = norm * Y[j];
        }
        UpdateFunction sgd = UpdateFunction.of(UpdateFunction.Kind.SGD);
        Experiment two = MuExperiments.withOutputs(MuExperiments.deep(Activation.TANH, sgd, 0.5, 6, 2, 0, 1024, 16, 21),
                2, Loss.MSE, MuExperiments.withTargets(targets));
        Experiment one = MuExperiments.withOutputs(MuExperiments.deep(Activation.TANH, sgd, 0.5, 6, 2, 0, 1024, 16, 22),
                1, Loss.MSE, MuExperiments.withTargets(column(scaled)));
        Estimate[] f2 = Estimate.ofReplicas(MuExperiments.finalOutputs(new MaximalUpdateEngine(), two));
        Estimate[] f1 = Estimate.ofReplicas(MuExperiments.finalOutputs(new MaximalUpdateEngine(), one));
        double worst = 0;
        for (int j = 0; j < f1.length; j++) {
            for (int c = 0; c < 2; c++) {
                double factor = a[c] / norm;
                Estimate rotated = f2[j * 2 + c];
                double se = Math.hypot(rotated.stderr(), Math.abs(factor) * f1[j].stderr());
                double gap = Math.abs(rotated.mean() - factor * f1[j].mean()) / se;
                worst = Math.max(worst, gap);
                assertTrue(gap < 4, "input " + j + ", output " + c + ": " + rotated.mean() + " vs "
                        + factor * f1[j].mean() + ", " + gap + " standard errors apart");
            }
            assertTrue(Math.abs(f1[j].mean()) > 10 * f1[j].stderr(), "input " + j + " must have learned: " + f1[j]);
        }
        System.out.printf("k = 2 along (0.6, -1) against one output: largest gap %.2f standard errors%n", worst);
    }

    /**
     * Equal targets for both outputs with adam, biases and weight decay: swapping the output columns
     * {@code v_1, v_2} (and their optimizer state) maps the particle system to itself in law at every N,
     * so {@code E[f_1 - f_2] = 0} exactly. Per replica the difference of the two outputs; its mean over 16
     * replicas must be within 4 standard errors of 0 at each of the 5 inputs after 6 steps: t with 15
     * degrees of freedom, {@code P(|t| > 4) = 1.2e-3}, 0.6% for the 5. The outputs must have moved far from
     * 0, so that the comparison is not one of two untrained outputs.
     */
    @Test
    void equalTargetsGiveExchangeableOutputs() {
        double[][] targets = new double[Y.length][];
        for (int j = 0; j < Y.length; j++) {
            targets[j] = new double[] {Y[j], Y[j]};
        }
        OptimizerSpec adamW = new OptimizerSpec(ADAM, 0.05, LayerMultipliers.DEFAULT,
                new Schedule(Schedule.Type.COSINE, 2, Schedule.REST_OF_RUN, 0.1, 0, 1.0), 0.5);
        Experiment e = MuExperiments.withBias(MuExperiments.withOutputs(MuExperiments.deep(Activation.RELU, adamW,
                new TrainingSpec(6, 2, true, 1), 0, 1024, 16, 5), 2, Loss.MSE, MuExperiments.withTargets(targets)));
        double[][] f = MuExperiments.finalOutputs(new MaximalUpdateEngine(), e);
        double worst = 0;
        for (int j = 0; j < Y.length; j++) {
            double[] difference = new double[f.length];
            double[] first = new double[f.length];
            for (int r = 0; r < f.length; r++) {
                difference[r] = f[r][j * 2] - f[r][j * 2 + 1];
                first[r] = f[r][j * 2];
            }
            Estimate d = Estimate.ofReplicas(difference);
            Estimate f1 = Estimate.ofReplicas(first);
            worst = Math.max(worst, Math.abs(d.mean()) / d.stderr());
            assertEquals(0, d.mean(), 4 * d.stderr(), "input " + j + ": f_1 - f_2");
            assertTrue(Math.abs(f1.mean()) > 10 * f1.stderr(), "input " + j + " must have learned: " + f1);
        }
        System.out.printf("k = 2 with equal targets: largest |f_1 - f_2| %.2f standard errors%n", worst);
    }

    /**
     * A k = 3 cross-entropy run with adam (pair matrices), biases and checkpoints after every update,
     * stopped after its fifth save and resumed from it, records the same outputs and feature kernels, bit
     * for bit, as the run without a stop; the checkpoint holds {@code mu/v} and its state as N x 3.
     */
    @Test
    void aResumedRunOfThreeOutputsIsTheUninterruptedOne() {
        Experiment e = MuExperiments.withBias(MuExperiments.withOutputs(MuExperiments.deep(Activation.TANH, ADAM, 0.05,
                4, 2, 0, 256, 2, 9), 3, Loss.CROSS_ENTROPY, MuExperiments.CLASSES));
        e = new Experiment(e.network(), e.parametrization(), e.optimizer(), e.loss(), e.data(), e.training(),
                e.simulation().withCheckpointEvery(1));
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            Trajectory whole = new MaximalUpdateEngine().run(e, backend, StepListener.NONE);
            MemoryCheckpoints store = new MemoryCheckpoints(backend, null, 5);
            Experiment stopped = e;
            RunStopped stop = assertThrows(RunStopped.class,
                    () -> new MaximalUpdateEngine().run(stopped, backend, StepListener.NONE, store));
            assertArrayEquals(new int[] {1, 1}, new int[] {stop.replica(), stop.step()});
            assertArrayEquals(new int[] {256, 3}, store.last().shape("mu/v"));
            assertArrayEquals(new int[] {256, 3}, store.last().shape("mu/state/v/1"));
            Trajectory resumed = new MaximalUpdateEngine().run(e, backend, StepListener.NONE,
                    new MemoryCheckpoints(backend, store.last(), -1));
            assertEquals(Trajectory.Status.COMPLETED, resumed.status());
            assertEquals(3, resumed.components());
            assertArrayEquals(whole.steps(), resumed.steps());
            for (int r = 0; r < 2; r++) {
                for (int k = 0; k < whole.steps().length; k++) {
                    assertEquals(5 * 3, whole.outputs()[r][k].length);
                    assertArrayEquals(whole.outputs()[r][k], resumed.outputs()[r][k], "replica " + r + ", step " + k);
                }
            }
            assertEquals(whole.features().size(), resumed.features().size());
            for (int i = 0; i < whole.features().size(); i++) {
                for (int r = 0; r < 2; r++) {
                    assertArrayEquals(whole.features().get(i).perReplica()[r], resumed.features().get(i).perReplica()[r]);
                }
            }
        }
    }

    private static double[][] column(double[] values) {
        double[][] rows = new double[values.length][];
        for (int j = 0; j < values.length; j++) {
            rows[j] = new double[] {values[j]};
        }
        return rows;
    }
}
