package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;

/**
 * {@code C^tau_t = prod_{s<t} kappa^tau_s} for the four kinds of tensor tau (input weights u, hidden
 * weights W, output weights v, biases b) and t = 0..T: the factor the initial weights of tau carry at
 * step t under decoupled weight decay (LIMITS.md 1.2). Every hidden matrix shares {@code mW} and every
 * bias {@code mb}, so one sequence serves each kind.
 */
record DecayFactors(double[] input, double[] hidden, double[] output, double[] bias) {

    static DecayFactors of(OptimizerSpec o, int steps) {
        LayerMultipliers m = o.multipliers();
        return new DecayFactors(o.keptSinceStart(steps, m.input()), o.keptSinceStart(steps, m.hidden()),
                o.keptSinceStart(steps, m.output()), o.keptSinceStart(steps, m.bias()));
    }

    double input(int t) {
        return input[t];
    }

    double hidden(int t) {
        return hidden[t];
    }

    double output(int t) {
        return output[t];
    }

    double bias(int t) {
        return bias[t];
    }
}
