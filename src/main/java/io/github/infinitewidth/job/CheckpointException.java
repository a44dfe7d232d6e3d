package io.github.infinitewidth.job;

/**
 * A checkpoint that cannot be continued from: missing, corrupt (unreadable, truncated, a
 * checksum or format mismatch) or saved by a different job. The message is one line naming the
 * checkpoint folder and the reason; the command line turns it into bad input (exit status 2).
 */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }
}
