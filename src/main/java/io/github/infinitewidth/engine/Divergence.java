package io.github.infinitewidth.engine;

import io.github.infinitewidth.train.Objective;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When a run has diverged (JOB-SPEC.md, "Command line": exit status 4): at the first step at which
 * a number the run computes or presents is not finite. Per replica, while it runs: an output, a
 * pre-activation ket (the engines turn a non-finite one into non-finite outputs), the mean loss of
 * a split or of the step's batch; at step 0, a kernel (NNGP, NTK, feature kernel) or a frozen ket.
 * Over replicas, once they have all run: the mean or standard error (LIMITS.md section 6) of an
 * output, a split's loss or a kernel entry, computed as the output files compute them, since
 * finite values can still overflow there (outputs near 1e155 have finite losses per input whose
 * squares overflow). Nothing non-finite is ever presented as a result.
 */
public final class Divergence {

    private Divergence() {}

    /** True when every value is finite. */
    public static boolean finite(double[] values) {
        for (double value : values) {
            if (!Double.isFinite(value)) {
                return false;
            }
        }
        return true;
    }


    /**
     * True when the mean over replicas and its standard error are finite, computed as
     * {@code io.github.infinitewidth.ket.Estimate} computes them (a single replica has no
     * standard error, which is no divergence).
     */
    static boolean estimateFinite(double[] perReplica) {
        int r = perReplica.length;
        double mean = 0;
        for (double value : perReplica) {
            mean += value;
        }
        mean /= r;
        if (!Double.isFinite(mean) || r == 1) {
            return Double.isFinite(mean);
        }
        double squares = 0;
        for (double value : perReplica) {
            squares += (value - mean) * (value - mean);
        }
        return Double.isFinite(squares);
    }

    /**
     * True when {@code perReplica[r][i]} and the estimate over r of every entry i are finite. Null
     * rows are replicas this process does not run (a partial run, {@code --replica-range}): its
     * estimates are over its own replicas.
     */
    static boolean entriesFinite(double[][] perReplica) {
        double[][] rows = Arrays.stream(perReplica).filter(java.util.Objects::nonNull).toArray(double[][]::new);
        for (double[] row : rows) {
            if (!finite(row)) {
                return false;
            }
        }
        double[] column = new double[rows.length];
        for (int i = 0; rows.length > 0 && i < rows[0].length; i++) {
            for (int r = 0; r < column.length; r++) {
                column[r] = rows[r][i];
            }
            if (!estimateFinite(column)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code t} as its output files would present it: when a recorded step's estimates over
     * replicas (outputs, split losses, feature kernels) are not all finite, the run diverged at the
     * first such step; when a kernel of {@code t.kernels()} is not, it diverged at step 0 and the
     * kernels are dropped. Otherwise {@code t} itself.
     *
     * @param objective the loss with the targets of every input, train then test
     */
    public static Trajectory check(Trajectory t, Objective objective) {
        int diverged = t.status() == Trajectory.Status.DIVERGED ? t.divergedStep() : Integer.MAX_VALUE;
        Map<String, double[][]> kernels = new HashMap<>(t.kernels());
        if (kernels.values().stream().anyMatch(k -> !entriesFinite(k))) {
            kernels.clear();
            diverged = 0;
        }
        for (int k = 0; k < t.steps().length && t.steps()[k] < diverged; k++) {
            if (!stepFinite(t, k, objective)) {
                diverged = t.steps()[k];
            }
        }
        for (Trajectory.FeatureKernel f : t.features()) {
            if (f.step() < diverged && !entriesFinite(f.perReplica())) {
                diverged = f.step();
            }
        }
        if (diverged == Integer.MAX_VALUE) {
            return t;
        }
        return truncated(t, diverged, kernels);
    }

    /** True when the outputs and split losses of every replica at the k-th recorded step, and their estimates, are finite. */
    private static boolean stepFinite(Trajectory t, int k, Objective objective) {
        double[][] outputs = Arrays.stream(t.outputs()).map(perStep -> perStep[k]).filter(java.util.Objects::nonNull)
                .toArray(double[][]::new);
        if (outputs.length == 0) {
            return true;
        }
        if (!entriesFinite(outputs)) {
            return false;
        }
        int m = outputs[0].length / t.components();   // replicas this process did not run are null
        int[][] splits = m > t.trainCount() ? new int[][] {{0, t.trainCount()}, {t.trainCount(), m}}
                : new int[][] {{0, t.trainCount()}};
        for (int[] split : splits) {
            double[] perReplica = new double[outputs.length];
            for (int r = 0; r < outputs.length; r++) {
                perReplica[r] = objective.meanLoss(outputs[r], split[0], split[1]);
            }
            if (!finite(perReplica) || !estimateFinite(perReplica)) {
                return false;
            }
        }
        return true;
    }

    /** {@code t} diverged at {@code step}: only the recorded steps and feature kernels before it are kept. */
    static Trajectory truncated(Trajectory t, int step, Map<String, double[][]> kernels) {
        int kept = 0;
        while (kept < t.steps().length && t.steps()[kept] < step) {
            kept++;
        }
        double[][][] cut = new double[t.replicas()][][];
        for (int r = 0; r < cut.length; r++) {
            cut[r] = Arrays.copyOf(t.outputs()[r], kept);
        }
        List<Trajectory.FeatureKernel> features = t.features().stream().filter(f -> f.step() < step).toList();
        return new Trajectory(Arrays.copyOf(t.steps(), kept), cut, t.trainCount(), t.components(),
                Trajectory.Status.DIVERGED, step, kernels, features);
    }
}
