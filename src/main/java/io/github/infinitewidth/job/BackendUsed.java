package io.github.infinitewidth.job;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Precision;

/**
 * What {@code summary.json} says about the backend a run used: its name, which GEMM ran and the
 * precision. Taken while the backend is open, so that outputs can be written after it is closed
 * (the notebook API saves a result whenever asked).
 */
public record BackendUsed(String name, String gemm, Precision precision) {

    public static BackendUsed of(Backend backend) {
        return new BackendUsed(backend.name(), backend.gemmImplementation(), backend.precision());
    }
}
