package io.github.infinitewidth.job;

import io.github.infinitewidth.report.SweepPlot;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sweep.png} of a sweep folder, drawn from its {@code sweep.csv} and the grid in
 * {@code sweep.json}, so that {@code sweep} and {@code merge} draw the same picture from the same
 * table. The x axis is {@code optimizer.learningRate} when it varies, else the first varied grid
 * field whose values are all numbers (the title says so), else the task index; every other varied
 * field splits the tasks into curves. Failed tasks have no result and are left out; without any
 * result there is no plot.
 */
final class SweepPlots {
    static final String LEARNING_RATE = "optimizer.learningRate";
    /** The engines whose tasks {@code sweep.png} dashes. */
    private static final List<String> LIMITS = List.of("nt-limit", "mu-limit");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SweepPlots() {}

    static void write(Path dir) throws IOException {
        Map<String, List<String>> grid = grid(JSON.readTree(dir.resolve(SweepOutputs.DESCRIPTION).toFile()));
        List<String> varied = grid.keySet().stream().filter(f -> grid.get(f).size() > 1).toList();
        String x = xField(grid, varied);
        Map<String, String> shortNames = Sweep.shortNames(varied);
        List<String> lines = Files.readAllLines(dir.resolve(SweepOutputs.TABLE), StandardCharsets.UTF_8);
        List<String> header = SweepOutputs.csvCells(lines.get(0));
        List<SweepPlot.Point> points = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            List<String> cells = SweepOutputs.csvCells(line);
            for (int c = 0; c < header.size() && c < cells.size(); c++) {
                row.put(header.get(c), cells.get(c));
            }
            String status = row.get("status");
            if (!"completed".equals(status) && !"diverged".equals(status)) {
                continue;
            }
            StringBuilder series = new StringBuilder();
            for (String f : varied) {
                if (!f.equals(x) && !row.get(f).isEmpty()) {
                    series.append(series.length() == 0 ? "" : " ").append(shortNames.get(f)).append('=')
                            .append(row.get(f));
                }
            }
            double xValue = x == null ? Sweep.index(row.get("task")) : number(row.get(x));
            points.add(new SweepPlot.Point(series.length() == 0 ? "all tasks" : series.toString(), xValue,
                    number(row.get("final_train_loss")), number(row.get("final_train_loss_stderr")),
                    number(row.get("final_test_loss")), number(row.get("final_test_loss_stderr")),
                    "diverged".equals(status), isLimit(dir, row)));
        }
        if (points.isEmpty()) {
            Files.deleteIfExists(dir.resolve(SweepPlot.FILE));   // no results (yet): nothing to show
            return;
        }
        String name = x == null ? "task" : shortNames.getOrDefault(x, x);
        String title = x == null ? "final loss by task (no numeric grid field varies)"
                : "final loss against " + name + (x.equals(LEARNING_RATE) ? "" : " (the learning rate is not varied)");
        SweepPlot.write(dir, title, x == null ? "task index" : x, points);
    }

    /** Whether the task of a {@code sweep.csv} row ran a limit engine, as far as {@link #engine} knows. */
    static boolean isLimit(Path dir, Map<String, String> row) {
        String engine = engine(dir, row);
        return engine != null && LIMITS.contains(engine);   // List.of refuses to look for null
    }

    /**
     * The engine of a task: its grid value when the engine varies, else the one its {@code summary.json}
     * names (the base job's); null when neither says (a merged table without its task folders, or a
     * summary being rewritten: the plot then draws the task solid rather than fail).
     */
    private static String engine(Path dir, Map<String, String> row) {
        if (row.containsKey("engine") && !row.get("engine").isEmpty()) {
            return row.get("engine");
        }
        Path summary = dir.resolve(SweepOutputs.TASKS).resolve(row.get("task")).resolve(RunOutputs.SUMMARY);
        try {
            return Files.isRegularFile(summary) ? JSON.readTree(summary.toFile()).path("engine").asText(null) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The grid of {@code sweep.json}: field to its values as {@code sweep.csv} writes them. */
    private static Map<String, List<String>> grid(JsonNode description) {
        Map<String, List<String>> grid = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = description.path("grid").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            List<String> values = new ArrayList<>();
            field.getValue().forEach(v -> values.add(Sweep.text(v)));
            grid.put(field.getKey(), values);
        }
        return grid;
    }

    /** The learning rate when it varies, else the first varied field of numbers only, else null. */
    static String xField(Map<String, List<String>> grid, List<String> varied) {
        if (varied.contains(LEARNING_RATE)) {
            return LEARNING_RATE;
        }
        for (String f : varied) {
            if (grid.get(f).stream().allMatch(v -> Double.isFinite(number(v)))) {
                return f;
            }
        }
        return null;
    }

    /** A number cell; NaN for a blank cell, text or {@code NaN}. */
    private static double number(String cell) {
        try {
            return cell == null || cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
