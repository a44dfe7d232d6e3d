package io.github.infinitewidth.optim;

import io.github.infinitewidth.util.Check;

/** The job's {@code optimizer} section: update function Q, global learning rate eta, multipliers. */
public record OptimizerSpec(UpdateFunction update, double learningRate, LayerMultipliers multipliers) {
    public OptimizerSpec {
        Check.present("optimizer.type", update);
        Check.positive("optimizer.learningRate", learningRate);
        Check.present("optimizer.layerMultipliers", multipliers);
    }

    /** Q of the given kind with default hyperparameters and multipliers. */
    public static OptimizerSpec of(UpdateFunction.Kind kind, double learningRate) {
        return new OptimizerSpec(UpdateFunction.of(kind), learningRate, LayerMultipliers.DEFAULT);
    }
}
