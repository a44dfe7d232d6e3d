package io.github.infinitewidth.engine;

import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import java.util.function.Consumer;

/**
 * The checkpoint schedule every engine follows, and where a resumed run picks up. A replica
 * saves after every {@code simulation.checkpointEvery}-th update (step k, 2k, ... below the
 * last) and after any other update below the last at which the store says a save is
 * {@link Checkpoints#due() due} (wall time, a stop request), and the run saves again when a replica
 * is finished; when a stop was requested, the engine stops right after that save by throwing
 * {@link RunStopped}. Every checkpoint holds the
 * {@link TrajectoryRecorder}'s state and whatever the engine adds (the replica in progress,
 * per-replica kernels). A position is (replica r, step s): replicas before r are finished and
 * r has made s updates, so it continues with the forward pass of step s. With
 * {@link Checkpoints#NONE} nothing is saved. A run of a replica
 * range ({@link SimulationSpec#replicaRange()}) runs replicas {@link #firstReplica()} to
 * {@link #endReplica()} - 1 only, and its positions stay inside that range.
 */
public final class CheckpointPlan {
    private final Checkpoints store;
    private final TrajectoryRecorder recorder;
    private final int every;
    private final int steps;
    private final int endReplica;
    private final StateReader resumed;
    private final int firstReplica;
    private final int firstStep;

    /** Restores {@code recorder} from the checkpoint to resume from, if there is one. */
    public CheckpointPlan(Experiment e, Checkpoints store, TrajectoryRecorder recorder) {
        this.store = store;
        this.recorder = recorder;
        this.every = store == Checkpoints.NONE ? 0 : e.simulation().checkpointEvery();
        this.steps = e.training().steps();
        this.endReplica = e.simulation().endReplica();
        int rangeStart = e.simulation().firstReplica();
        this.resumed = store.resumeFrom();
        if (resumed == null) {
            firstReplica = rangeStart;
            firstStep = 0;
            return;
        }
        int[] position = resumed.ints("position");
        if (position.length != 2 || position[0] < rangeStart || position[0] >= endReplica || position[1] < 0
                || position[1] >= steps) {
            throw new io.github.infinitewidth.state.SavedStateException("the saved position " + java.util.Arrays.toString(position)
                    + " does not fit replicas " + rangeStart + " to " + (endReplica - 1) + " and " + steps + " steps");
        }
        firstReplica = position[0];
        firstStep = position[1];
        recorder.restoreFrom(resumed);
    }

    /** The first replica to run: the range's first, or the one in progress when the checkpoint was saved. */
    public int firstReplica() {
        return firstReplica;
    }

    /** One past the last replica to run: {@code simulation.replicas}, or the end of the run's replica range. */
    public int endReplica() {
        return endReplica;
    }

    /** The step replica r starts at: the saved one for the replica in progress, 0 otherwise. */
    public int firstStep(int replica) {
        return replica == firstReplica ? firstStep : 0;
    }

    /**
     * The saved state of replica r in progress, to restore before its first forward pass; null
     * when r starts from its initialization.
     */
    public StateReader replicaState(int replica) {
        return resumed != null && replica == firstReplica && firstStep > 0 ? resumed : null;
    }

    /** The checkpoint resumed from, for the engine's own per-replica records; null for a fresh run. */
    public StateReader resumed() {
        return resumed;
    }

    /**
     * Called when replica r has made {@code step} updates: saves when {@code step} is below
     * {@code steps} and a multiple of {@code checkpointEvery}, or when a save is due. {@code state}
     * adds the engine's arrays.
     *
     * @throws RunStopped after saving, when a stop was requested
     */
    public void afterUpdate(int replica, int step, Consumer<StateWriter> state) {
        if (step < steps && ((every > 0 && step % every == 0) || store.due())) {
            save(replica, step, state);
            stopIfRequested(replica, step);
        }
    }

    /**
     * Called when replica r is finished (completed or diverged): saves the position (r + 1, 0).
     *
     * @throws RunStopped after saving, when a stop was requested
     */
    public void afterReplica(int replica, Consumer<StateWriter> state) {
        if (replica + 1 < endReplica && (every > 0 || store.due())) {
            save(replica + 1, 0, state);
            stopIfRequested(replica + 1, 0);
        }
    }

    private void stopIfRequested(int replica, int step) {
        if (store.stopRequested()) {
            throw new RunStopped(replica, step);
        }
    }

    private void save(int replica, int step, Consumer<StateWriter> state) {
        store.save(replica, step, w -> {
            w.ints("position", replica, step);
            recorder.saveTo(w);
            state.accept(w);
        });
    }
}
