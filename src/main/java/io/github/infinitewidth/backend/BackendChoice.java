package io.github.infinitewidth.backend;

import java.util.Locale;

/** The {@code simulation.backend} job field: which backend a run asks for. */
public enum BackendChoice {
    AUTO, CPU, CUDA;

    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a job-file spelling; null when unknown. */
    public static BackendChoice parse(String spelling) {
        for (BackendChoice c : values()) {
            if (c.spelling().equals(spelling)) {
                return c;
            }
        }
        return null;
    }
}
