package io.github.infinitewidth.optim;

import io.github.infinitewidth.util.Check;
import io.github.infinitewidth.util.InvalidSpecException;

/**
 * The job's {@code optimizer} section: update function Q, global learning rate eta, multipliers,
 * the schedule that scales eta step by step (LIMITS.md 1.1) and the decoupled weight decay lambda
 * (LIMITS.md 1.2).
 */
public record OptimizerSpec(UpdateFunction update, double learningRate, LayerMultipliers multipliers,
                            Schedule schedule, double weightDecay) {
    public OptimizerSpec {
        Check.present("optimizer.type", update);
        Check.positive("optimizer.learningRate", learningRate);
        Check.present("optimizer.layerMultipliers", multipliers);
        Check.present("optimizer.schedule", schedule);
        Check.nonNegative("optimizer.weightDecay", weightDecay);
        // the schedule never raises the rate, so the first full-rate step decays the most; the bias
        // multiplier counts too (it is 1 unless a network with biases sets it)
        double mostDecay = learningRate * weightDecay * Math.max(Math.max(multipliers.input(), multipliers.bias()),
                Math.max(multipliers.hidden(), multipliers.output()));
        if (mostDecay >= 1) {
            throw new InvalidSpecException("optimizer.weightDecay", "times learningRate and the largest layer"
                    + " multiplier is " + mostDecay + ": it must be < 1 (a step keeps 1 minus that of the weights)");
        }
    }

    /** Without weight decay. */
    public OptimizerSpec(UpdateFunction update, double learningRate, LayerMultipliers multipliers, Schedule schedule) {
        this(update, learningRate, multipliers, schedule, 0.0);
    }

    /** Without a schedule or weight decay: every step uses {@code learningRate}. */
    public OptimizerSpec(UpdateFunction update, double learningRate, LayerMultipliers multipliers) {
        this(update, learningRate, multipliers, Schedule.CONSTANT);
    }

    /** Q of the given kind with default hyperparameters and multipliers. */
    public static OptimizerSpec of(UpdateFunction.Kind kind, double learningRate) {
        return new OptimizerSpec(UpdateFunction.of(kind), learningRate, LayerMultipliers.DEFAULT);
    }

    /** {@code eta_t}, the learning rate of step t (0-based) of a run of {@code steps} steps. */
    public double learningRate(int t, int steps) {
        return learningRate * schedule.factor(t, steps);
    }

    /**
     * What step t keeps of a tensor with learning-rate multiplier {@code multiplier} before adding its
     * update: {@code 1 - eta_t m lambda} (LIMITS.md 1.2); 1 without weight decay.
     */
    public double kept(int t, int steps, double multiplier) {
        return 1.0 - learningRate(t, steps) * multiplier * weightDecay;
    }

    /**
     * {@code c_t = prod_{s<t} kept(s)} for t = 0..steps: the factor the initial weights of such a tensor
     * carry at step t.
     */
    public double[] keptSinceStart(int steps, double multiplier) {
        double[] c = new double[steps + 1];
        c[0] = 1.0;
        for (int t = 0; t < steps; t++) {
            c[t + 1] = c[t] * kept(t, steps, multiplier);
        }
        return c;
    }
}
