package io.github.infinitewidth.job;

import io.github.infinitewidth.report.ComparisonPlot;
import io.github.infinitewidth.report.ConvergencePlot;
import io.github.infinitewidth.report.Curve;
import io.github.infinitewidth.report.FeaturePlot;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The files of a comparison folder (JOB-SPEC.md, "Comparing limits with finite networks"), drawn from the
 * run folders of its tasks, so that {@code compare} (after any shard or session) and {@code merge} write
 * the same files from the same results:
 * <ul>
 *   <li>{@code comparison.csv}: {@code source,width,step,split,index,output,stderr}, the rows of every
 *   task's {@code trajectory.csv} (numbers as written there) in task order, {@code source} being
 *   {@code nt-limit}, {@code mu-limit}, {@code finite-ntp} or {@code finite-mup} and {@code width} empty
 *   for a limit; with k > 1 outputs per input ({@code network.outputs}) a {@code component} column after
 *   {@code index}, as in {@code trajectory.csv};</li>
 *   <li>{@code distance.csv}: {@code source,width,limit,distance,stderr}, per finite width the
 *   root-mean-square over the recorded steps, inputs (train and test) and output components that both runs have of
 *   {@code finite mean output - limit mean output}; its standard error by the delta method,
 *   {@code sum_k |d_k| s_k / (K D)} with {@code d_k} the K differences, {@code D} the distance and
 *   {@code s_k = sqrt(se_finite^2 + se_limit^2)}: the errors of one run at different steps and inputs are
 *   correlated in a way the trajectories do not record, and this sum is the standard error when they are
 *   fully correlated, an upper bound for any correlation (at {@code D = 0}, the RMS of the {@code s_k});</li>
 *   <li>{@code accuracy.csv}, when the loss classifies (logistic, cross-entropy):
 *   {@code source,width,split,accuracy,stderr}, every task's {@code finalAccuracy} from its
 *   {@code summary.json}, in task order;</li>
 *   <li>{@code comparison.png}, {@code convergence.png} and {@code features.png} (when a limit recorded
 *   feature kernels).</li>
 * </ul>
 * A task without a finished run (pending, failed, in another shard) is left out; a diverged one counts
 * with the steps it recorded.
 */
public final class ComparisonOutputs {
    public static final String COMPARISON = "comparison.csv";
    public static final String DISTANCE = "distance.csv";
    public static final String ACCURACY = "accuracy.csv";
    public static final String COMPARISON_HEADER = "source,width,step,split,index,output,stderr";
    /** The header of {@code comparison.csv} with k > 1 outputs per input. */
    public static final String COMPARISON_HEADER_COMPONENTS = "source,width,step,split,index,component,output,stderr";
    public static final String ACCURACY_HEADER = "source,width,split,accuracy,stderr";
    public static final String DISTANCE_HEADER = "source,width,limit,distance,stderr";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ComparisonOutputs() {}

    /** One row of {@code comparison.csv}; {@code width} null for a limit, {@code component} 0 with one output. */
    public record Row(String source, Integer width, int step, String split, int index, int component, double output,
                      double stderr) { }

    /** One row of {@code accuracy.csv}: a task's accuracy on a split at its last recorded step. */
    public record Accuracy(String source, Integer width, String split, double accuracy, double stderr) { }

    /** One row of {@code distance.csv}. */
    public record Distance(String source, int width, String limit, double distance, double stderr) { }

    /**
     * The comparison's numbers.
     *
     * @param rows      every row of {@code comparison.csv}, in its order
     * @param distances every row of {@code distance.csv}, in its order
     * @param floors    per limit, the root-mean-square over its recorded steps and inputs of its own
     *                  standard error: the Monte Carlo error below which a distance cannot be seen
     * @param components k, the outputs per input (1 when no run has finished)
     * @param accuracies every row of {@code accuracy.csv}, empty when the loss does not classify
     */
    public record Tables(List<Row> rows, List<Distance> distances, Map<String, Double> floors, int components,
                         List<Accuracy> accuracies) { }

    /** What {@link #write} wrote: the tables, the files, and one line per plot that could not be drawn. */
    public record Written(Tables tables, List<String> files, List<String> problems) { }

    /** One task's finished run. */
    private record Run(String source, String limit, Integer width, Path folder, List<Row> rows, int components,
                       List<Accuracy> accuracies) { }

    /**
     * Writes {@code comparison.csv}, {@code distance.csv} and the plots into {@code dir} from the task
     * folders (in task order; those without a {@code summary.json} are skipped).
     */
    public static Written write(Path dir, List<Path> taskFolders) throws IOException {
        List<Run> runs = runs(taskFolders);
        Tables tables = tablesOf(runs);
        Files.createDirectories(dir);
        AtomicFiles.write(dir, COMPARISON, out -> {
            boolean components = tables.components() > 1;
            out.write((components ? COMPARISON_HEADER_COMPONENTS : COMPARISON_HEADER) + "\n");
            for (Row r : tables.rows()) {
                out.write(r.source() + "," + width(r.width()) + "," + r.step() + "," + r.split() + "," + r.index()
                        + (components ? "," + r.component() : "") + "," + r.output() + "," + r.stderr() + "\n");
            }
        });
        AtomicFiles.write(dir, DISTANCE, out -> {
            out.write(DISTANCE_HEADER + "\n");
            for (Distance d : tables.distances()) {
                out.write(d.source() + "," + d.width() + "," + d.limit() + "," + d.distance() + "," + d.stderr()
                        + "\n");
            }
        });
        List<String> files = new ArrayList<>(List.of(COMPARISON, DISTANCE));
        List<String> problems = new ArrayList<>();
        if (tables.accuracies().isEmpty()) {
            Files.deleteIfExists(dir.resolve(ACCURACY));   // not one of an earlier comparison's of another loss
        } else {
            AtomicFiles.write(dir, ACCURACY, out -> {
                out.write(ACCURACY_HEADER + "\n");
                for (Accuracy a : tables.accuracies()) {
                    out.write(a.source() + "," + width(a.width()) + "," + a.split() + "," + a.accuracy() + ","
                            + a.stderr() + "\n");
                }
            });
            files.add(ACCURACY);
        }
        plot(dir, ComparisonPlot.FILE, !runs.isEmpty(), () -> ComparisonPlot.write(dir, panels(runs)), files,
                problems);
        plot(dir, ConvergencePlot.FILE, tables.distances().stream().anyMatch(d -> d.distance() > 0),
                () -> ConvergencePlot.write(dir, "distance of finite networks to their limit", series(tables)),
                files, problems);
        List<Curve> features = features(runs);
        plot(dir, FeaturePlot.FILE, !features.isEmpty(),
                () -> FeaturePlot.write(dir, "feature kernel movement of the limits (replica-mean kernels)", features),
                files, problems);
        return new Written(tables, files, problems);
    }

    private static String width(Integer width) {
        return width == null ? "" : width.toString();
    }

    /** The tables of the task folders, without writing anything. */
    public static Tables tables(List<Path> taskFolders) throws IOException {
        return tablesOf(runs(taskFolders));
    }

    private static void plot(Path dir, String file, boolean any, PlotDrawing.Drawing drawing, List<String> files,
                             List<String> problems) {
        if (!any) {
            try {
                Files.deleteIfExists(dir.resolve(file));   // nothing to show yet: no plot of an earlier session
            } catch (IOException e) {
                problems.add("an earlier " + file + " could not be removed (" + e + ")");
            }
            return;
        }
        PlotDrawing.draw(file, drawing).ifPresentOrElse(problems::add, () -> files.add(file));
    }

    private static List<Run> runs(List<Path> taskFolders) throws IOException {
        List<Run> runs = new ArrayList<>();
        for (Path folder : taskFolders) {
            Path summary = folder.resolve(RunOutputs.SUMMARY);
            if (!Files.isRegularFile(summary) || !Files.isRegularFile(folder.resolve(RunOutputs.TRAJECTORY))) {
                continue;
            }
            JsonNode summaryTree = JSON.readTree(summary.toFile());
            JsonNode job = summaryTree.path("job");
            String engine = job.path("engine").asText();
            String source;
            String limit;
            Integer width = null;
            if (engine.equals("finite")) {
                String p = job.path("parametrization").asText();
                limit = p.equals("ntp") ? "nt-limit" : p.equals("mup") ? "mu-limit" : null;
                if (limit == null) {
                    continue;   // sp has no limit to compare with
                }
                source = "finite-" + p;
                width = job.path("network").path("width").asInt();
            } else {
                source = engine;
                limit = engine;
            }
            int components = job.path("network").path("outputs").asInt(1);
            runs.add(new Run(source, limit, width, folder, trajectory(folder.resolve(RunOutputs.TRAJECTORY), source,
                    width, components), components, accuracies(summaryTree.path("finalAccuracy"), source, width)));
        }
        return runs;
    }

    /** A task's {@code finalAccuracy} per split; none when its loss does not classify or it recorded nothing. */
    private static List<Accuracy> accuracies(JsonNode finalAccuracy, String source, Integer width) {
        List<Accuracy> accuracies = new ArrayList<>();
        for (String split : new String[] {"train", "test"}) {
            JsonNode node = finalAccuracy.path(split);
            if (node.isObject()) {
                accuracies.add(new Accuracy(source, width, split, number(node.path("mean")),
                        number(node.path("stderr"))));
            }
        }
        return accuracies;
    }

    /** A number of {@code summary.json}, where null stands for NaN (JSON has no NaN). */
    private static double number(JsonNode node) {
        return node.isNumber() ? node.doubleValue() : Double.NaN;
    }

    /** The rows of a {@code trajectory.csv}, which has a {@code component} column after {@code index} when k > 1. */
    private static List<Row> trajectory(Path file, String source, Integer width, int components) throws IOException {
        List<Row> rows = new ArrayList<>();
        int output = components > 1 ? 4 : 3;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = in.readLine();   // header
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] c = line.split(",", -1);
                rows.add(new Row(source, width, Integer.parseInt(c[0]), c[1], Integer.parseInt(c[2]),
                        components > 1 ? Integer.parseInt(c[3]) : 0, Double.parseDouble(c[output]),
                        Double.parseDouble(c[output + 1])));
            }
        }
        return rows;
    }

    private static Tables tablesOf(List<Run> runs) {
        List<Row> rows = new ArrayList<>();
        runs.forEach(r -> rows.addAll(r.rows()));
        Map<String, Run> limits = new LinkedHashMap<>();
        runs.stream().filter(r -> r.width() == null).forEach(r -> limits.putIfAbsent(r.limit(), r));
        Map<String, Double> floors = new LinkedHashMap<>();
        limits.forEach((name, run) -> {
            double sum = 0;
            for (Row r : run.rows()) {
                sum += r.stderr() * r.stderr();
            }
            floors.put(name, Math.sqrt(sum / run.rows().size()));
        });
        List<Distance> distances = new ArrayList<>();
        for (Run finite : runs) {
            Run limit = finite.width() == null ? null : limits.get(finite.limit());
            if (limit != null) {
                distances.add(distance(finite, limit));
            }
        }
        List<Accuracy> accuracies = new ArrayList<>();
        runs.forEach(r -> accuracies.addAll(r.accuracies()));
        int components = runs.stream().mapToInt(Run::components).max().orElse(1);
        return new Tables(List.copyOf(rows), List.copyOf(distances), floors, components, List.copyOf(accuracies));
    }

    private static Distance distance(Run finite, Run limit) {
        Map<String, Row> reference = new HashMap<>();
        limit.rows().forEach(r -> reference.put(key(r), r));
        List<double[]> pairs = new ArrayList<>();   // {difference, its standard error}
        for (Row r : finite.rows()) {
            Row l = reference.get(key(r));
            if (l != null) {
                pairs.add(new double[] {r.output() - l.output(),
                        Math.sqrt(r.stderr() * r.stderr() + l.stderr() * l.stderr())});
            }
        }
        int k = pairs.size();
        double squares = 0;
        double noise = 0;
        for (double[] p : pairs) {
            squares += p[0] * p[0];
            noise += p[1] * p[1];
        }
        double d = k == 0 ? Double.NaN : Math.sqrt(squares / k);
        double se;
        if (k == 0) {
            se = Double.NaN;
        } else if (d == 0) {
            se = Math.sqrt(noise / k);
        } else {
            double sum = 0;
            for (double[] p : pairs) {
                sum += Math.abs(p[0]) * p[1];
            }
            se = sum / (k * d);
        }
        return new Distance(finite.source(), finite.width(), limit.source(), d, se);
    }

    private static String key(Row r) {
        return r.step() + "," + r.split() + "," + r.index() + "," + r.component();
    }

    /**
     * One row of panels per limit with results: its test inputs (the first {@link ComparisonPlot#MAX_INPUTS}),
     * or its first train inputs when there is no test split; with k > 1 outputs a panel per output of those
     * inputs, still {@link ComparisonPlot#MAX_INPUTS} at most.
     */
    private static List<List<ComparisonPlot.Panel>> panels(List<Run> runs) {
        List<String> limits = new ArrayList<>();
        runs.forEach(r -> {
            if (!limits.contains(r.limit())) {
                limits.add(r.limit());
            }
        });
        List<List<ComparisonPlot.Panel>> rows = new ArrayList<>();
        for (String limit : limits) {
            List<Run> mine = runs.stream().filter(r -> r.limit().equals(limit)).toList();
            Run limitRun = mine.stream().filter(r -> r.width() == null).findFirst().orElse(null);
            List<Run> finite = mine.stream().filter(r -> r.width() != null)
                    .sorted(java.util.Comparator.comparingInt(Run::width)).toList();
            boolean test = mine.stream().anyMatch(r -> r.rows().stream().anyMatch(row -> row.split().equals("test")));
            String split = test ? "test" : "train";
            // (input, component) pairs in order: with k > 1 outputs, the first inputs' outputs one by one
            TreeSet<List<Integer>> outputs = new TreeSet<>(java.util.Comparator.<List<Integer>>comparingInt(o -> o.get(0))
                    .thenComparingInt(o -> o.get(1)));
            mine.forEach(r -> r.rows().stream().filter(row -> row.split().equals(split)).forEach(row -> outputs.add(
                    List.of(row.index(), row.component()))));
            boolean components = mine.stream().anyMatch(r -> r.components() > 1);
            List<ComparisonPlot.Panel> panels = new ArrayList<>();
            for (List<Integer> o : outputs) {
                if (panels.size() == ComparisonPlot.MAX_INPUTS) {
                    break;
                }
                int index = o.get(0);
                int component = o.get(1);
                List<Curve> curves = new ArrayList<>();
                for (Run f : finite) {
                    curves.add(curve("width " + f.width(), f, split, index, component));
                }
                Curve l = limitRun == null ? null : curve(limit + " +-1 s.e.", limitRun, split, index, component);
                panels.add(new ComparisonPlot.Panel(limit + " vs " + Comparison.finiteSource(limit) + ": " + split
                        + " input " + index + (components ? " output " + component : ""), curves, l));
            }
            rows.add(panels);
        }
        return rows;
    }

    private static Curve curve(String name, Run run, String split, int index, int component) {
        List<Row> rows = run.rows().stream().filter(r -> r.split().equals(split) && r.index() == index
                && r.component() == component).toList();
        double[] x = rows.stream().mapToDouble(Row::step).toArray();
        return new Curve(name, x, rows.stream().mapToDouble(Row::output).toArray(),
                rows.stream().mapToDouble(Row::stderr).toArray());
    }

    private static List<ConvergencePlot.Series> series(Tables tables) {
        Map<String, List<Distance>> bySource = new LinkedHashMap<>();
        tables.distances().forEach(d -> bySource.computeIfAbsent(d.source() + " vs " + d.limit(),
                s -> new ArrayList<>()).add(d));
        List<ConvergencePlot.Series> series = new ArrayList<>();
        bySource.forEach((name, list) -> {
            List<Distance> sorted = list.stream().sorted(java.util.Comparator.comparingInt(Distance::width)).toList();
            series.add(new ConvergencePlot.Series(name, sorted.stream().mapToDouble(Distance::width).toArray(),
                    sorted.stream().mapToDouble(Distance::distance).toArray(),
                    sorted.stream().mapToDouble(Distance::stderr).toArray(),
                    tables.floors().getOrDefault(sorted.get(0).limit(), Double.NaN)));
        });
        return series;
    }

    /**
     * Per limit with a {@code features.csv} and per hidden layer, {@code |K_t - K_0|_F / |K_0|_F} of the
     * replica-mean kernels at every recorded step (no band: the file has no per-replica kernels).
     */
    private static List<Curve> features(List<Run> runs) throws IOException {
        List<Curve> curves = new ArrayList<>();
        for (Run run : runs) {
            Path file = run.folder().resolve(RunOutputs.FEATURES);
            if (run.width() != null || !Files.isRegularFile(file)) {
                continue;
            }
            // layer -> step -> "i,j" -> value
            Map<Integer, TreeMap<Integer, Map<String, Double>>> kernels = new TreeMap<>();
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line = in.readLine();
                while ((line = in.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    String[] c = line.split(",", -1);
                    kernels.computeIfAbsent(Integer.parseInt(c[1]), l -> new TreeMap<>())
                            .computeIfAbsent(Integer.parseInt(c[0]), s -> new HashMap<>())
                            .put(c[2] + "," + c[3], Double.parseDouble(c[4]));
                }
            }
            kernels.forEach((layer, bySteps) -> {
                Map<String, Double> start = bySteps.firstEntry().getValue();
                double norm = 0;
                for (double v : start.values()) {
                    norm += v * v;
                }
                double[] x = new double[bySteps.size()];
                double[] y = new double[x.length];
                int k = 0;
                for (var step : bySteps.entrySet()) {
                    double sum = 0;
                    for (var e : step.getValue().entrySet()) {
                        double d = e.getValue() - start.getOrDefault(e.getKey(), Double.NaN);
                        sum += d * d;
                    }
                    x[k] = step.getKey();
                    y[k++] = Math.sqrt(sum / norm);
                }
                double[] none = new double[x.length];
                java.util.Arrays.fill(none, Double.NaN);
                curves.add(new Curve(run.source() + " layer " + layer, x, y, none));
            });
        }
        return curves;
    }
}
