package io.github.infinitewidth.job;

import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.train.Objective;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.report.Curve;
import io.github.infinitewidth.report.FeaturePlot;
import io.github.infinitewidth.report.KernelPlot;
import io.github.infinitewidth.report.LossPlot;
import io.github.infinitewidth.report.TrajectoryPlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The plots of a run (JOB-SPEC.md, "Outputs"): {@code loss.png}, {@code trajectory.png},
 * {@code features.png} when the engine recorded feature kernels and {@code kernels.png} when it recorded
 * the NNGP and NTK (nt-limit), from the same numbers as the CSV
 * files. A plot that cannot be drawn (a machine without fonts, say) is reported and skipped: the
 * CSV files are the results, the plots only show them.
 */
final class RunPlots {
    /** Every plot a run can write, so that one left by an earlier run can be removed. */
    static final List<String> FILES = List.of(LossPlot.FILE, TrajectoryPlot.FILE, FeaturePlot.FILE, KernelPlot.FILE);

    private RunPlots() {}

    /**
     * Draws the run's plots into {@code dir}; a plot that fails is left out, its reason added to
     * {@code problems}, and any plot this run did not draw is removed.
     *
     * @return the names of the plots written
     */
    static List<String> write(Path dir, Job job, Trajectory t, List<String> problems) {
        List<String> written = new ArrayList<>();
        // a run that diverged before recording anything has nothing to draw
        if (t.steps().length > 0) {
            String title = title(job);
            draw(LossPlot.FILE, () -> LossPlot.write(dir, title, perSplit(t, Split::loss, job),
                    job.experiment().objective().classifies() ? perSplit(t, Split::accuracy, job) : List.of()),
                    written, problems);
            if (t.components() == 1) {
                draw(TrajectoryPlot.FILE, () -> TrajectoryPlot.write(dir,
                        title + drawnNote(t, TrajectoryPlot.MAX_PER_SPLIT), inputs(job, t)), written, problems);
            } else {
                draw(TrajectoryPlot.FILE, () -> TrajectoryPlot.writeComponents(dir,
                        title + drawnNote(t, TrajectoryPlot.MAX_PANELS_PER_SPLIT), componentInputs(job, t)),
                        written, problems);
            }
            if (!t.features().isEmpty()) {
                draw(FeaturePlot.FILE, () -> FeaturePlot.write(dir, title, featureChange(t),
                        job.engine().equals("nt-limit")), written, problems);
            }
            if (!t.kernels().isEmpty()) {
                draw(KernelPlot.FILE, () -> KernelPlot.write(dir, title + drawnNote(t, KernelPlot.MAX_PER_SPLIT),
                        kernelLabels(t), kernels(t)), written, problems);
            }
        }
        // a plot left by an earlier run into the same folder would be taken for this run's
        for (String file : FILES) {
            if (!written.contains(file)) {
                try {
                    Files.deleteIfExists(dir.resolve(file));
                } catch (IOException e) {
                    problems.add("an earlier " + file + " could not be removed (" + e + ")");
                }
            }
        }
        return written;
    }

    private static void draw(String file, PlotDrawing.Drawing drawing, List<String> written, List<String> problems) {
        PlotDrawing.draw(file, drawing).ifPresentOrElse(problems::add, () -> written.add(file));
    }

    /** What ran, in a few words: engine, network, optimizer and ensemble. */
    static String title(Job job) {
        Experiment e = job.experiment();
        String network = e.network().hiddenLayers() + " hidden " + e.network().activation().spelling()
                + (job.engine().equals("finite") ? ", width " + e.network().width() : "")
                + (job.engine().equals("finite") && e.parametrization() != null ? " " + e.parametrization().spelling()
                : "");
        return String.format(Locale.ROOT, "%s, %s, %s lr %s, %d replica%s", job.engine(), network,
                e.optimizer().update().kind().spelling(), e.optimizer().learningRate(), e.simulation().replicas(),
                e.simulation().replicas() == 1 ? "" : "s");
    }

    /** A number per split and recorded step: {@link Split#loss} or {@link Split#accuracy}. */
    private interface PerSplit {
        Estimate at(Split split, Trajectory t, int k, Objective objective);
    }

    /** One curve per split of the loss or the accuracy, as {@code loss.csv} has them. */
    private static List<Curve> perSplit(Trajectory t, PerSplit value, Job job) {
        Objective objective = job.experiment().objective();
        double[] x = steps(t);
        List<Curve> curves = new ArrayList<>();
        for (Split split : Split.of(t)) {
            double[] mean = new double[x.length];
            double[] stderr = new double[x.length];
            for (int k = 0; k < x.length; k++) {
                Estimate estimate = value.at(split, t, k, objective);
                mean[k] = estimate.mean();
                stderr[k] = estimate.stderr();
            }
            curves.add(new Curve(split.name(), x, mean, stderr));
        }
        return curves;
    }

    /**
     * With k > 1 outputs: the first {@link TrajectoryPlot#MAX_PANELS_PER_SPLIT} inputs of each split, each
     * with its k output curves and its targets (k numbers) or class label.
     */
    private static List<List<TrajectoryPlot.Outputs>> componentInputs(Job job, Trajectory t) {
        Objective objective = job.experiment().objective();
        int k = t.components();
        int width = objective.loss().targetWidth(k);
        double[] targets = job.experiment().data().allTargets();
        double[][] points = job.experiment().data().allInputs();
        List<List<TrajectoryPlot.Outputs>> splits = new ArrayList<>();
        for (Split split : Split.of(t)) {
            List<TrajectoryPlot.Outputs> row = new ArrayList<>();
            for (int j = split.from(); j < Math.min(split.to(), split.from() + TrajectoryPlot.MAX_PANELS_PER_SPLIT);
                    j++) {
                List<Curve> components = new ArrayList<>();
                for (int c = 0; c < k; c++) {
                    components.add(output(t, j * k + c, "output " + c));
                }
                double[] own = Arrays.copyOfRange(targets, j * width, (j + 1) * width);
                row.add(new TrajectoryPlot.Outputs(split.name() + " " + (j - split.from()), components, points[j],
                        width == k ? own : null, width == k ? -1 : (int) own[0], split.name().equals("test")));
            }
            splits.add(row);
        }
        return splits;
    }

    /** Entry {@code i} of the outputs at every recorded step, mean and standard error over replicas. */
    private static Curve output(Trajectory t, int i, String name) {
        double[] x = steps(t);
        double[] mean = new double[x.length];
        double[] stderr = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            double[] perReplica = new double[t.replicas()];
            for (int r = 0; r < perReplica.length; r++) {
                perReplica[r] = t.outputs()[r][k][i];
            }
            Estimate output = Estimate.ofReplicas(perReplica);
            mean[k] = output.mean();
            stderr[k] = output.stderr();
        }
        return new Curve(name, x, mean, stderr);
    }

    /** The first {@link TrajectoryPlot#MAX_PER_SPLIT} inputs of each split. */
    private static List<TrajectoryPlot.Input> inputs(Job job, Trajectory t) {
        double[] targets = job.experiment().data().allTargets();
        double[][] points = job.experiment().data().allInputs();
        List<TrajectoryPlot.Input> inputs = new ArrayList<>();
        for (Split split : Split.of(t)) {
            for (int j = split.from(); j < Math.min(split.to(), split.from() + TrajectoryPlot.MAX_PER_SPLIT); j++) {
                inputs.add(new TrajectoryPlot.Input(output(t, j, split.name() + " " + (j - split.from())),
                        points[j], targets[j], split.name().equals("test")));
            }
        }
        return inputs;
    }

    /** Says in the title when some inputs are not drawn, a plot drawing {@code perSplit} of each split. */
    private static String drawnNote(Trajectory t, int perSplit) {
        StringBuilder note = new StringBuilder();
        for (Split split : Split.of(t)) {
            int count = split.to() - split.from();
            if (count > perSplit) {
                note.append(note.length() == 0 ? " (first " : ", ").append(perSplit).append(" of ")
                        .append(count).append(' ').append(split.name()).append(" inputs");
            }
        }
        return note.length() == 0 ? "" : note.append(')').toString();
    }

    /** The indices of the inputs {@code kernels.png} draws: the first of each split. */
    private static int[] kernelInputs(Trajectory t) {
        return Split.of(t).stream().flatMapToInt(s -> IntStream.range(s.from(),
                Math.min(s.to(), s.from() + KernelPlot.MAX_PER_SPLIT))).toArray();
    }

    private static List<String> kernelLabels(Trajectory t) {
        List<String> labels = new ArrayList<>();
        for (Split split : Split.of(t)) {
            for (int j = split.from(); j < Math.min(split.to(), split.from() + KernelPlot.MAX_PER_SPLIT); j++) {
                labels.add(split.name() + " " + (j - split.from()));
            }
        }
        return labels;
    }

    /** The replica means of the kernels, in name order like {@code kernels.csv}, over the drawn inputs. */
    private static List<KernelPlot.Kernel> kernels(Trajectory t) {
        int m = t.inputCount();
        int[] drawn = kernelInputs(t);
        List<KernelPlot.Kernel> kernels = new ArrayList<>();
        for (Map.Entry<String, double[][]> kernel : new TreeMap<>(t.kernels()).entrySet()) {
            Estimate[] values = Estimate.ofReplicas(kernel.getValue());
            double[][] mean = new double[drawn.length][drawn.length];
            for (int a = 0; a < drawn.length; a++) {
                for (int b = 0; b < drawn.length; b++) {
                    mean[a][b] = values[drawn[a] * m + drawn[b]].mean();
                }
            }
            kernels.add(new KernelPlot.Kernel(kernel.getKey().toUpperCase(Locale.ROOT), mean));
        }
        return kernels;
    }

    /**
     * Per hidden layer, {@code |K_t - K_0|_F / |K_0|_F} at every recorded step, computed in each
     * replica and then averaged, so that its standard error is over replicas like every other number.
     */
    private static List<Curve> featureChange(Trajectory t) {
        int layers = t.features().stream().mapToInt(Trajectory.FeatureKernel::layer).max().orElse(0);
        List<Curve> curves = new ArrayList<>();
        for (int l = 1; l <= layers; l++) {
            int layer = l;
            List<Trajectory.FeatureKernel> kernels = t.features().stream().filter(f -> f.layer() == layer).toList();
            double[][] start = kernels.get(0).perReplica();
            double[] x = new double[kernels.size()];
            double[] mean = new double[x.length];
            double[] stderr = new double[x.length];
            for (int k = 0; k < x.length; k++) {
                Trajectory.FeatureKernel kernel = kernels.get(k);
                double[] change = new double[t.replicas()];
                for (int r = 0; r < change.length; r++) {
                    change[r] = distance(kernel.perReplica()[r], start[r]) / norm(start[r]);
                }
                Estimate estimate = Estimate.ofReplicas(change);
                x[k] = kernel.step();
                mean[k] = estimate.mean();
                stderr[k] = estimate.stderr();
            }
            curves.add(new Curve("layer " + l, x, mean, stderr));
        }
        return curves;
    }

    private static double distance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }

    private static double norm(double[] a) {
        return Math.sqrt(Arrays.stream(a).map(v -> v * v).sum());
    }

    private static double[] steps(Trajectory t) {
        return Arrays.stream(t.steps()).asDoubleStream().toArray();
    }
}
