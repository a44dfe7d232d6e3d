package io.github.infinitewidth.optim;

import io.github.infinitewidth.util.Check;
import java.util.Locale;

/**
 * An entrywise update function Q of LIMITS.md section 1 with its hyperparameters. Q sees the
 * <em>normalized</em> gradient g of one trainable entry; memoryful kinds keep explicit
 * per-entry state ({@link #stateSize()} doubles per entry) that the caller owns.
 *
 * <p>This scalar form is the reference every backend kernel must reproduce.
 */
public record UpdateFunction(Kind kind, double epsilon, double beta1, double beta2) {

    /** The kinds of Q. The ordinal is the kind's id in the CUDA kernels: never reorder. */
    public enum Kind {
        SGD, SIGN, SMOOTHSIGN, MOMENTUM, ADAM;

        /** The job-file spelling, e.g. {@code smoothsign}. */
        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses a job-file spelling; null when unknown. */
        public static Kind parse(String spelling) {
            for (Kind k : values()) {
                if (k.spelling().equals(spelling)) {
                    return k;
                }
            }
            return null;
        }
    }

    public static final double DEFAULT_EPSILON = 1e-8;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;

    public UpdateFunction {
        Check.present("optimizer.type", kind);
        Check.positive("optimizer.epsilon", epsilon);
        Check.unitInterval("optimizer.beta1", beta1);
        Check.unitInterval("optimizer.beta2", beta2);
    }

    /** Q with default hyperparameters. */
    public static UpdateFunction of(Kind kind) {
        return new UpdateFunction(kind, DEFAULT_EPSILON, DEFAULT_BETA1, DEFAULT_BETA2);
    }

    /** Number of state doubles per entry: 0 (sgd, sign, smoothsign), 1 (momentum: b), 2 (adam: m, v). */
    public int stateSize() {
        switch (kind) {
            case MOMENTUM: return 1;
            case ADAM: return 2;
            default: return 0;
        }
    }

    /** True when Q_t depends on the entry's gradient history (momentum, adam). */
    public boolean hasMemory() {
        return stateSize() > 0;
    }

    /** True when Q is the identity (sgd), so every update is linear in the gradient. */
    public boolean isLinear() {
        return kind == Kind.SGD;
    }

    /**
     * Q for memoryless kinds: sgd {@code g}, sign {@code sign(g)} with {@code sign(0) = 0},
     * smoothsign {@code g / sqrt(g^2 + eps^2)}. A NaN gradient gives NaN for every kind, so a
     * diverging run is seen as diverging.
     *
     * @throws IllegalStateException for memoryful kinds, which need {@link #apply(double, double[], int, int)}
     */
    public double apply(double g) {
        switch (kind) {
            case SGD: return g;
            case SIGN: return Math.signum(g);
            case SMOOTHSIGN: return g / Math.sqrt(g * g + epsilon * epsilon);
            default: throw new IllegalStateException(kind.spelling() + " keeps state: use apply(g, state, offset, step)");
        }
    }

    /**
     * Q_t(g) at step {@code step} (counted from 0), updating this entry's state in place.
     * Momentum: {@code b = beta1 b + g; Q = b}. Adam:
     * {@code m = beta1 m + (1-beta1) g; v = beta2 v + (1-beta2) g^2;
     * Q = (m / (1 - beta1^(t+1))) / (sqrt(v / (1 - beta2^(t+1))) + eps)}.
     *
     * @param state  the entry's state, {@link #stateSize()} doubles starting at {@code offset}; modified
     */
    public double apply(double g, double[] state, int offset, int step) {
        switch (kind) {
            case MOMENTUM: {
                double b = beta1 * state[offset] + g;
                state[offset] = b;
                return b;
            }
            case ADAM: {
                double m = beta1 * state[offset] + (1 - beta1) * g;
                double v = beta2 * state[offset + 1] + (1 - beta2) * g * g;
                state[offset] = m;
                state[offset + 1] = v;
                return adamDirection(m, v, step);
            }
            default:
                return apply(g);
        }
    }

    /** Adam's bias-corrected direction from its moments at step {@code step}. */
    public double adamDirection(double m, double v, int step) {
        return adamDirection(m, v, firstBiasCorrection(step), secondBiasCorrection(step));
    }

    /**
     * Adam's direction {@code (m / c1) / (sqrt(v / c2) + eps)} with the bias corrections of the
     * step precomputed, as bulk kernels do; the same operations in the same order as
     * {@link #adamDirection(double, double, int)}, so the results are identical.
     */
    public double adamDirection(double m, double v, double c1, double c2) {
        return (m / c1) / (Math.sqrt(v / c2) + epsilon);
    }

    /** {@code 1 - beta1^(t+1)}: Adam's first-moment bias correction at step t. */
    public double firstBiasCorrection(int step) {
        return 1 - Math.pow(beta1, step + 1);
    }

    /** {@code 1 - beta2^(t+1)}: Adam's second-moment bias correction at step t. */
    public double secondBiasCorrection(int step) {
        return 1 - Math.pow(beta2, step + 1);
    }
}
