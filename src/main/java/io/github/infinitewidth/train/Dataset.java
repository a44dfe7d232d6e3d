package io.github.infinitewidth.train;

import io.github.infinitewidth.util.Check;
import io.github.infinitewidth.util.InvalidSpecException;

/**
 * Inputs {@code xi_1..xi_m} (each of dimension d) with their targets: one split of the data.
 * Each input has {@code targetWidth} target numbers, stored input after input in {@code targets}:
 * one (a regression target or a class label) or, for mse with k outputs, k. Validated by
 * {@link #validated}; {@code field} is the job-file name of the split ({@code data.train} or
 * {@code data.test}) used in error messages. Arrays are copied.
 */
public record Dataset(double[][] inputs, double[] targets, int targetWidth) {
    public Dataset {
        inputs = inputs == null ? null : deepCopy(inputs);
        targets = targets == null ? null : targets.clone();
        if (targetWidth < 1) {
            throw new InvalidSpecException("targets", "must have at least one number per input, got " + targetWidth);
        }
    }

    /** One target number per input. */
    public Dataset(double[][] inputs, double[] targets) {
        this(inputs, targets, 1);
    }

    /** {@link #ofTargetVectors(double[][], double[][], String)} naming them {@code targets} in messages. */
    public static Dataset ofTargetVectors(double[][] inputs, double[][] targets) {
        return ofTargetVectors(inputs, targets, "targets");
    }

    /**
     * Target vectors, one per input, all of the length of {@code targets[0]} (k targets per input for
     * mse with k outputs); a row of another length is refused naming it.
     *
     * @param field the targets' name in messages ({@code data.train.targets}, say)
     */
    public static Dataset ofTargetVectors(double[][] inputs, double[][] targets, String field) {
        Check.present(field, targets);
        int width = targets.length == 0 || targets[0] == null ? 1 : Math.max(1, targets[0].length);
        double[] flat = new double[targets.length * width];
        for (int j = 0; j < targets.length; j++) {
            if (targets[j] == null || targets[j].length != width) {
                throw new InvalidSpecException(field + "[" + j + "]", "has " + (targets[j] == null ? 0 : targets[j].length)
                        + " numbers, expected " + width + " like " + field + "[0]");
            }
            System.arraycopy(targets[j], 0, flat, j * width, width);
        }
        return new Dataset(inputs, flat, width);
    }

    /**
     * Validates this split, naming it {@code field} in messages; an empty split is allowed only when
     * {@code mayBeEmpty}. Every input must have the length of {@code inputs[0]}.
     */
    public Dataset validated(String field, boolean mayBeEmpty) {
        return validated(field, mayBeEmpty, null, 0);
    }

    /**
     * As {@link #validated(String, boolean)}, with every input of length {@code dimension}, that of the
     * inputs named {@code like} (the test split's are held to the train split's: held to its own first
     * input, a wrong first input would have the right ones after it blamed).
     */
    public Dataset validated(String field, boolean mayBeEmpty, String like, int dimension) {
        Check.present(field + ".inputs", inputs);
        Check.present(field + ".targets", targets);
        if (inputs.length == 0 && !mayBeEmpty) {
            throw new InvalidSpecException(field, "must contain at least one input, got none");
        }
        if ((long) inputs.length * targetWidth != targets.length) {
            throw new InvalidSpecException(field, "has " + inputs.length + " inputs but " + targets.length / targetWidth
                    + " targets: give one target per input");
        }
        int d = like != null ? dimension : inputs.length == 0 ? 0 : inputs[0].length;
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null || inputs[i].length != d) {
                throw new InvalidSpecException(field + ".inputs[" + i + "]", "has length "
                        + (inputs[i] == null ? 0 : inputs[i].length) + ", expected " + d + " like "
                        + (like != null ? like : "inputs[0]"));
            }
            if (d == 0) {
                throw new InvalidSpecException(field + ".inputs[" + i + "]", "is empty: inputs need dimension >= 1");
            }
            Check.finite(field + ".inputs[" + i + "]", inputs[i]);
        }
        Check.finite(field + ".targets", targets);
        return this;
    }

    /** An empty split. */
    public static Dataset empty() {
        return new Dataset(new double[0][], new double[0]);
    }

    /** An empty split whose inputs would have {@code targetWidth} target numbers each. */
    public static Dataset empty(int targetWidth) {
        return new Dataset(new double[0][], new double[0], targetWidth);
    }

    public int size() {
        return inputs.length;
    }

    /** Input dimension d (0 for an empty split). */
    public int dimension() {
        return inputs.length == 0 ? 0 : inputs[0].length;
    }

    @Override
    public double[][] inputs() {
        return deepCopy(inputs);
    }

    @Override
    public double[] targets() {
        return targets.clone();
    }

    /** Input j, coordinate k, without copying. */
    public double input(int j, int k) {
        return inputs[j][k];
    }

    /** Target j (its first number), without copying. */
    public double target(int j) {
        return targets[j * targetWidth];
    }

    /** Number c of input j's targets, without copying. */
    public double target(int j, int c) {
        return targets[j * targetWidth + c];
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] == null ? null : a[i].clone();
        }
        return c;
    }
}
