package io.github.infinitewidth.random;

/**
 * The Philox-4x32-10 key of one replica (LIMITS.md section 6): random numbers are keyed by
 * {@code (seed, replica)}. Key word 0 is the low 32 bits of the seed, key word 1 is the high
 * 32 bits of the seed XOR the replica index, so for seeds below 2^32 replica r simply uses
 * key {@code (seed, r)}.
 */
public record RandomKey(long seed, int replica) {
    public RandomKey {
        if (replica < 0) {
            throw new IllegalArgumentException("replica must be >= 0, got " + replica);
        }
    }

    /** Philox key word 0. */
    public int key0() {
        return (int) seed;
    }

    /** Philox key word 1. */
    public int key1() {
        return (int) (seed >>> 32) ^ replica;
    }
}
