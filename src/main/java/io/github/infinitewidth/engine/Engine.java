package io.github.infinitewidth.engine;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Precision;

/**
 * An engine simulates an {@link Experiment} and returns its recorded {@link Trajectory}:
 * the finite-width reference networks, the neural tangent limit or the maximal update limit.
 * Engines never import the job or command-line packages.
 */
public interface Engine {

    /** The job-file spelling: {@code finite}, {@code nt-limit} or {@code mu-limit}. */
    String name();

    /**
     * Engine-specific checks that must pass before anything is written (for example
     * {@code network.width} is required by the finite engine), and the memory the run needs
     * against what the backend has free.
     *
     * @throws io.github.infinitewidth.util.InvalidSpecException naming the field and the problem
     */
    void validate(Experiment experiment, Backend backend);

    /** The backend memory a run of {@code experiment} needs at its peak, by part. */
    MemoryPlan memoryPlan(Experiment experiment, Precision precision);

    /**
     * The plan on {@code backend}: {@link #memoryPlan(Experiment, Precision)} in its precision, plus
     * the scratch its kernels need beyond their operands (what {@link #validate} checks and a run
     * prints).
     */
    default MemoryPlan memoryPlan(Experiment experiment, Backend backend) {
        return memoryPlan(experiment, backend.precision());
    }

    /**
     * Runs all replicas without checkpoints. A run whose outputs or kets become non-finite stops
     * at that step and returns what was recorded with status {@link Trajectory.Status#DIVERGED}.
     */
    default Trajectory run(Experiment experiment, Backend backend, StepListener listener) {
        return run(experiment, backend, listener, Checkpoints.NONE);
    }

    /**
     * Runs all replicas, saving a checkpoint every {@code simulation.checkpointEvery} steps into
     * {@code checkpoints}, and continuing from the one it offers, if any. A continued run returns
     * exactly the trajectory an uninterrupted run would (same numbers, bit for bit).
     */
    Trajectory run(Experiment experiment, Backend backend, StepListener listener, Checkpoints checkpoints);
}
