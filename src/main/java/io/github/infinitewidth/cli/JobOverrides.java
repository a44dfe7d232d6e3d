package io.github.infinitewidth.cli;

import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.job.Overrides;
import picocli.CommandLine.Option;

/** The options that override fields of a job file ({@code run}, {@code compare}; JOB-SPEC.md, "Command line"). */
final class JobOverrides {
    @Option(names = "--backend", paramLabel = "auto|cpu|cuda", converter = RunCommand.BackendConverter.class,
            description = "Overrides simulation.backend.")
    private BackendChoice backend;

    @Option(names = "--seed", paramLabel = "N", description = "Overrides simulation.seed.")
    private Long seed;

    @Option(names = "--particles", paramLabel = "N", description = "Overrides simulation.particles.")
    private Integer particles;

    @Option(names = "--replicas", paramLabel = "R", description = "Overrides simulation.replicas.")
    private Integer replicas;

    @Option(names = "--steps", paramLabel = "T", description = "Overrides training.steps.")
    private Integer steps;

    /** The fields given on the command line. */
    Overrides overrides() {
        return new Overrides(seed, particles, replicas, steps, backend);
    }
}
