package io.github.infinitewidth.benchmarks;

import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.TrainingSpec;
import java.util.Locale;

/**
 * The training setup of the engine-step benchmarks, the same as {@code benchmarks/scaling.py}
 * uses: m train inputs {@code xi_i = (-1 + 2 i / (m - 1), 0.5)} with targets {@code 0.8 xi_i[0]},
 * tanh, MSE, full batch, learning rate 0.05, smoothsign epsilon 0.1, one replica.
 */
public final class Experiments {
    private Experiments() {}

    /**
     * @param width  the finite width n (finite engine), or 0 for a limit engine
     * @param steps  planned steps: they size the muP limit's stored hats
     */
    public static Experiment of(int depth, int particles, int width, int m, String optimizer, int steps,
                                Precision precision) {
        double[][] inputs = new double[m][];
        double[] targets = new double[m];
        for (int i = 0; i < m; i++) {
            inputs[i] = new double[] {-1 + 2.0 * i / Math.max(1, m - 1), 0.5};
            targets[i] = 0.8 * inputs[i][0];
        }
        UpdateFunction.Kind kind = UpdateFunction.Kind.valueOf(optimizer.toUpperCase(Locale.ROOT));
        UpdateFunction base = UpdateFunction.of(kind);
        UpdateFunction q = kind == UpdateFunction.Kind.SMOOTHSIGN
                ? new UpdateFunction(kind, 0.1, base.beta1(), base.beta2()) : base;
        NetworkSpec network = NetworkSpec.limit(depth, Activation.TANH);
        if (width > 0) {
            network = network.withWidth(width);
        }
        return new Experiment(network, width > 0 ? Parametrization.MUP : null,
                new OptimizerSpec(q, 0.05, LayerMultipliers.DEFAULT), Loss.MSE,
                new Data(new Dataset(inputs, targets), null), TrainingSpec.fullBatch(steps),
                new SimulationSpec(particles, 1, 1, BackendChoice.CPU, precision, true));
    }
}
