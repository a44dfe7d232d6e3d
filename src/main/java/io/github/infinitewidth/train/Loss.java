package io.github.infinitewidth.train;

import io.github.infinitewidth.util.Check;
import io.github.infinitewidth.util.InvalidSpecException;
import java.util.Locale;

/**
 * Losses of LIMITS.md section 0, each over the k outputs {@code f_1..f_k} of one input. The batch
 * loss is the mean over the batch, so the error signal {@code chi_j = d(batch loss)/d f_j} is the
 * per-input gradient divided by the batch size B, and 0 for inputs outside the batch (test inputs
 * always). mse takes k targets per input, logistic one output and a label +1/-1, cross-entropy
 * k >= 2 outputs and a class label 0..k-1.
 */
public enum Loss {
    /** {@code sum_c (f_c - y_c)^2 / 2}. */
    MSE,
    /** {@code log(1 + exp(-y f))}, one output, targets +1/-1. */
    LOGISTIC,
    /** {@code log sum_c exp(f_c) - f_y}, the softmax cross-entropy of class label y in 0..k-1. */
    CROSS_ENTROPY;

    /** Loss of one output f against target y (one output: mse and logistic). */
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
            default: throw new IllegalStateException(spelling() + " needs at least two outputs");
        }
    }

    /** {@code d loss / d f} for one input with one output (mse and logistic). */
    public double derivative(double f, double y) {
        switch (this) {
            case MSE: return f - y;
            case LOGISTIC: {
                // -y / (1 + exp(y f)), written to stay finite for large |y f|.
                double z = y * f;
                return z >= 0 ? -y * Math.exp(-z) / (1 + Math.exp(-z)) : -y / (1 + Math.exp(z));
            }
            default: throw new IllegalStateException(spelling() + " needs at least two outputs");
        }
    }

    /** How many target numbers one input has with k outputs: k for mse, one label otherwise. */
    public int targetWidth(int outputs) {
        return this == MSE ? outputs : 1;
    }

    /** True for the losses whose targets name classes, which have an accuracy (JOB-SPEC.md loss.csv). */
    public boolean classifies() {
        return this != MSE;
    }

    /**
     * The loss of input j: its k outputs {@code f[j k .. j k + k)} against its targets
     * {@code y[j w .. j w + w)}, w = {@link #targetWidth}.
     */
    public double value(double[] f, double[] y, int j, int k) {
        if (k == 1 && this != CROSS_ENTROPY) {
            return value(f[j], y[j]);
        }
        if (this == MSE) {
            double sum = 0;
            for (int c = 0; c < k; c++) {
                sum += value(f[j * k + c], y[j * k + c]);
            }
            return sum;
        }
        // log sum exp f - f_y, shifted by the largest output so that no exponential overflows
        double largest = largest(f, j, k);
        double sum = 0;
        for (int c = 0; c < k; c++) {
            sum += Math.exp(f[j * k + c] - largest);
        }
        return largest + Math.log(sum) - f[j * k + (int) y[j]];
    }

    /**
     * Writes {@code scale d loss_j / d f_{j,c}} into {@code out[j k + c]}: {@code f - y} for mse,
     * {@code softmax(f)_c - [c = y]} for cross-entropy.
     */
    public void gradient(double[] f, double[] y, int j, int k, double scale, double[] out) {
        if (k == 1 && this != CROSS_ENTROPY) {
            out[j] = derivative(f[j], y[j]) * scale;
            return;
        }
        if (this == MSE) {
            for (int c = 0; c < k; c++) {
                out[j * k + c] = (f[j * k + c] - y[j * k + c]) * scale;
            }
            return;
        }
        double largest = largest(f, j, k);
        double sum = 0;
        for (int c = 0; c < k; c++) {
            sum += Math.exp(f[j * k + c] - largest);
        }
        int label = (int) y[j];
        for (int c = 0; c < k; c++) {
            double p = Math.exp(f[j * k + c] - largest) / sum;
            out[j * k + c] = (p - (c == label ? 1 : 0)) * scale;
        }
    }

    /**
     * True when input j is classified right: {@code sign(f) = y} for logistic (0 counts as wrong),
     * the largest output is the label's for cross-entropy (ties go to the first class).
     */
    public boolean correct(double[] f, double[] y, int j, int k) {
        if (this == LOGISTIC) {
            return f[j] * y[j] > 0;
        }
        if (this != CROSS_ENTROPY) {
            throw new IllegalStateException(spelling() + " has no classes");
        }
        int best = 0;
        for (int c = 1; c < k; c++) {
            if (f[j * k + c] > f[j * k + best]) {
                best = c;
            }
        }
        return best == (int) y[j];
    }

    private static double largest(double[] f, int j, int k) {
        double largest = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            largest = Math.max(largest, f[j * k + c]);
        }
        return largest;
    }

    /**
     * The error signal chi over all inputs (train then test) with one output each:
     * {@code chi_j = derivative(f_j, y_j) / B} for j in {@code batch}, 0 elsewhere.
     *
     * @param outputs f_t for every input
     * @param targets y for every input (test targets are never read)
     * @param batch   indices of step t's batch, into outputs
     */
    public double[] errorSignal(double[] outputs, double[] targets, int[] batch) {
        return errorSignal(outputs, targets, batch, 1);
    }

    /**
     * The error signal over all inputs with k outputs each, {@code chi[j k + c] = d loss_j / d f_{j,c} / B}
     * for j in {@code batch} and 0 elsewhere (LIMITS.md section 0).
     */
    public double[] errorSignal(double[] outputs, double[] targets, int[] batch, int k) {
        double[] chi = new double[outputs.length];
        for (int j : batch) {
            gradient(outputs, targets, j, k, 1.0 / batch.length, chi);
        }
        return chi;
    }

    /**
     * Refuses targets this loss has no meaning for with one output: {@code log(1 + exp(-y f))} is the
     * logistic loss of a label y = +1 or -1 only (another y scales the margin instead of naming a class).
     *
     * @param field the split's job-file name, {@code data.train} or {@code data.test}
     */
    public void checkTargets(String field, Dataset split) {
        checkTargets(field, split, 1);
    }

    /**
     * Refuses a network of k outputs this loss cannot train, and targets it has no meaning for:
     * mse needs k numbers per input, logistic one output and labels +1/-1, cross-entropy k >= 2
     * outputs and labels 0..k-1.
     *
     * @param field the split's job-file name, {@code data.train} or {@code data.test}
     */
    public void checkTargets(String field, Dataset split, int k) {
        if (this == LOGISTIC && k != 1) {
            throw new InvalidSpecException("network.outputs", "must be 1 for loss logistic (labels +1/-1), got " + k
                    + "; use loss cross-entropy for " + k + " classes");
        }
        if (this == CROSS_ENTROPY && k < 2) {
            throw new InvalidSpecException("network.outputs", "must be >= 2 for loss cross-entropy (one output per"
                    + " class), got " + k + "; use loss logistic for two classes with one output");
        }
        if (split.targetWidth() != targetWidth(k)) {
            throw new InvalidSpecException(field + ".targets", this == MSE
                    ? "has " + split.targetWidth() + " number(s) per input but network.outputs is " + k
                            + ": give one target per output"
                    : "must hold one class label per input for loss " + spelling() + ", got "
                            + split.targetWidth() + " numbers per input");
        }
        for (int j = 0; this != MSE && j < split.size(); j++) {
            double y = split.target(j);
            if (this == LOGISTIC && y != 1 && y != -1) {
                throw new InvalidSpecException(field + ".targets[" + j + "]", "must be +1 or -1 for loss "
                        + spelling() + ", got " + Check.format(y));
            }
            if (this == CROSS_ENTROPY && (y != Math.rint(y) || y < 0 || y >= k)) {
                throw new InvalidSpecException(field + ".targets[" + j + "]", "must be a class label 0.." + (k - 1)
                        + " for loss cross-entropy with network.outputs " + k + ", got " + Check.format(y));
            }
        }
    }

    public String spelling() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
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
