package io.github.infinitewidth.job;

import io.github.infinitewidth.engine.Engine;
import io.github.infinitewidth.finite.FiniteEngine;
import io.github.infinitewidth.limit.maximalupdate.MaximalUpdateEngine;
import io.github.infinitewidth.limit.neuraltangent.NeuralTangentEngine;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The engines this version can run, by job-file name (JOB-SPEC.md {@code engine}): the one registry
 * the command line and the notebook API both take their engines from.
 */
public final class Engines {
    private static final Map<String, Supplier<Engine>> AVAILABLE = Map.of(
            "finite", FiniteEngine::new,
            "nt-limit", NeuralTangentEngine::new,
            "mu-limit", MaximalUpdateEngine::new);

    private Engines() {}

    /** The engine of a job whose {@code engine} field the parser has already checked. */
    public static Engine named(String name) {
        Supplier<Engine> engine = AVAILABLE.get(name);
        if (engine == null) {
            throw new IllegalStateException("the parser accepted engine " + name + " but none is registered");
        }
        return engine.get();
    }
}
