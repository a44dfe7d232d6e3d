package io.github.infinitewidth.job;

import io.github.infinitewidth.report.SweepPlot;
import io.github.infinitewidth.util.InvalidSpecException;
import io.github.infinitewidth.train.Loss;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The files of a sweep folder (JOB-SPEC.md, "Sweeps"): {@code sweep.json} (which sweep this is),
 * {@code sweep.csv} (one row per task with results in the folder) and {@code tasks/<task id>/},
 * each a run folder as {@code run} writes it, plus {@code error.txt} when the task failed.
 * Everything is derived from the task folders, so {@code sweep.csv} can be rebuilt at any time
 * and shards may share one folder.
 */
public final class SweepOutputs {
    /** The table of results. */
    public static final String TABLE = "sweep.csv";
    /** Which sweep the folder holds. */
    public static final String DESCRIPTION = "sweep.json";
    /** The folder of the task folders. */
    public static final String TASKS = "tasks";
    /** In a task folder: why the task failed. */
    public static final String ERROR = "error.txt";
    /** The columns after the task id and the grid values. */
    public static final List<String> RESULT_COLUMNS = List.of("final_train_loss", "final_train_loss_stderr",
            "final_test_loss", "final_test_loss_stderr", "status");
    /**
     * The columns after {@link #RESULT_COLUMNS} when some task's loss classifies (logistic, cross-entropy):
     * {@code finalAccuracy} of its {@code summary.json}, blank for a task whose loss does not classify.
     */
    public static final List<String> ACCURACY_COLUMNS = List.of("final_train_accuracy",
            "final_train_accuracy_stderr", "final_test_accuracy", "final_test_accuracy_stderr");
    static final String FORMAT = "infinitewidth-sweep";
    /** 2: {@code sweepSha256} from the sweep file's grid and base job, {@code taskCount}, tasks listed up to {@link #LISTED_TASKS}. */
    static final int VERSION = 2;
    /** {@code sweep.json} lists every task's id and seed when there are at most this many. */
    static final int LISTED_TASKS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SweepOutputs() {}

    /** What a task's folder says about it. */
    public enum State {
        /** Nothing yet, or a checkpoint to resume from. */
        PENDING,
        /** {@code summary.json} with status completed. */
        COMPLETED,
        /** {@code summary.json} with status diverged. */
        DIVERGED,
        /** {@code error.txt} and no summary. */
        FAILED;

        public String spelling() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The folder of task {@code task} in the sweep folder {@code dir}. */
    public static Path taskFolder(Path dir, Sweep.Task task) {
        return dir.resolve(TASKS).resolve(task.id());
    }

    /**
     * The header of {@code sweep.csv}: {@code task}, the grid fields, then {@link #RESULT_COLUMNS}, and
     * {@link #ACCURACY_COLUMNS} when some task's loss classifies.
     */
    public static List<String> columns(Sweep sweep) {
        List<String> columns = new ArrayList<>();
        columns.add("task");
        sweep.grid().forEach(f -> columns.add(f.name()));
        columns.addAll(RESULT_COLUMNS);
        if (classifies(sweep)) {
            columns.addAll(ACCURACY_COLUMNS);
        }
        return columns;
    }

    /**
     * Whether some task's loss classifies: one of the grid's {@code loss} values, else the loss all tasks
     * share, the base job's (read from its file rather than from a task's job: the tasks of a large grid
     * are built on demand, and this is asked after every task).
     */
    static boolean classifies(Sweep sweep) {
        for (Sweep.Field f : sweep.grid()) {
            if (f.name().equals("loss")) {
                return f.values().stream().anyMatch(v -> Loss.parse(v.asText()).classifies());
            }
        }
        JsonNode loss = JobFile.tree(sweep.base()).get("loss");
        return loss != null && Loss.parse(loss.asText()).classifies();   // absent: mse, the job file's default
    }

    /**
     * The state of a task from its folder.
     *
     * @throws InvalidSpecException when the folder holds the finished run of a different job
     */
    public static State state(Path dir, Sweep.Task task) {
        Path folder = taskFolder(dir, task);
        JsonNode summary = summary(folder);
        if (summary != null) {
            String different = JobIdentity.difference(JobIdentity.of(summary.path("job")), JobIdentity.of(task.job()));
            if (different != null) {
                throw new InvalidSpecException("task " + task.id(), "in " + folder + " is the run of a different job ("
                        + different + "); use another --out for a changed sweep");
            }
            return "diverged".equals(summary.path("status").asText()) ? State.DIVERGED : State.COMPLETED;
        }
        return Files.exists(folder.resolve(ERROR)) ? State.FAILED : State.PENDING;
    }

    /** Records why a task failed: the message, then the stack trace. */
    public static void writeError(Path dir, Sweep.Task task, Throwable e) throws IOException {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            e.printStackTrace(out);
        }
        Path folder = Files.createDirectories(taskFolder(dir, task));
        AtomicFiles.write(folder, ERROR, w -> w.write(text.toString()));
    }

    /** Removes a task's earlier failure before it runs again. */
    public static void clearError(Path dir, Sweep.Task task) throws IOException {
        Files.deleteIfExists(taskFolder(dir, task).resolve(ERROR));
    }

    /**
     * Refuses a folder that holds another sweep (a different sweep file, base job or version), so
     * that continuing a sweep never mixes the results of two.
     */
    public static void requireSameSweep(Path dir, Sweep sweep) {
        Path file = dir.resolve(DESCRIPTION);
        if (!Files.exists(file)) {
            return;
        }
        JsonNode there = readDescription(file);
        // version 1 hashed every task: computed only for such a folder, whose sweep.json is then rewritten
        String here = there.path("version").asInt() == 1 ? sweep.sha256OfTasks() : sweep.sha256();
        if (!here.equals(there.path("sweepSha256").asText())) {
            throw new InvalidSpecException("--out", dir + " holds the outputs of a different sweep (" + DESCRIPTION
                    + " does not match this sweep file and its base job); use another --out");
        }
    }

    /**
     * Writes {@code sweep.json}: format, version, fingerprint, files, grid, columns, the number of tasks
     * and, for a sweep of at most {@link #LISTED_TASKS} tasks, every task's id and seed. Every shard
     * writes the same file.
     */
    public static void writeDescription(Path dir, Sweep sweep) throws IOException {
        writeDescription(dir, sweep, null);
    }

    /**
     * {@link #writeDescription(Path, Sweep)} with a {@code kind} after {@code version} when it is not
     * null: {@code compare} for the folder of a comparison ({@link Comparison}), which {@code merge} then
     * completes with the comparison's files.
     */
    public static void writeDescription(Path dir, Sweep sweep, String kind) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        if (kind != null) {
            root.put("kind", kind);
        }
        root.put("sweepSha256", sweep.sha256());
        root.put("sweepFile", sweep.file().toString());
        root.put("base", sweep.base().toString());
        ObjectNode grid = root.putObject("grid");
        for (Sweep.Field f : sweep.grid()) {
            ArrayNode values = grid.putArray(f.name());
            f.values().forEach(values::add);
        }
        ArrayNode columns = root.putArray("columns");
        columns(sweep).forEach(columns::add);
        root.put("taskCount", sweep.tasks().size());
        if (sweep.tasks().size() <= LISTED_TASKS) {
            ArrayNode tasks = root.putArray("tasks");
            for (Sweep.Task t : sweep.tasks()) {
                ObjectNode task = tasks.addObject();
                task.put("id", t.id());
                task.put("seed", t.seed());
            }
        }
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        writeShared(dir, DESCRIPTION, text);
    }

    /**
     * Rewrites {@code sweep.csv} from the task folders: one row per task that completed, diverged or
     * failed, in task order. Only the task folders present are looked at, so the time does not grow
     * with the grid's size. Safe when several shards share the folder: each writes a complete table
     * under a name of its own and renames it into place.
     *
     * @return the number of rows by state
     */
    public static Map<State, Integer> writeTable(Path dir, Sweep sweep) throws IOException {
        Map<State, Integer> counts = new TreeMap<>();
        boolean accuracy = classifies(sweep);
        StringBuilder text = new StringBuilder(csvLine(columns(sweep)));
        for (Sweep.Task task : present(dir, sweep)) {
            State state = state(dir, task);
            if (state == State.PENDING) {
                continue;
            }
            counts.merge(state, 1, Integer::sum);
            List<String> cells = new ArrayList<>();
            cells.add(task.id());
            sweep.grid().forEach(f -> cells.add(task.value(f.name())));
            JsonNode summary = state == State.FAILED ? null : summary(taskFolder(dir, task));
            perSplit(cells, summary == null ? null : summary.path("finalLoss"));
            cells.add(state.spelling());
            if (accuracy) {
                JsonNode right = summary == null ? null : summary.get("finalAccuracy");
                if (right == null && summary != null) {
                    cells.addAll(List.of("", "", "", ""));   // a task of a loss without classes, in a grid over losses
                } else {
                    perSplit(cells, right);
                }
            }
            text.append(csvLine(cells));
        }
        writeShared(dir, TABLE, text.toString());
        return counts;
    }

    /** Mean and standard error of train and test from {@code finalLoss} or {@code finalAccuracy}; NaN when absent. */
    private static void perSplit(List<String> cells, JsonNode node) {
        for (String split : List.of("train", "test")) {
            cells.add(number(node == null ? null : node.path(split).path("mean")));
            cells.add(number(node == null ? null : node.path(split).path("stderr")));
        }
    }

    /** The tasks of the sweep that have a folder in {@code dir}, in task order. */
    private static List<Sweep.Task> present(Path dir, Sweep sweep) throws IOException {
        List<Sweep.Task> present = new ArrayList<>();
        for (Map.Entry<Integer, String> folder : taskFolders(dir).entrySet()) {
            if (folder.getKey() < sweep.tasks().size()) {
                Sweep.Task task = sweep.tasks().get(folder.getKey());
                if (task.id().equals(folder.getValue())) {
                    present.add(task);
                }
            }
        }
        return present;
    }

    /** The names of the folders in {@code dir/tasks} that start with a task index, by index. */
    private static Map<Integer, String> taskFolders(Path dir) throws IOException {
        Map<Integer, String> folders = new TreeMap<>();
        Path tasks = dir.resolve(TASKS);
        if (!Files.isDirectory(tasks)) {
            return folders;
        }
        try (java.util.stream.Stream<Path> list = Files.list(tasks)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p) && !name.isEmpty() && Character.isDigit(name.charAt(0))) {
                    try {
                        folders.put(Sweep.index(name), name);
                    } catch (IllegalArgumentException notATask) {
                        // a folder of someone else's: not a task
                    }
                }
            }
        } catch (IOException e) {
            throw AtomicFiles.failed("list", tasks, e);
        }
        return folders;
    }

    /**
     * What {@link #merge} did.
     *
     * @param kind    the description's {@code kind} ({@code compare}), or null for a plain sweep
     * @param folders every task folder found in the inputs, by task index (each task is in one input)
     */
    public record Merged(int rows, int tasks, List<String> missing, String kind, Map<Integer, Path> folders) { }

    /**
     * Combines the {@code sweep.csv} of shard folders of one sweep into {@code out/sweep.csv} (rows in
     * task order) and copies {@code sweep.json}. Every input is read before anything is written.
     *
     * @throws InvalidSpecException when an input is not a sweep folder, the inputs hold different
     *     sweeps, or a task appears in two of them
     */
    public static Merged merge(List<Path> inputs, Path out) throws IOException {
        String firstSha = null;
        JsonNode description = null;
        String header = null;
        Map<Integer, String> rows = new TreeMap<>();
        Map<Integer, Path> from = new TreeMap<>();
        for (Path input : inputs) {
            Path file = input.resolve(DESCRIPTION);
            if (!Files.isRegularFile(file) || !Files.isRegularFile(input.resolve(TABLE))) {
                throw new InvalidSpecException("merge", input + " is not a sweep folder (it has no " + DESCRIPTION
                        + " and " + TABLE + ")");
            }
            JsonNode d = readDescription(file);
            String sha = d.path("sweepSha256").asText();
            if (firstSha == null) {
                firstSha = sha;
                description = d;
            } else if (d.path("version").asInt() != description.path("version").asInt()) {
                throw new InvalidSpecException("merge", input + " has a " + DESCRIPTION + " of version "
                        + d.path("version").asInt() + " and " + inputs.get(0) + " one of version "
                        + description.path("version").asInt() + "; run the older shard's sweep again with this"
                        + " version (it skips finished tasks and rewrites " + DESCRIPTION + "), then merge");
            } else if (!firstSha.equals(sha)) {
                throw new InvalidSpecException("merge", input + " holds a different sweep than " + inputs.get(0)
                        + " (their " + DESCRIPTION + " differ); merge the shards of one sweep only");
            }
            List<String> lines = readTable(input.resolve(TABLE));
            if (lines.isEmpty()) {
                throw new InvalidSpecException("merge", input.resolve(TABLE) + " is empty");
            }
            if (header == null) {
                header = lines.get(0);
            } else if (!header.equals(lines.get(0))) {
                throw new InvalidSpecException("merge", input.resolve(TABLE) + " has other columns than "
                        + inputs.get(0).resolve(TABLE));
            }
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                int index;
                try {
                    index = Sweep.index(line);
                } catch (IllegalArgumentException e) {
                    throw new InvalidSpecException("merge", input.resolve(TABLE) + " has a row that starts with no"
                            + " task id: " + line);
                }
                if (rows.containsKey(index)) {
                    throw new InvalidSpecException("merge", "task " + line.substring(0, line.indexOf(','))
                            + " is in both " + from.get(index) + " and " + input + "; merge each shard once");
                }
                rows.put(index, line);
                from.put(index, input);
            }
        }
        JsonNode tasks = description.path("tasks");
        int count = description.has("taskCount") ? description.path("taskCount").asInt() : tasks.size();
        int width = Math.max(4, Integer.toString(count - 1).length());
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (!rows.containsKey(i)) {
                // a sweep of more tasks than sweep.json lists names a missing task by its index
                missing.add(tasks.has(i) ? tasks.get(i).path("id").asText() : String.format("%0" + width + "d", i));
            }
        }
        Files.createDirectories(out);
        StringBuilder text = new StringBuilder(header).append('\n');
        rows.values().forEach(r -> text.append(r).append('\n'));
        writeShared(out, DESCRIPTION, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(description) + "\n");
        writeShared(out, TABLE, text.toString());
        Map<Integer, Path> folders = new TreeMap<>();
        for (Path input : inputs) {
            for (Map.Entry<Integer, String> folder : taskFolders(input).entrySet()) {
                Path path = input.resolve(TASKS).resolve(folder.getValue());
                if (folder.getKey() < count && Files.isRegularFile(path.resolve(RunOutputs.SUMMARY))) {
                    folders.putIfAbsent(folder.getKey(), path);
                }
            }
        }
        JsonNode kind = description.get("kind");
        return new Merged(rows.size(), count, missing, kind == null ? null : kind.asText(), folders);
    }

    private static JsonNode summary(Path folder) {
        Path file = folder.resolve(RunOutputs.SUMMARY);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode summary = JSON.readTree(file.toFile());
            return summary != null && summary.has("status") ? summary : null;
        } catch (IOException e) {
            return null;   // written atomically, so only a foreign file is unreadable: not a result
        }
    }

    /** A shard's {@code sweep.csv}; one that cannot be read (not UTF-8, say) is bad input naming it. */
    private static List<String> readTable(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidSpecException("merge", file + " is not UTF-8 text (" + e.getMessage() + "): it was not"
                    + " written by a sweep; run that shard again to rewrite it");
        } catch (IOException e) {
            throw new InvalidSpecException("merge", file + " cannot be read: " + e);
        }
    }

    private static JsonNode readDescription(Path file) {
        try {
            JsonNode d = JSON.readTree(file.toFile());
            if (d == null || !FORMAT.equals(d.path("format").asText())) {
                throw new InvalidSpecException(DESCRIPTION, file + " is not a " + FORMAT + " description");
            }
            return d;
        } catch (IOException e) {
            throw new InvalidSpecException(DESCRIPTION, file + " cannot be read: " + e.getMessage());
        }
    }

    /** A number cell: the JSON number as Java writes it, {@code NaN} for null or absent. */
    private static String number(JsonNode value) {
        return value == null || !value.isNumber() ? "NaN" : Double.toString(value.doubleValue());
    }

    /**
     * Draws {@code sweep.png} from the folder's {@code sweep.csv} and {@code sweep.json}
     * ({@link SweepPlots}). A plot is no result: when it cannot be drawn, the table stands and the
     * reason is returned instead of thrown.
     *
     * @return why the plot was not drawn, or empty when it was
     */
    public static Optional<String> writePlot(Path dir) {
        return PlotDrawing.draw(SweepPlot.FILE, () -> SweepPlots.write(dir));
    }

    /** The cells of one line that {@link #csvLine} wrote. */
    static List<String> csvCells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                cell.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    /** One CSV line; cells with a comma, quote or line break are quoted (RFC 4180). */
    static String csvLine(List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (String cell : cells) {
            if (line.length() > 0) {
                line.append(',');
            }
            if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
                line.append('"').append(cell.replace("\"", "\"\"")).append('"');
            } else {
                line.append(cell);
            }
        }
        return line.append('\n').toString();
    }

    /**
     * Writes a file atomically under a temporary name unique to this writer, so that processes
     * sharing the folder never write into each other's temporary file. Not Files.createTempFile:
     * its owner-only permissions would stay on the renamed file, which is to honour the umask like
     * every other output.
     */
    private static void writeShared(Path dir, String name, String text) throws IOException {
        Path tmp = dir.resolve(name + "." + UUID.randomUUID() + ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                out.write(text);
            } catch (IOException e) {
                throw AtomicFiles.failed("write", tmp, e);
            }
            try {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw AtomicFiles.failed("rename " + tmp + " to", dir.resolve(name), e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
