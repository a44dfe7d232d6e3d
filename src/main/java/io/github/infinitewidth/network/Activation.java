package io.github.infinitewidth.network;

import java.util.Locale;
import org.apache.commons.math3.special.Erf;

/**
 * Activation functions phi of JOB-SPEC.md with their derivatives phi' (LIMITS.md section 0;
 * for relu the derivative is the step function, 0 at 0). The ordinal is the activation's id
 * in the CUDA kernels ({@code native/}): never reorder the constants.
 */
public enum Activation {
    IDENTITY,
    RELU,
    TANH,
    /** {@code x Phi(x)} with the exact Gaussian CDF (not the tanh approximation). */
    GELU,
    ERF,
    ABS,
    /** {@code log(1 + e^x)}. */
    SOFTPLUS;

    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    /** phi(x). */
    public double value(double x) {
        switch (this) {
            case IDENTITY: return x;
            case RELU: return x > 0 ? x : 0.0;
            case TANH: return Math.tanh(x);
            case GELU: return x * 0.5 * Erf.erfc(-x * INV_SQRT2);
            case ERF: return Erf.erf(x);
            case ABS: return Math.abs(x);
            case SOFTPLUS: return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
            default: throw new AssertionError(this);
        }
    }

    /** phi'(x). */
    public double derivative(double x) {
        switch (this) {
            case IDENTITY: return 1.0;
            case RELU: return x > 0 ? 1.0 : 0.0;
            case TANH: {
                double t = Math.tanh(x);
                return 1.0 - t * t;
            }
            case GELU: return 0.5 * Erf.erfc(-x * INV_SQRT2) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
            case ERF: return TWO_OVER_SQRT_PI * Math.exp(-x * x);
            case ABS: return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
            case SOFTPLUS: return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
            default: throw new AssertionError(this);
        }
    }

    /** The job-file spelling, e.g. {@code relu}. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a job-file spelling; null when unknown. */
    public static Activation parse(String spelling) {
        for (Activation a : values()) {
            if (a.spelling().equals(spelling)) {
                return a;
            }
        }
        return null;
    }
}
