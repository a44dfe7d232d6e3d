package io.github.infinitewidth.engine;

/**
 * Thrown out of {@link Engine#run} when a stop was requested ({@link Checkpoints#stopRequested()}):
 * the run finished its current step, saved a checkpoint at ({@code replica}, {@code step}) and
 * stopped, to be continued from there.
 */
public final class RunStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int replica;
    private final int step;

    public RunStopped(int replica, int step) {
        super("stopped at replica " + replica + ", step " + step, null, false, false);
        this.replica = replica;
        this.step = step;
    }

    /** The replica in progress at the saved checkpoint (0-based). */
    public int replica() {
        return replica;
    }

    /** The updates that replica had made. */
    public int step() {
        return step;
    }
}
