package io.github.infinitewidth.network;

import io.github.infinitewidth.util.Check;

/**
 * Init standard deviations {@code su, sw, sv} of LIMITS.md section 0 and {@code sb} of the biases
 * (section 8; job field {@code network.initStd}). {@code sb} may be 0 (biases that start at 0);
 * it is used only by networks with biases.
 */
public record InitStd(double input, double hidden, double output, double bias) {
    /** sb's default: 1, like the other standard deviations (LIMITS.md 8 says why). */
    public static final double DEFAULT_BIAS = 1.0;
    public static final InitStd DEFAULT = new InitStd(1.0, 1.0, 1.0);

    public InitStd {
        Check.positive("network.initStd.input", input);
        Check.positive("network.initStd.hidden", hidden);
        Check.positive("network.initStd.output", output);
        Check.nonNegative("network.initStd.bias", bias);
    }

    /** The standard deviations of a network, with the default {@code sb}. */
    public InitStd(double input, double hidden, double output) {
        this(input, hidden, output, DEFAULT_BIAS);
    }
}
