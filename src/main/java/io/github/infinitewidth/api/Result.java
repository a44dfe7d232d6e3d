package io.github.infinitewidth.api;

import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.job.BackendUsed;
import io.github.infinitewidth.job.Job;
import io.github.infinitewidth.job.RunOutputs;
import io.github.infinitewidth.job.Split;
import io.github.infinitewidth.ket.Estimate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A finished run: the resolved job, what the engine recorded, and the losses, accuracies and outputs
 * computed from it as {@code loss.csv} and {@code trajectory.csv} compute them (means over replicas with
 * standard errors). Prints as one line with the final losses (and accuracies, for a loss that classifies).
 *
 * @param job         the validated job that ran
 * @param trajectory  the recorded outputs of every replica
 * @param backend     the backend it ran on
 * @param wallSeconds the engine's wall-clock time
 */
public record Result(Job job, Trajectory trajectory, BackendUsed backend, double wallSeconds) {

    /** One point of a loss curve: the mean loss over a split's inputs at a recorded step. */
    public record LossPoint(int step, double mean, double stderr) { }

    /**
     * One output: output {@code component} (0..k-1; always 0 with one output per input) of
     * {@code f_t(xi)} of input {@code index} of a split at a recorded step.
     */
    public record OutputPoint(int step, int index, int component, double mean, double stderr) {
        /** An output of a network with one output per input (component 0). */
        public OutputPoint(int step, int index, double mean, double stderr) {
            this(step, index, 0, mean, stderr);
        }
    }

    /** One point of an accuracy curve: the fraction of a split's inputs classified right at a recorded step. */
    public record AccuracyPoint(int step, double mean, double stderr) { }

    /** {@code completed} or {@code diverged}. */
    public Trajectory.Status status() {
        return trajectory.status();
    }

    /** The recorded steps, ascending. */
    public int[] steps() {
        return trajectory.steps();
    }

    /** The loss curve of {@code train} or {@code test}: the rows of {@code loss.csv} for that split. */
    public List<LossPoint> loss(String split) {
        Split s = split(split);
        List<LossPoint> curve = new ArrayList<>();
        for (int k = 0; k < trajectory.steps().length; k++) {
            Estimate e = lossAt(s, k);
            curve.add(new LossPoint(trajectory.steps()[k], e.mean(), e.stderr()));
        }
        return curve;
    }

    /** The loss of a split at the last recorded step ({@code finalLoss} of {@code summary.json}). */
    public Estimate finalLoss(String split) {
        Split s = split(split);
        return lossAt(s, lastRecorded());
    }

    private int lastRecorded() {
        int k = trajectory.steps().length - 1;
        if (k < 0) {
            throw new IllegalStateException("the run diverged at step " + trajectory.divergedStep()
                    + " before recording anything");
        }
        return k;
    }

    private void requireClasses() {
        if (!classifies()) {
            throw new IllegalStateException("loss " + job.experiment().loss().spelling() + " has no classes, hence no"
                    + " accuracy: loss logistic and cross-entropy have");
        }
    }

    /** k, the outputs per input ({@code network.outputs}). */
    public int components() {
        return trajectory.components();
    }

    /** Whether the loss classifies (logistic, cross-entropy), so that accuracies exist. */
    public boolean classifies() {
        return job.experiment().objective().classifies();
    }

    /**
     * The accuracy curve of {@code train} or {@code test}: the {@code accuracy} columns of {@code loss.csv}
     * for that split (LIMITS.md section 0: an input counts as right when its largest output is its class,
     * or with logistic when the sign of its output is its label's).
     *
     * @throws IllegalStateException when the loss does not classify (mse)
     */
    public List<AccuracyPoint> accuracy(String split) {
        Split s = split(split);
        requireClasses();
        List<AccuracyPoint> curve = new ArrayList<>();
        for (int k = 0; k < trajectory.steps().length; k++) {
            Estimate e = s.accuracy(trajectory, k, job.experiment().objective());
            curve.add(new AccuracyPoint(trajectory.steps()[k], e.mean(), e.stderr()));
        }
        return curve;
    }

    /**
     * The accuracy of a split at the last recorded step ({@code finalAccuracy} of {@code summary.json}).
     *
     * @throws IllegalStateException when the loss does not classify, or the run recorded nothing
     */
    public Estimate finalAccuracy(String split) {
        Split s = split(split);
        requireClasses();
        return s.accuracy(trajectory, lastRecorded(), job.experiment().objective());
    }

    /**
     * The outputs of a split's inputs at every recorded step: the rows of {@code trajectory.csv} for that
     * split, with k outputs per input one point per output, in component order.
     */
    public List<OutputPoint> outputs(String split) {
        Split s = split(split);
        List<OutputPoint> points = new ArrayList<>();
        for (int k = 0; k < trajectory.steps().length; k++) {
            double[][] perReplica = new double[trajectory.replicas()][];
            for (int r = 0; r < perReplica.length; r++) {
                perReplica[r] = trajectory.outputs()[r][k];
            }
            Estimate[] outputs = Estimate.ofReplicas(perReplica);
            int components = trajectory.components();
            for (int j = s.from(); j < s.to(); j++) {
                for (int c = 0; c < components; c++) {
                    Estimate output = outputs[j * components + c];
                    points.add(new OutputPoint(trajectory.steps()[k], j - s.from(), c, output.mean(), output.stderr()));
                }
            }
        }
        return points;
    }

    /**
     * Writes the files {@code bin/infinitewidth run} writes for this job (JOB-SPEC.md, "Outputs") into
     * {@code dir}, created if needed. A plot that cannot be drawn is a warning on standard error, as
     * on the command line; the other files are written all the same.
     *
     * @return the names of the files written
     */
    public List<String> save(Path dir) {
        try {
            RunOutputs.Written written = RunOutputs.write(dir, job, trajectory, backend, wallSeconds);
            written.problems().forEach(problem -> System.err.println("warning: " + problem));
            return written.files();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the outputs to " + dir + ": " + e.getMessage(), e);
        }
    }

    private Estimate lossAt(Split s, int k) {
        return s.loss(trajectory, k, job.experiment().objective());
    }

    private Split split(String name) {
        for (Split s : Split.of(trajectory)) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("split must be train or test (test only when the data have one), got \""
                + name + "\"");
    }

    /**
     * One line: {@code mu-limit completed, 20 steps in 3.5 s on cpu: final loss train 0.01621 ± 0.00023, ...},
     * then {@code ; final accuracy train 0.95 ± 0.012, ...} when the loss classifies.
     */
    @Override
    public String toString() {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s %s, %d steps in %.1f s on %s",
                job.engine(), status().spelling(), job.experiment().training().steps(), wallSeconds, backend.name()));
        if (trajectory.steps().length > 0) {
            line.append(": final loss");
            String separator = " ";
            for (Split s : Split.of(trajectory)) {
                Estimate e = finalLoss(s.name());
                line.append(String.format(Locale.ROOT, "%s%s %.4g ± %.2g", separator, s.name(), e.mean(), e.stderr()));
                separator = ", ";
            }
            if (classifies()) {
                line.append("; final accuracy");
                separator = " ";
                for (Split s : Split.of(trajectory)) {
                    Estimate e = finalAccuracy(s.name());
                    line.append(String.format(Locale.ROOT, "%s%s %.4g ± %.2g", separator, s.name(), e.mean(),
                            e.stderr()));
                    separator = ", ";
                }
            }
        }
        return line.toString();
    }
}
