package io.github.infinitewidth.ket;

/**
 * A reported expectation: the mean over R independent replicas and its standard error
 * {@code sd / sqrt(R)} with the unbiased sample standard deviation (LIMITS.md sections 0 and 6).
 * With a single replica the standard error is NaN: one sample says nothing about its spread.
 */
public record Estimate(double mean, double stderr) {

    /** The estimate from one value per replica (at least one). */
    public static Estimate ofReplicas(double... perReplica) {
        int r = perReplica.length;
        if (r == 0) {
            throw new IllegalArgumentException("an estimate needs at least one replica, got none");
        }
        double mean = 0;
        for (double value : perReplica) {
            mean += value;
        }
        mean /= r;
        if (r == 1) {
            return new Estimate(mean, Double.NaN);
        }
        double squares = 0;
        for (double value : perReplica) {
            squares += (value - mean) * (value - mean);
        }
        return new Estimate(mean, Math.sqrt(squares / (r - 1) / r));
    }

    /** Entrywise estimates from {@code perReplica[r][i]} (every replica of the same length). */
    public static Estimate[] ofReplicas(double[][] perReplica) {
        int count = perReplica[0].length;
        Estimate[] estimates = new Estimate[count];
        double[] column = new double[perReplica.length];
        for (int i = 0; i < count; i++) {
            for (int r = 0; r < perReplica.length; r++) {
                column[r] = perReplica[r][i];
            }
            estimates[i] = ofReplicas(column);
        }
        return estimates;
    }
}
