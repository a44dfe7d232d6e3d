package io.github.infinitewidth.limit.maximalupdate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Engine;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.TrainingSpec;

/** Maximal-update experiments shared by the tests: 4 train inputs and 1 test input in 2 dimensions. */
final class MuExperiments {
    private MuExperiments() {}

    static final InitStd INIT = new InitStd(1.0, 1.5, 1.0);

    static final Data DATA = new Data(
            new Dataset(new double[][] {{1.0, 0.4}, {-0.6, 0.9}, {0.3, -1.2}, {-1.0, -0.5}},
                    new double[] {0.8, -0.6, 0.5, -0.7}),
            new Dataset(new double[][] {{0.6, 0.6}}, new double[] {0.4}));

    /** Class labels 0..2 of the same inputs, for cross-entropy with 3 outputs. */
    static final Data CLASSES = new Data(
            new Dataset(new double[][] {{1.0, 0.4}, {-0.6, 0.9}, {0.3, -1.2}, {-1.0, -0.5}},
                    new double[] {0, 2, 1, 2}),
            new Dataset(new double[][] {{0.6, 0.6}}, new double[] {0}));

    /** The inputs of {@link #DATA} with target vectors, one per input (train then test). */
    static Data withTargets(double[][] targets) {
        int train = DATA.train().size();
        return new Data(Dataset.ofTargetVectors(DATA.train().inputs(), java.util.Arrays.copyOf(targets, train)),
                Dataset.ofTargetVectors(DATA.test().inputs(), java.util.Arrays.copyOfRange(targets, train,
                        targets.length)));
    }

    /** {@code e} with k outputs, the given loss and data. */
    static Experiment withOutputs(Experiment e, int k, Loss loss, Data data) {
        NetworkSpec n = e.network();
        return new Experiment(new NetworkSpec(n.hiddenLayers(), n.activation(), n.width(), n.initStd(), n.bias(), k),
                e.parametrization(), e.optimizer(), loss, data, e.training(), e.simulation());
    }

    /** {@code e} with biases of init std 0.8 (LIMITS.md section 8). */
    static Experiment withBias(Experiment e) {
        InitStd std = e.network().initStd();
        NetworkSpec n = e.network();
        return new Experiment(new NetworkSpec(n.hiddenLayers(), n.activation(), n.width(),
                new InitStd(std.input(), std.hidden(), std.output(), 0.8), true, n.outputs()), e.parametrization(),
                e.optimizer(), e.loss(), e.data(), e.training(), e.simulation());
    }

    /** The deep limit or (with {@code width > 0}) finite muP networks of the same setup. */
    static Experiment deep(Activation phi, UpdateFunction q, double lr, int steps, int batch, int width,
                           int particles, int replicas, long seed) {
        return deep(phi, q, lr, new TrainingSpec(steps, batch, true, 1), width, particles, replicas, seed);
    }

    /** As above with the given training schedule. */
    static Experiment deep(Activation phi, UpdateFunction q, double lr, TrainingSpec training, int width,
                           int particles, int replicas, long seed) {
        return deep(phi, new OptimizerSpec(q, lr, LayerMultipliers.DEFAULT), training, width, particles, replicas,
                seed);
    }

    /** As above with the given optimizer (a learning-rate schedule, say). */
    static Experiment deep(Activation phi, OptimizerSpec optimizer, TrainingSpec training, int width,
                           int particles, int replicas, long seed) {
        return new Experiment(new NetworkSpec(3, phi, width, INIT), width > 0 ? Parametrization.MUP : null,
                optimizer, Loss.MSE, DATA, training,
                new SimulationSpec(particles, replicas, seed, BackendChoice.CPU, Precision.FLOAT64, true));
    }

    /** Runs {@code e} on a float64 CPU backend and checks that it completed. */
    static Trajectory completed(Engine engine, Experiment e) {
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            Trajectory t = engine.run(e, backend, StepListener.NONE);
            assertEquals(Trajectory.Status.COMPLETED, t.status());
            return t;
        }
    }

    /** The outputs after the last step, per replica (limits) or seed (finite networks). */
    static double[][] finalOutputs(Engine engine, Experiment e) {
        Trajectory t = completed(engine, e);
        return outputsAt(t, t.steps().length - 1);
    }

    /** Root mean square over seeds and inputs of {@code f_seed - E[f_limit]}. */
    static double rmsDistance(double[][] perSeed, Estimate[] reference) {
        double sum = 0;
        for (double[] f : perSeed) {
            for (int i = 0; i < f.length; i++) {
                sum += (f[i] - reference[i].mean()) * (f[i] - reference[i].mean());
            }
        }
        return Math.sqrt(sum / (perSeed.length * perSeed[0].length));
    }

    /** The outputs at the k-th recorded step, per replica (limits) or seed (finite networks). */
    static double[][] outputsAt(Trajectory t, int k) {
        double[][] out = new double[t.replicas()][];
        for (int r = 0; r < t.replicas(); r++) {
            out[r] = t.outputs()[r][k];
        }
        return out;
    }
}
