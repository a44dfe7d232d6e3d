package io.github.infinitewidth.engine;

import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.util.Check;

/**
 * The job's {@code simulation} section: N particles per replica (limit engines), R replicas
 * (limit engines) or seeds (finite engine), base seed, backend, storage precision,
 * {@code centerOutput} (nt-limit and NTP networks: train {@code f - f_0}, LIMITS.md 2.2) and
 * {@code kernels} (nt-limit: Monte Carlo or closed-form covariances) and {@code memoryLimitMiB}
 * (the most backend memory a run may plan to use; 0 = whatever the backend has free),
 * {@code checkpointEvery} (save a checkpoint every k steps of each replica; 0 = never),
 * {@code checkpointMinutes} (save one whenever this much wall time has passed since the last; 0 = never) and
 * {@code pairPrecision} (mu-limit: how its N x N pair matrices are stored; the arithmetic and every
 * expectation stay float64, LIMITS.md section 5).
 *
 * <p>{@code replicaRange} is not a job field: it is the part of the run this process does
 * ({@code run --replica-range}), null for all replicas. It changes which replicas run, never their
 * numbers, so the resolved job leaves it out.
 */
public record SimulationSpec(int particles, int replicas, long seed, BackendChoice backend,
                             Precision precision, boolean centerOutput, KernelSource kernels, long memoryLimitMiB,
                             int checkpointEvery, Precision pairPrecision, double checkpointMinutes,
                             ReplicaRange replicaRange) {
    /** {@code simulation.checkpointMinutes} when the job does not say: a checkpoint every 10 minutes. */
    public static final double DEFAULT_CHECKPOINT_MINUTES = 10;

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
        Check.present("simulation.pairPrecision", pairPrecision);
        Check.finite("simulation.checkpointMinutes", checkpointMinutes);
        Check.nonNegative("simulation.checkpointMinutes", checkpointMinutes);
        if (replicaRange != null) {
            replicaRange.requireWithin(replicas);
        }
    }

    /** A simulation of all its replicas, with pair matrices stored in {@code pairPrecision}. */
    public SimulationSpec(int particles, int replicas, long seed, BackendChoice backend, Precision precision,
                          boolean centerOutput, KernelSource kernels, long memoryLimitMiB, int checkpointEvery,
                          Precision pairPrecision) {
        this(particles, replicas, seed, backend, precision, centerOutput, kernels, memoryLimitMiB, checkpointEvery,
                pairPrecision, DEFAULT_CHECKPOINT_MINUTES, null);
    }

    /** A simulation of all its replicas, pair matrices stored like everything else. */
    public SimulationSpec(int particles, int replicas, long seed, BackendChoice backend, Precision precision,
                          boolean centerOutput, KernelSource kernels, long memoryLimitMiB, int checkpointEvery) {
        this(particles, replicas, seed, backend, precision, centerOutput, kernels, memoryLimitMiB, checkpointEvery,
                precision);
    }

    /** This simulation running only the replicas of {@code range} (null: all of them). */
    public SimulationSpec withReplicaRange(ReplicaRange range) {
        return new SimulationSpec(particles, replicas, seed, backend, precision, centerOutput, kernels, memoryLimitMiB,
                checkpointEvery, pairPrecision, checkpointMinutes, range);
    }

    /** This simulation with its pair matrices stored in {@code storage}. */
    public SimulationSpec withPairPrecision(Precision storage) {
        return new SimulationSpec(particles, replicas, seed, backend, precision, centerOutput, kernels, memoryLimitMiB,
                checkpointEvery, storage, checkpointMinutes, replicaRange);
    }

    /** The first replica this process runs: 0 unless a replica range says otherwise. */
    public int firstReplica() {
        return replicaRange == null ? 0 : replicaRange.first();
    }

    /** One past the last replica this process runs: {@code replicas} unless a replica range says otherwise. */
    public int endReplica() {
        return replicaRange == null ? replicas : replicaRange.end();
    }

    /** True when this process runs only some of the replicas (a partial run). */
    public boolean partial() {
        return replicaRange != null && !replicaRange.coversAll(replicas);
    }

    /** A simulation without checkpoints. */
    public SimulationSpec(int particles, int replicas, long seed, BackendChoice backend, Precision precision,
                          boolean centerOutput, KernelSource kernels, long memoryLimitMiB) {
        this(particles, replicas, seed, backend, precision, centerOutput, kernels, memoryLimitMiB, 0);
    }

    /** This simulation with another {@code checkpointEvery}. */
    public SimulationSpec withCheckpointEvery(int every) {
        return new SimulationSpec(particles, replicas, seed, backend, precision, centerOutput, kernels, memoryLimitMiB,
                every, pairPrecision, checkpointMinutes, replicaRange);
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
