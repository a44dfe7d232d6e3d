package io.github.infinitewidth.train;

import io.github.infinitewidth.util.Check;
import io.github.infinitewidth.util.InvalidSpecException;
import java.util.Locale;

/**
 * Losses of LIMITS.md section 0. The batch loss is the mean over the batch, so the error
 * signal {@code chi_j = d(batch loss)/d f_j} is the per-input derivative divided by the batch
 * size B, and 0 for inputs outside the batch (test inputs always).
 */
public enum Loss {
    /** {@code (f - y)^2 / 2}. */
    MSE,
    /** {@code log(1 + exp(-y f))}, targets +1/-1. */
    LOGISTIC;

    /** Loss of one output f against target y. */
    public double value(double f, double y) {
        switch (this) {
            case MSE: {
                double r = f - y;
                return 0.5 * r * r;
            }
            case LOGISTIC: {
                double z = -y * f;
                // log(1 + e^z) without overflow for large z.
                return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
            }
            default: throw new AssertionError(this);
        }
    }

    /** {@code d loss / d f} for one input. */
    public double derivative(double f, double y) {
        switch (this) {
            case MSE: return f - y;
            case LOGISTIC: {
                // -y / (1 + exp(y f)), written to stay finite for large |y f|.
                double z = y * f;
                return z >= 0 ? -y * Math.exp(-z) / (1 + Math.exp(-z)) : -y / (1 + Math.exp(z));
            }
            default: throw new AssertionError(this);
        }
    }

    /**
     * The error signal chi over all {@code outputs.length} inputs (train then test):
     * {@code chi_j = derivative(f_j, y_j) / B} for j in {@code batch}, 0 elsewhere.
     *
     * @param outputs f_t for every input
     * @param targets y for every input (test targets are never read)
     * @param batch   indices of step t's batch, into outputs
     */
    public double[] errorSignal(double[] outputs, double[] targets, int[] batch) {
        double[] chi = new double[outputs.length];
        for (int j : batch) {
            chi[j] = derivative(outputs[j], targets[j]) / batch.length;
        }
        return chi;
    }

    /**
     * Refuses targets this loss has no meaning for: {@code log(1 + exp(-y f))} is the logistic loss
     * of a label y = +1 or -1 only (another y scales the margin instead of naming a class).
     *
     * @param field the split's job-file name, {@code data.train} or {@code data.test}
     */
    public void checkTargets(String field, Dataset split) {
        if (this != LOGISTIC) {
            return;
        }
        for (int j = 0; j < split.size(); j++) {
            double y = split.target(j);
            if (y != 1 && y != -1) {
                throw new InvalidSpecException(field + ".targets[" + j + "]", "must be +1 or -1 for loss "
                        + spelling() + ", got " + Check.format(y));
            }
        }
    }

    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a job-file spelling; null when unknown. */
    public static Loss parse(String spelling) {
        for (Loss l : values()) {
            if (l.spelling().equals(spelling)) {
                return l;
            }
        }
        return null;
    }
}
