package io.github.infinitewidth.random;

/**
 * The elementary functions of the Box-Muller transform, {@code log(x)}, {@code cos(2 pi u)} and
 * {@code sin(2 pi u)}, evaluated so that every backend gets the same bits.
 *
 * <p>Why not {@link Math#log} and friends: LIMITS.md section 6 promises that the CPU and GPU
 * backends draw the same Gaussians for the same seed. Library {@code log}, {@code sin} and
 * {@code cos} (Java's intrinsics, CUDA's libdevice) are only accurate to about one ulp and
 * differ from each other in the last bit. IEEE 754 does fix the result of {@code + - * /} and
 * {@code sqrt} (round to nearest even), so this class uses only {@code + - * /}, plus
 * operations that are exact and therefore agree everywhere (bit manipulation of the
 * representation, {@code rint}, conversions between int and double of small integers), and
 * never a fused multiply-add.
 *
 * <p><b>Porting contract.</b> A port reproduces these results bit for bit if it
 * <ul>
 *   <li>uses float64 throughout, with round-to-nearest-even {@code + - * /} (CUDA: compile with
 *       {@code -fmad=false}, keep the default {@code -prec-div=true}; or write
 *       {@code __dadd_rn}, {@code __dmul_rn}, {@code __ddiv_rn} explicitly);</li>
 *   <li>performs every operation in the order written in the method documentation, with the
 *       parenthesisation shown (floating-point addition is not associative);</li>
 *   <li>uses the constants exactly as the hexadecimal literals in the source (they are the
 *       float64 values nearest to the stated real numbers).</li>
 * </ul>
 * Java evaluates strictly in source order without contraction (Java 17 is always strictfp),
 * so the source below is itself the reference.
 *
 * <p>Accuracy on the documented domains: within about 2 ulps of the exact value (largest
 * relative error seen against {@link Math} in {@code DeterministicMathTest}: {@code 4.5e-16}).
 */
public final class DeterministicMath {
    /** {@code ln 2} split so that {@code k * LN2_HI} is exact for {@code |k| < 2^20} (trailing zero bits). */
    private static final double LN2_HI = 0x1.62e42fee00000p-1;
    /** {@code ln 2 - LN2_HI}, rounded to nearest. */
    private static final double LN2_LO = 0x1.a39ef35793c76p-33;
    /** Raw bits of the float64 nearest {@code sqrt(2)}: the upper end of the reduced mantissa range. */
    private static final long SQRT2_BITS = 0x3ff6a09e667f3bcdL;
    private static final long FRACTION_MASK = 0x000fffffffffffffL;
    private static final long ONE_BITS = 0x3ff0000000000000L;
    /** Adding to or subtracting from the raw bits changes the binary exponent by one. */
    private static final long EXPONENT_ONE = 1L << 52;

    // log: L_k = 2 / (2k + 1), k = 1..10, the Taylor coefficients of 2 atanh(s) = 2s + s R(s^2).
    private static final double L1 = 0x1.5555555555555p-1;
    private static final double L2 = 0x1.999999999999ap-2;
    private static final double L3 = 0x1.2492492492492p-2;
    private static final double L4 = 0x1.c71c71c71c71cp-3;
    private static final double L5 = 0x1.745d1745d1746p-3;
    private static final double L6 = 0x1.3b13b13b13b14p-3;
    private static final double L7 = 0x1.1111111111111p-3;
    private static final double L8 = 0x1.e1e1e1e1e1e1ep-4;
    private static final double L9 = 0x1.af286bca1af28p-4;
    private static final double L10 = 0x1.8618618618618p-4;

    /** The float64 nearest {@code 2 pi}. */
    private static final double TWO_PI = 0x1.921fb54442d18p+2;

    // sin: S_n = (-1)^((n-1)/2) / n!, n = 3, 5, ..., 17.
    private static final double S3 = -0x1.5555555555555p-3;
    private static final double S5 = 0x1.1111111111111p-7;
    private static final double S7 = -0x1.a01a01a01a01ap-13;
    private static final double S9 = 0x1.71de3a556c734p-19;
    private static final double S11 = -0x1.ae64567f544e4p-26;
    private static final double S13 = 0x1.6124613a86d09p-33;
    private static final double S15 = -0x1.ae7f3e733b81fp-41;
    private static final double S17 = 0x1.952c77030ad4ap-49;

    // cos: C_n = (-1)^(n/2) / n!, n = 2, 4, ..., 16.
    private static final double C2 = -0x1.0000000000000p-1;
    private static final double C4 = 0x1.5555555555555p-5;
    private static final double C6 = -0x1.6c16c16c16c17p-10;
    private static final double C8 = 0x1.a01a01a01a01ap-16;
    private static final double C10 = -0x1.27e4fb7789f5cp-22;
    private static final double C12 = 0x1.1eed8eff8d898p-29;
    private static final double C14 = -0x1.93974a8c07c9dp-37;
    private static final double C16 = 0x1.ae7f3e733b81fp-45;

    private DeterministicMath() {
    }

    /**
     * Natural logarithm of a positive normal float64 ({@code Double.MIN_NORMAL <= x}, finite);
     * other inputs give unspecified results. {@code log(1) = +0.0} exactly. The Gaussian
     * transform only passes {@code x} in {@code [2^-53, 1]}.
     *
     * <p>Evaluation order (all float64, round to nearest, no fma):
     * <ol>
     *   <li>{@code b = rawBits(x)}; {@code e = (int) (b >>> 52) - 1023};
     *       {@code mb = (b & 0x000fffffffffffff) | 0x3ff0000000000000} (mantissa {@code m} in [1, 2)).</li>
     *   <li>If {@code mb > 0x3ff6a09e667f3bcd} (that is {@code m > sqrt 2}): {@code mb -= 1L << 52},
     *       {@code e += 1} (exact halving). Now {@code m = fromBits(mb)} lies in (0.7071, 1.4143].</li>
     *   <li>{@code f = m - 1.0} (exact by Sterbenz); {@code s = f / (m + 1.0)}; {@code z = s * s}.</li>
     *   <li>{@code p = L10}; then for {@code k = 9 .. 1}: {@code p = Lk + z * p};
     *       {@code R = z * p}.</li>
     *   <li>{@code t = f - s * (f - R)}  (that is {@code log m}, using {@code 2s = f - s f}).</li>
     *   <li>{@code d = (double) e}; result {@code = d * LN2_HI + (d * LN2_LO + t)}.</li>
     * </ol>
     * The error is a few ulps: {@code f} is exact and the rounded quotient {@code s} only enters
     * the small correction {@code s (f - R)}; the series is truncated after {@code s^21}, whose
     * successor is below {@code 1e-18} relative since {@code |s| <= 0.1716}; and
     * {@code |log m| <= (ln 2) / 2} cannot cancel {@code e ln 2}.
     *
     * @param x positive normal float64
     * @return {@code ln x}
     */
    public static double log(double x) {
        long bits = Double.doubleToRawLongBits(x);
        int exponent = (int) (bits >>> 52) - 1023;
        long mantissaBits = (bits & FRACTION_MASK) | ONE_BITS;
        // Centring the mantissa on 1 keeps |s| small, so a short series suffices.
        if (mantissaBits > SQRT2_BITS) {
            mantissaBits -= EXPONENT_ONE;
            exponent += 1;
        }
        double m = Double.longBitsToDouble(mantissaBits);
        double f = m - 1.0;
        double s = f / (m + 1.0);
        double z = s * s;
        double p = L10;
        p = L9 + z * p;
        p = L8 + z * p;
        p = L7 + z * p;
        p = L6 + z * p;
        p = L5 + z * p;
        p = L4 + z * p;
        p = L3 + z * p;
        p = L2 + z * p;
        p = L1 + z * p;
        double r = z * p;
        double logM = f - s * (f - r);
        double d = exponent;
        return d * LN2_HI + (d * LN2_LO + logM);
    }

    /**
     * {@code cos(2 pi u)} for {@code u} in {@code [0, 1)}; other inputs give unspecified
     * results. Exact at multiples of 1/4: {@code cos2Pi(0) = 1}, {@code cos2Pi(0.25) = -0.0},
     * {@code cos2Pi(0.5) = -1}, {@code cos2Pi(0.75) = +0.0}.
     *
     * <p>Evaluation order: {@code q = (int) rint(4.0 * u)} (nearest quarter turn, 0..4; the
     * product is exact and {@code rint}, round half to even, is exact on both platforms);
     * {@code r = u - 0.25 * q} (exact by Sterbenz, {@code |r| <= 1/8}); {@code x = TWO_PI * r};
     * then by {@code q & 3}: 0 gives {@code cosPoly(x)}, 1 gives {@code -sinPoly(x)}, 2 gives
     * {@code -cosPoly(x)}, 3 gives {@code sinPoly(x)}. Reducing {@code u} (not the angle) makes
     * the reduction exact, so there is no loss of relative accuracy near the zeros.
     *
     * <p>{@code sinPoly(x)}: {@code z = x * x}; {@code p = S17}; then for
     * {@code n = 15, 13, .., 3}: {@code p = Sn + z * p}; result {@code x + (x * z) * p}.
     * <br>{@code cosPoly(x)}: {@code z = x * x}; {@code p = C16}; then for
     * {@code n = 14, 12, .., 2}: {@code p = Cn + z * p}; result {@code 1.0 + z * p}.
     *
     * @param u turns, in {@code [0, 1)}
     * @return {@code cos(2 pi u)}
     */
    public static double cos2Pi(double u) {
        int quadrant = (int) Math.rint(4.0 * u);
        return rotated(quadrant, TWO_PI * (u - 0.25 * quadrant));
    }

    /**
     * {@code sin(2 pi u)} for {@code u} in {@code [0, 1)}; other inputs give unspecified
     * results. Exact at multiples of 1/4: {@code sin2Pi(0) = +0.0}, {@code sin2Pi(0.25) = 1},
     * {@code sin2Pi(0.5) = -0.0}, {@code sin2Pi(0.75) = -1}.
     *
     * <p>Same reduction as {@link #cos2Pi} ({@code q}, {@code r}, {@code x} identical), then by
     * {@code q & 3}: 0 gives {@code sinPoly(x)}, 1 gives {@code cosPoly(x)}, 2 gives
     * {@code -sinPoly(x)}, 3 gives {@code -cosPoly(x)} (since {@code sin a = cos(a - pi/2)}).
     *
     * @param u turns, in {@code [0, 1)}
     * @return {@code sin(2 pi u)}
     */
    public static double sin2Pi(double u) {
        int quadrant = (int) Math.rint(4.0 * u);
        return rotated(quadrant + 3, TWO_PI * (u - 0.25 * quadrant));
    }

    /** {@code cos(quadrant * pi/2 + x)} for {@code |x| <= pi/4}; negation is exact. */
    private static double rotated(int quadrant, double x) {
        switch (quadrant & 3) {
            case 0:
                return cosPoly(x);
            case 1:
                return -sinPoly(x);
            case 2:
                return -cosPoly(x);
            default:
                return sinPoly(x);
        }
    }

    /**
     * Taylor polynomial of {@code sin x} through {@code x^17}; on {@code |x| <= pi/4} the first
     * omitted term is below {@code 2e-19} relative. The leading {@code x} is added last so the
     * rounding of the small correction barely matters.
     */
    private static double sinPoly(double x) {
        double z = x * x;
        double p = S17;
        p = S15 + z * p;
        p = S13 + z * p;
        p = S11 + z * p;
        p = S9 + z * p;
        p = S7 + z * p;
        p = S5 + z * p;
        p = S3 + z * p;
        return x + (x * z) * p;
    }

    /** Taylor polynomial of {@code cos x} through {@code x^16}; the omitted rest is below {@code 3e-18} on {@code |x| <= pi/4}. */
    private static double cosPoly(double x) {
        double z = x * x;
        double p = C16;
        p = C14 + z * p;
        p = C12 + z * p;
        p = C10 + z * p;
        p = C8 + z * p;
        p = C6 + z * p;
        p = C4 + z * p;
        p = C2 + z * p;
        return 1.0 + z * p;
    }
}
