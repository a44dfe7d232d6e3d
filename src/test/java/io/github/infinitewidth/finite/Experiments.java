package io.github.infinitewidth.finite;

import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.SimulationSpec;
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

/** Small experiments shared by the finite-network tests: a 2-d regression task with 5 train and 2 test inputs. */
final class Experiments {
    private Experiments() {}

    static final Data REGRESSION = new Data(
            new Dataset(new double[][] {{1.0, 0.2}, {-0.5, 0.9}, {0.3, -1.2}, {-1.1, -0.4}, {0.8, 0.8}},
                    new double[] {0.6, -0.4, 0.3, -0.7, 0.5}),
            new Dataset(new double[][] {{0.1, 0.5}, {-0.6, -0.6}}, new double[] {0.2, -0.5}));

    static Experiment regression(Parametrization p, int layers, Activation phi, int width, UpdateFunction q,
                                 double learningRate, int steps, int replicas) {
        return new Experiment(
                new NetworkSpec(layers, phi, width, new InitStd(1.0, 1.3, 0.8)),
                p,
                new OptimizerSpec(q, learningRate, LayerMultipliers.DEFAULT),
                Loss.MSE,
                REGRESSION,
                TrainingSpec.fullBatch(steps),
                new SimulationSpec(1, replicas, 11, BackendChoice.CPU, Precision.FLOAT64, true));
    }

    /** Mean over inputs {@code [from, to)} of the MSE loss of one replica's outputs. */
    static double loss(double[] f, Data data, int from, int to) {
        double[] y = data.allTargets();
        double sum = 0;
        for (int j = from; j < to; j++) {
            sum += Loss.MSE.value(f[j], y[j]);
        }
        return sum / (to - from);
    }
}
