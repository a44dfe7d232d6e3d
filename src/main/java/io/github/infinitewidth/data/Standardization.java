package io.github.infinitewidth.data;

import java.util.Arrays;

/**
 * How pixel values (0..255) become inputs (JOB-SPEC.md, {@code data.fashionMnist.standardize}).
 * The statistics come from the training subset only, so that nothing about the test images leaks
 * into the inputs; test images get the training subset's shift and scale.
 */
public enum Standardization {
    /** {@code pixel / 255}: inputs in [0, 1]. */
    NONE("none"),
    /**
     * One mean and one standard deviation over all pixels of all training images: the inputs then have
     * mean squared value 1, so {@code u xi} with {@code u ~ N(0, su^2/d)} (LIMITS.md) has variance about
     * {@code su^2}, and the contrast between pixels is kept.
     */
    GLOBAL("global"),
    /**
     * Each pixel shifted by its own mean and divided by its own standard deviation. Pixels that are
     * constant over the training subset (the blank border) are only shifted: they have no scale.
     * Nearly constant pixels are blown up to unit variance, which is why this is not the default.
     */
    PER_PIXEL("per-pixel");

    private final String spelling;

    Standardization(String spelling) {
        this.spelling = spelling;
    }

    /** The job-file spelling. */
    public String spelling() {
        return spelling;
    }

    /**
     * Rewrites {@code train} and {@code test} (pixel values, one row per image) in place with the shift and
     * scale computed from {@code train}.
     */
    void apply(double[][] train, double[][] test) {
        int d = train[0].length;
        double[] shift = new double[d];
        double[] scale = new double[d];
        if (this == NONE) {
            Arrays.fill(scale, 1 / 255.0);
        } else if (this == GLOBAL) {
            double[] all = pooled(train);
            double mean = mean(all);
            double std = std(all, mean);
            Arrays.fill(shift, mean);
            Arrays.fill(scale, std > 0 ? 1 / std : 1);
        } else {
            for (int k = 0; k < d; k++) {
                double[] column = new double[train.length];
                for (int i = 0; i < train.length; i++) {
                    column[i] = train[i][k];
                }
                shift[k] = mean(column);
                double std = std(column, shift[k]);
                scale[k] = std > 0 ? 1 / std : 1;
            }
        }
        for (double[][] split : new double[][][] {train, test}) {
            for (double[] row : split) {
                for (int k = 0; k < d; k++) {
                    row[k] = (row[k] - shift[k]) * scale[k];
                }
            }
        }
    }

    private static double[] pooled(double[][] rows) {
        int d = rows[0].length;
        double[] all = new double[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, all, i * d, d);
        }
        return all;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Population standard deviation: the inputs get exactly unit variance over the training subset. */
    private static double std(double[] values, double mean) {
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / values.length);
    }
}
