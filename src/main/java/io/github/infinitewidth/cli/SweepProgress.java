package io.github.infinitewidth.cli;

import io.github.infinitewidth.engine.StepListener;
import java.util.HashMap;
import java.util.Map;

/**
 * Progress of a sweep in tasks: the finished ones plus the part of each running task that is done
 * (from its steps), so that the bar moves and the time left is estimated while long tasks run.
 */
final class SweepProgress {
    private final Progress progress;
    private final int total;
    private final Map<String, Double> running = new HashMap<>();
    private int finished;

    SweepProgress(Progress progress, int total) {
        this.progress = progress;
        this.total = total;
    }

    /** Task {@code id} starts; the listener reports its steps (all replicas count). */
    synchronized StepListener start(String id, int replicas) {
        running.put(id, 0.0);
        return (replica, step, steps) -> done(id, (replica * (double) steps + step + 1) / ((double) replicas * steps));
    }

    /** Task {@code id} is over, whatever its result. */
    synchronized void finish(String id) {
        running.remove(id);
        finished++;
        report();
    }

    private synchronized void done(String id, double fraction) {
        running.put(id, fraction);
        report();
    }

    private void report() {
        double done = finished + running.values().stream().mapToDouble(Double::doubleValue).sum();
        progress.update(done, finished + "/" + total + " tasks" + (running.isEmpty() ? "" : ", " + running.size()
                + " running"));
    }
}
