package io.github.infinitewidth.limit.maximalupdate;

/**
 * The random streams of one replica of the maximal update limit (LIMITS.md section 6): every
 * independent source of randomness draws from its own stream under the replica's key.
 */
final class MaximalUpdateStreams {
    static final long OUTPUT_WEIGHTS = 0;
    static final long INPUT_WEIGHTS = 1;

    private MaximalUpdateStreams() {}

    /** Forward hats {@code What^l x} of hidden layer l. */
    static long forwardHats(int layer) {
        return 1000L + layer;
    }

    /** Backward hats {@code What^lT dh} of hidden layer l. */
    static long backwardHats(int layer) {
        return 2000L + layer;
    }

    /**
     * Fresh hats of evaluation passes through hidden layer l (LIMITS.md section 5.1): the pass at
     * step t draws from {@code t * m} on, at most m columns, so no two passes share a draw.
     */
    static long evaluationHats(int layer) {
        return 3000L + layer;
    }

    /** The initial biases {@code b^l_0} of hidden layer l (LIMITS.md 8.3). */
    static long biases(int layer) {
        return 4000L + layer;
    }
}
