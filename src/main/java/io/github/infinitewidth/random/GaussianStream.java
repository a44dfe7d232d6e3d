package io.github.infinitewidth.random;

/**
 * The standard Gaussian {@code z(key, stream, particle, draw)} that every backend reproduces
 * bit for bit (LIMITS.md section 6: same samples on CPU and GPU for the same seed, whatever
 * the thread count). This class is the reference definition; {@code Backend.fillGaussian}
 * implementations must match it exactly in float64.
 *
 * <p><b>Definition.</b> All words are unsigned 32-bit; arithmetic is float64 with round to
 * nearest even and no fused multiply-add.
 * <ol>
 *   <li>Philox-4x32-10 ({@link Philox4x32}) with counter
 *       {@code (draw >>> 1, particle, low32(stream), high32(stream))} and key
 *       {@code (key.key0(), key.key1())} gives words {@code x0, x1, x2, x3}. Draws {@code 2k}
 *       and {@code 2k + 1} share one block: they are the two halves of one Box-Muller pair.</li>
 *   <li>{@code u1 = ((x0 >>> 5) * 2^26 + (x1 >>> 6) + 1) * 2^-53}, in {@code (0, 1]}, and
 *       {@code u2 = ((x2 >>> 5) * 2^26 + (x3 >>> 6)) * 2^-53}, in {@code [0, 1)}: 53 random
 *       bits each, formed in 64-bit integers and converted exactly. {@code u1} never vanishes,
 *       so the logarithm is always finite.</li>
 *   <li>{@code r = sqrt(-2.0 * DeterministicMath.log(u1))} (correctly rounded sqrt).</li>
 *   <li>{@code z = r * DeterministicMath.cos2Pi(u2)} for even {@code draw},
 *       {@code z = r * DeterministicMath.sin2Pi(u2)} for odd {@code draw}.</li>
 *   <li>A fill with standard deviation {@code std} stores {@code std * z} (one more rounding).</li>
 * </ol>
 * Because {@code u1} has 53-bit resolution, {@code |z| <= sqrt(2 ln 2^53) ~ 8.57}; the
 * truncated tail has probability about {@code 2^-53} and is irrelevant at any feasible
 * particle count.
 */
public final class GaussianStream {
    /** {@code 2^-53}: scales a 53-bit integer into the unit interval exactly. */
    private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

    private GaussianStream() {
    }

    /**
     * {@code z(key, stream, particle, draw)} as defined in the class documentation. Allocates
     * four words of scratch; loops should use the overload taking a scratch array.
     *
     * @param key replica key
     * @param stream which independent stream (for example one weight matrix)
     * @param particle row index, {@code >= 0}
     * @param draw column index, {@code >= 0}
     * @return the standard Gaussian sample
     */
    public static double gaussian(RandomKey key, long stream, int particle, int draw) {
        return gaussian(key.key0(), key.key1(), stream, particle, draw, new int[4]);
    }

    /**
     * {@code z(key, stream, particle, draw)} with the key given as its two Philox words, without
     * allocating.
     *
     * @param key0 Philox key word 0 ({@link RandomKey#key0()})
     * @param key1 Philox key word 1 ({@link RandomKey#key1()})
     * @param stream which independent stream
     * @param particle row index, {@code >= 0}
     * @param draw column index, {@code >= 0}
     * @param words scratch of length {@code >= 4}; overwritten
     * @return the standard Gaussian sample
     */
    public static double gaussian(int key0, int key1, long stream, int particle, int draw, int[] words) {
        if (particle < 0 || draw < 0) {
            throw new IllegalArgumentException("particle and draw must be >= 0, got " + particle + ", " + draw);
        }
        Philox4x32.block(draw >>> 1, particle, (int) stream, (int) (stream >>> 32), key0, key1, words);
        double r = radius(words[0], words[1]);
        double u2 = turn(words[2], words[3]);
        return r * ((draw & 1) == 0 ? DeterministicMath.cos2Pi(u2) : DeterministicMath.sin2Pi(u2));
    }

    /**
     * Fills a whole column-major {@code rows x cols} matrix: entry {@code (a, j)} becomes
     * {@code std * z(key, stream, a, j)}. Rows are particles, columns are draws.
     *
     * @param columnMajor destination, length {@code >= rows * cols}; modified
     * @param rows number of particles
     * @param cols number of draws
     * @param key replica key
     * @param stream which independent stream
     * @param std standard deviation multiplying each sample
     */
    public static void fill(double[] columnMajor, int rows, int cols, RandomKey key, long stream, double std) {
        fillRows(columnMajor, rows, cols, 0, rows, key, stream, std);
    }

    /**
     * Fills rows {@code [rowFrom, rowTo)} of a column-major {@code rows x cols} matrix as
     * {@link #fill} would, leaving the other rows untouched. Each entry depends only on its own
     * coordinates, so any split of the rows into blocks gives the same matrix; the CPU backend
     * uses this to fill in parallel. Computes one Philox block per row and pair of columns.
     *
     * @param columnMajor destination, length {@code >= rows * cols}; modified
     * @param rows number of particles (the column stride)
     * @param cols number of draws
     * @param rowFrom first row to fill
     * @param rowTo one past the last row to fill
     * @param key replica key
     * @param stream which independent stream
     * @param std standard deviation multiplying each sample
     */
    public static void fillRows(double[] columnMajor, int rows, int cols, int rowFrom, int rowTo,
                                RandomKey key, long stream, double std) {
        if (rows < 0 || cols < 0 || (long) rows * cols > columnMajor.length) {
            throw new IllegalArgumentException("bad shape " + rows + " x " + cols + " for length " + columnMajor.length);
        }
        if (rowFrom < 0 || rowFrom > rowTo || rowTo > rows) {
            throw new IllegalArgumentException("bad row range [" + rowFrom + ", " + rowTo + ") of " + rows);
        }
        int key0 = key.key0();
        int key1 = key.key1();
        int streamLow = (int) stream;
        int streamHigh = (int) (stream >>> 32);
        int[] words = new int[4];
        for (int j = 0; j < cols; j += 2) {
            int even = j * rows;
            int odd = even + rows;
            boolean hasOdd = j + 1 < cols;
            for (int a = rowFrom; a < rowTo; a++) {
                Philox4x32.block(j >>> 1, a, streamLow, streamHigh, key0, key1, words);
                double r = radius(words[0], words[1]);
                double u2 = turn(words[2], words[3]);
                // z first, then std * z: the same two roundings as std * gaussian(...).
                columnMajor[even + a] = std * (r * DeterministicMath.cos2Pi(u2));
                if (hasOdd) {
                    columnMajor[odd + a] = std * (r * DeterministicMath.sin2Pi(u2));
                }
            }
        }
    }

    /** Box-Muller radius {@code sqrt(-2 log u1)} with {@code u1} in {@code (0, 1]} built from two words. */
    private static double radius(int x0, int x1) {
        double u1 = (bits53(x0, x1) + 1) * TWO_POW_MINUS_53;
        return Math.sqrt(-2.0 * DeterministicMath.log(u1));
    }

    /** Box-Muller angle in turns, {@code u2} in {@code [0, 1)}, built from two words. */
    private static double turn(int x2, int x3) {
        return bits53(x2, x3) * TWO_POW_MINUS_53;
    }

    /** The top 27 bits of {@code hi} followed by the top 26 bits of {@code lo}: a uniform 53-bit integer. */
    private static long bits53(int hi, int lo) {
        return ((long) (hi >>> 5) << 26) | (lo >>> 6);
    }
}
