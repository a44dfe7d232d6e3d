package io.github.infinitewidth.engine;

import java.util.Locale;

/**
 * The job field {@code simulation.kernels} (nt-limit): where the covariances of the NT-limit
 * kets come from. {@code monte-carlo} (default) estimates each layer's covariance from the
 * particles of the layer below, as LIMITS.md section 3 describes; {@code closed-form} uses the
 * exact NNGP and NTK recursions, available for identity, relu and erf.
 */
public enum KernelSource {
    MONTE_CARLO, CLOSED_FORM;

    /** The job-file spelling: {@code monte-carlo} or {@code closed-form}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a job-file spelling; null when unknown. */
    public static KernelSource parse(String spelling) {
        for (KernelSource k : values()) {
            if (k.spelling().equals(spelling)) {
                return k;
            }
        }
        return null;
    }
}
