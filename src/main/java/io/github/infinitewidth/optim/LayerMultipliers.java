package io.github.infinitewidth.optim;

import io.github.infinitewidth.util.Check;

/**
 * Per-layer learning-rate multipliers {@code mu, mW, mv} of LIMITS.md section 0 (job field
 * {@code optimizer.layerMultipliers}). Zero freezes a layer.
 */
public record LayerMultipliers(double input, double hidden, double output) {
    public static final LayerMultipliers DEFAULT = new LayerMultipliers(1.0, 1.0, 1.0);

    public LayerMultipliers {
        Check.nonNegative("optimizer.layerMultipliers.input", input);
        Check.nonNegative("optimizer.layerMultipliers.hidden", hidden);
        Check.nonNegative("optimizer.layerMultipliers.output", output);
    }
}
