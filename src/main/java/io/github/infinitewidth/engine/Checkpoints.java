package io.github.infinitewidth.engine;

import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import java.util.function.Consumer;

/**
 * Where an engine saves its state every {@code simulation.checkpointEvery} steps, or whenever the
 * store says a save is {@link #due()}, and finds the state to continue from (JOB-SPEC.md, "Checkpoints"). The engines decide what their state is
 * and when to save it ({@link CheckpointPlan}); an implementation decides where it goes. The
 * command line's implementation writes the versioned files of docs/design-notes.md into
 * {@code --out}/checkpoint; tests may keep states in memory.
 */
public interface Checkpoints {

    /** No checkpoints: nothing is saved and every run starts at step 0. */
    Checkpoints NONE = new Checkpoints() {
        @Override
        public StateReader resumeFrom() {
            return null;
        }

        @Override
        public void save(int replica, int step, Consumer<StateWriter> state) {
            // nowhere to save to
        }
    };

    /** The saved state this run continues from, or null to start at the beginning. */
    StateReader resumeFrom();

    /**
     * Saves a checkpoint atomically: replicas before {@code replica} are finished, and
     * {@code replica} has made {@code step} updates (0: not started). {@code state} writes the
     * arrays; a checkpoint is either completely saved or not at all, and the previous one stays
     * valid until this one is.
     *
     * @throws java.io.UncheckedIOException when it cannot be written
     */
    void save(int replica, int step, Consumer<StateWriter> state);

    /**
     * True when a save is due now whatever {@code checkpointEvery} says: enough wall time has passed
     * since the last one ({@code simulation.checkpointMinutes}), or a stop was requested.
     */
    default boolean due() {
        return false;
    }

    /** True when the run is to stop at its next save (a SIGTERM or SIGINT came): the engine saves and stops. */
    default boolean stopRequested() {
        return false;
    }
}
