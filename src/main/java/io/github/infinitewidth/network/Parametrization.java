package io.github.infinitewidth.network;

import java.util.Locale;

/** Parametrizations of finite networks (LIMITS.md sections 2.1 to 2.3). */
public enum Parametrization {
    /** Maximal update parametrization: what the mu-limit engine describes. */
    MUP,
    /** Neural tangent parametrization: what the nt-limit engine describes. */
    NTP,
    /** Standard parametrization of common frameworks: no sensible limit, for comparison. */
    SP;

    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a job-file spelling; null when unknown. */
    public static Parametrization parse(String spelling) {
        for (Parametrization p : values()) {
            if (p.spelling().equals(spelling)) {
                return p;
            }
        }
        return null;
    }
}
