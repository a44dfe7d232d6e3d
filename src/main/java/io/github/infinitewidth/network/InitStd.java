package io.github.infinitewidth.network;

import io.github.infinitewidth.util.Check;

/** Init standard deviations {@code su, sw, sv} of LIMITS.md section 0 (job field {@code network.initStd}). */
public record InitStd(double input, double hidden, double output) {
    public static final InitStd DEFAULT = new InitStd(1.0, 1.0, 1.0);

    public InitStd {
        Check.positive("network.initStd.input", input);
        Check.positive("network.initStd.hidden", hidden);
        Check.positive("network.initStd.output", output);
    }
}
