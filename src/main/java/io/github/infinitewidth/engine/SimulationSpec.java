package io.github.infinitewidth.engine;

import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.util.Check;

/**
 * The job's {@code simulation} section: N particles per replica (limit engines), R replicas
 * (limit engines) or seeds (finite engine), base seed, backend, storage precision,
 * {@code centerOutput} (nt-limit and NTP networks: train {@code f - f_0}, LIMITS.md 2.2) and
 * {@code kernels} (nt-limit: Monte Carlo or closed-form covariances) and {@code memoryLimitMiB}
 * (the most backend memory a run may plan to use; 0 = whatever the backend has free) and
 * {@code checkpointEvery} (save a checkpoint every k steps of each replica; 0 = never).
 */
public record SimulationSpec(int particles, int replicas, long seed, BackendChoice backend,
                             Precision precision, boolean centerOutput, KernelSource kernels, long memoryLimitMiB,
                             int checkpointEvery) {
    public SimulationSpec {
        Check.positive("simulation.particles", particles);
        Check.positive("simulation.replicas", replicas);
        Check.present("simulation.backend", backend);
        Check.present("simulation.precision", precision);
        Check.present("simulation.kernels", kernels);
        if (memoryLimitMiB < 0) {
            throw new io.github.infinitewidth.util.InvalidSpecException("simulation.memoryLimitMiB",
                    "must be >= 0 (0 = no limit), got " + memoryLimitMiB);
        }
        Check.nonNegative("simulation.checkpointEvery", checkpointEvery);
    }

    /** A simulation without checkpoints. */
    public SimulationSpec(int particles, int replicas, long seed, BackendChoice backend, Precision precision,
                          boolean centerOutput, KernelSource kernels, long memoryLimitMiB) {
        this(particles, replicas, seed, backend, precision, centerOutput, kernels, memoryLimitMiB, 0);
    }

    /** This simulation with another {@code checkpointEvery}. */
    public SimulationSpec withCheckpointEvery(int every) {
        return new SimulationSpec(particles, replicas, seed, backend, precision, centerOutput, kernels, memoryLimitMiB,
                every);
    }

    /** A simulation without a memory limit of its own. */
    public SimulationSpec(int particles, int replicas, long seed, BackendChoice backend, Precision precision,
                          boolean centerOutput, KernelSource kernels) {
        this(particles, replicas, seed, backend, precision, centerOutput, kernels, 0);
    }

    /** A simulation with Monte Carlo kernels. */
    public SimulationSpec(int particles, int replicas, long seed, BackendChoice backend, Precision precision,
                          boolean centerOutput) {
        this(particles, replicas, seed, backend, precision, centerOutput, KernelSource.MONTE_CARLO, 0);
    }

    /** The defaults of JOB-SPEC.md: 4096 particles, 4 replicas, seed 1, auto, float64, centered, Monte Carlo kernels. */
    public static SimulationSpec defaults() {
        return new SimulationSpec(4096, 4, 1, BackendChoice.AUTO, Precision.FLOAT64, true);
    }
}
