package io.github.infinitewidth.limit.neuraltangent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Engine;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.KernelSource;
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

/** NT-limit experiments shared by the tests: 4 train and 2 test inputs in 3 dimensions. */
final class NtExperiments {
    private NtExperiments() {}

    static final InitStd INIT = new InitStd(1.2, 1.4, 0.9);
    static final LayerMultipliers MULTIPLIERS = new LayerMultipliers(0.8, 1.0, 1.3);

    static final Data DATA = new Data(
            new Dataset(new double[][] {{1.0, 0.3, -0.2}, {-0.4, 0.9, 0.5}, {0.2, -1.1, 0.8}, {-0.9, -0.3, -0.6}},
                    new double[] {0.7, -0.5, 0.4, -0.8}),
            new Dataset(new double[][] {{0.5, 0.5, 0.5}, {-0.2, 0.7, -0.9}}, new double[] {0.3, -0.1}));

    /** The inputs of {@link #DATA} with two mse targets each. */
    static final Data TWO_TARGETS = new Data(
            Dataset.ofTargetVectors(DATA.train().inputs(), new double[][] {{0.7, 0.2}, {-0.5, 0.6}, {0.4, -0.9}, {-0.8, 0.1}}),
            Dataset.ofTargetVectors(DATA.test().inputs(), new double[][] {{0.3, -0.4}, {-0.1, 0.5}}));

    /** The inputs of {@link #DATA} with class labels 0..2. */
    static final Data THREE_CLASSES = new Data(new Dataset(DATA.train().inputs(), new double[] {0, 2, 1, 2}),
            new Dataset(DATA.test().inputs(), new double[] {1, 0}));

    /** The experiment with k outputs, {@code loss} and {@code data} (LIMITS.md 2.4), and {@code simulation}. */
    static Experiment withOutputs(Experiment e, int k, Loss loss, Data data, SimulationSpec simulation) {
        NetworkSpec n = e.network();
        return new Experiment(new NetworkSpec(n.hiddenLayers(), n.activation(), n.width(), n.initStd(), n.bias(), k),
                e.parametrization(), e.optimizer(), loss, data, e.training(), simulation);
    }

    static Experiment experiment(Activation phi, int layers, UpdateFunction q, double lr, int steps, int batchSize,
                                 int particles, int replicas, KernelSource kernels) {
        return new Experiment(new NetworkSpec(layers, phi, 0, INIT), null, new OptimizerSpec(q, lr, MULTIPLIERS),
                Loss.MSE, DATA, new TrainingSpec(steps, batchSize, false, 1),
                new SimulationSpec(particles, replicas, 5, BackendChoice.CPU, Precision.FLOAT64, true, kernels));
    }

    /** The experiment with biases of std {@code sb} and learning-rate multiplier {@code mb} (LIMITS.md 8). */
    static Experiment withBias(Experiment e, double sb, double mb) {
        InitStd std = e.network().initStd();
        LayerMultipliers m = e.optimizer().multipliers();
        OptimizerSpec o = e.optimizer();
        return new Experiment(new NetworkSpec(e.network().hiddenLayers(), e.network().activation(), e.network().width(),
                new InitStd(std.input(), std.hidden(), std.output(), sb), true), e.parametrization(),
                new OptimizerSpec(o.update(), o.learningRate(), new LayerMultipliers(m.input(), m.hidden(), m.output(), mb),
                        o.schedule(), o.weightDecay()), e.loss(), e.data(), e.training(), e.simulation());
    }

    /** The mean over replicas (or seeds) of the outputs after the last step, with standard errors. */
    static Estimate[] finalOutputs(Engine engine, Experiment e) {
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            Trajectory t = engine.run(e, backend, StepListener.NONE);
            assertEquals(Trajectory.Status.COMPLETED, t.status());
            double[][] last = new double[t.replicas()][];
            for (int r = 0; r < t.replicas(); r++) {
                last[r] = t.outputs()[r][t.steps().length - 1];
            }
            assertTrue(last.length > 1);
            return Estimate.ofReplicas(last);
        }
    }
}
