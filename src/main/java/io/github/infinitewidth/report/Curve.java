package io.github.infinitewidth.report;

/**
 * A line with its standard-error band: {@code mean[k]} at {@code x[k]}, the band
 * {@code mean[k] +- stderr[k]}. A NaN standard error (one replica) draws no band there; a point whose
 * mean is not finite is left out.
 */
public record Curve(String name, double[] x, double[] mean, double[] stderr) {

    public Curve {
        if (x.length != mean.length || x.length != stderr.length) {
            throw new IllegalArgumentException("curve " + name + " has " + x.length + " x values, " + mean.length
                    + " means and " + stderr.length + " standard errors; they must be as many");
        }
    }

    /** Whether some point has a finite standard error, so that a band can be drawn. */
    boolean hasBand() {
        for (int k = 0; k < x.length; k++) {
            if (Double.isFinite(mean[k]) && Double.isFinite(stderr[k])) {
                return true;
            }
        }
        return false;
    }
}
