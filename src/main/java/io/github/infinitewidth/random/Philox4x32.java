package io.github.infinitewidth.random;

/**
 * The Philox-4x32-10 counter-based generator (Salmon, Moraes, Dror and Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC 2011; the Random123 library), the generator that
 * LIMITS.md section 6 fixes for all backends.
 *
 * <p>Why counter-based: a block is a pure function of (counter, key), so any sample can be
 * computed directly from its coordinates (seed, replica, stream, particle, draw) by any thread
 * on any device, which is what makes results independent of thread count and identical on
 * CPU and GPU. Only 32-bit integer multiply, xor and add are involved, all exact.
 *
 * <p>Words are Java {@code int}s read as unsigned 32-bit integers. One round maps counter
 * {@code (c0, c1, c2, c3)} with key {@code (k0, k1)} to
 * {@code (hi(M1 c2) ^ c1 ^ k0, lo(M1 c2), hi(M0 c0) ^ c3 ^ k1, lo(M0 c0))}, where
 * {@code hi} and {@code lo} are the upper and lower 32 bits of the 64-bit product; between
 * rounds the key is bumped by the Weyl constants. Ten rounds make one block.
 */
public final class Philox4x32 {
    private static final long M0 = 0xD2511F53L;
    private static final long M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final int ROUNDS = 10;
    private static final long UNSIGNED = 0xFFFFFFFFL;

    private Philox4x32() {
    }

    /**
     * Computes one Philox-4x32-10 block without allocating.
     *
     * @param c0 counter word 0
     * @param c1 counter word 1
     * @param c2 counter word 2
     * @param c3 counter word 3
     * @param k0 key word 0
     * @param k1 key word 1
     * @param out receives the four output words in {@code out[0..3]}; modified
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            // Both factors are below 2^32, so the 64-bit product's bits are exact even where
            // it overflows the signed range; >>> then reads its unsigned upper half.
            long p0 = M0 * (c0 & UNSIGNED);
            long p1 = M1 * (c2 & UNSIGNED);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c0 = n0;
            c1 = (int) p1;
            c2 = n2;
            c3 = (int) p0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }
}
