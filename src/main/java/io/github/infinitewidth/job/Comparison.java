package io.github.infinitewidth.job;

import io.github.infinitewidth.util.InvalidSpecException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code compare} (JOB-SPEC.md, "Comparing limits with finite networks"): a job's limit engines next to
 * finite networks of several widths in the matching parametrization, on the same data, optimizer, loss
 * and steps, as a {@link Sweep} whose tasks are the limit runs and the finite runs. {@code nt-limit}
 * pairs with finite NTP networks, {@code mu-limit} with finite muP networks. Every task keeps the job's
 * {@code simulation.seed} (a finite task's networks are its replicas, one seed each, as the finite engine
 * makes them) and its {@code simulation.centerOutput}, which applies to every task alike (default true:
 * every curve starts at 0).
 *
 * <p>Tasks, in order: for each limit engine as listed, the limit run, then the finite runs at each width
 * as listed. Ids: {@code 0000_nt-limit}, {@code 0001_finite-ntp_width=256}, ...
 *
 * @param job     the job file
 * @param engines the limit engines compared
 * @param widths  the finite widths
 * @param sweep   the tasks, as a sweep of that job
 */
public record Comparison(Path job, List<String> engines, List<Integer> widths, Sweep sweep) {
    /** The limit engines and the finite parametrization each pairs with. */
    public static final Map<String, String> PARAMETRIZATION = Map.of("nt-limit", "ntp", "mu-limit", "mup");
    /** The limit engines in their default order. */
    public static final List<String> LIMITS = List.of("nt-limit", "mu-limit");
    /** {@code sweep.json}'s {@code kind} for a comparison folder. */
    public static final String KIND = "compare";

    /** The {@code source} of finite networks that pair with {@code limit}: {@code finite-ntp} or {@code finite-mup}. */
    public static String finiteSource(String limit) {
        return "finite-" + PARAMETRIZATION.get(limit);
    }

    /**
     * Parses {@code --widths}: a comma-separated list of positive whole numbers, each once.
     *
     * @throws InvalidSpecException naming {@code --widths}
     */
    public static List<Integer> widths(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidSpecException("--widths", "is empty: give the finite widths, e.g. 256,1024,4096");
        }
        List<Integer> widths = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String w = part.strip();
            int width;
            try {
                width = Integer.parseInt(w);
            } catch (NumberFormatException e) {
                throw new InvalidSpecException("--widths", "must be positive whole numbers separated by commas, got "
                        + (w.isEmpty() ? "an empty entry" : w) + " in " + text);
            }
            if (width < 1) {
                throw new InvalidSpecException("--widths", "must be positive whole numbers, got " + width);
            }
            if (widths.contains(width)) {
                throw new InvalidSpecException("--widths", "lists " + width + " twice");
            }
            widths.add(width);
        }
        return List.copyOf(widths);
    }

    /**
     * Parses {@code --engines}: a comma-separated list of {@code nt-limit} and {@code mu-limit}, each once.
     *
     * @throws InvalidSpecException naming {@code --engines}
     */
    public static List<String> engines(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidSpecException("--engines", "is empty: give nt-limit, mu-limit or both");
        }
        List<String> engines = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String e = part.strip();
            if (!PARAMETRIZATION.containsKey(e)) {
                throw new InvalidSpecException("--engines", "must be limit engines (nt-limit, mu-limit), got "
                        + (e.isEmpty() ? "an empty entry" : e));
            }
            if (engines.contains(e)) {
                throw new InvalidSpecException("--engines", "lists " + e + " twice");
            }
            engines.add(e);
        }
        return List.copyOf(engines);
    }

    /**
     * Reads the job file and builds every task's job.
     *
     * @param engines the limit engines; null for the job's own engine when it is a limit engine, else both
     * @throws InvalidSpecException naming the field or the task and the problem
     */
    public static Comparison read(Path jobFile, List<Integer> widths, List<String> engines, Overrides overrides) {
        if (!Files.isRegularFile(jobFile)) {
            throw new InvalidSpecException("job file", jobFile + " does not exist");
        }
        ObjectNode base = JobFile.tree(jobFile, "job file", "engine, network, ...");
        overrides.applyTo(base);
        // the job as written must be valid in itself: its mistakes are named as the file's, not a task's
        Job own = JobFile.read(base.deepCopy(), jobFile);
        List<String> limits = engines != null ? engines
                : PARAMETRIZATION.containsKey(own.engine()) ? List.of(own.engine()) : LIMITS;
        boolean center = own.experiment().simulation().centerOutput();
        if (own.engine().equals("finite") && !base.path("simulation").has("centerOutput")) {
            center = true;   // a finite muP job defaults to false; a comparison centers unless told not to
        }
        long seed = own.experiment().simulation().seed();
        List<Sweep.Task> tasks = new ArrayList<>();
        int digits = 4;
        for (String limit : limits) {
            tasks.add(task(tasks.size(), digits, base, jobFile, limit, null, center, seed));
            for (int w : widths) {
                tasks.add(task(tasks.size(), digits, base, jobFile, limit, w, center, seed));
            }
        }
        List<Sweep.Field> grid = new ArrayList<>();
        grid.add(new Sweep.Field("engine", values(limits.stream().map(TextNode::valueOf).toList(), "finite")));
        grid.add(new Sweep.Field("parametrization",
                limits.stream().map(l -> (JsonNode) TextNode.valueOf(PARAMETRIZATION.get(l))).toList()));
        grid.add(new Sweep.Field("network.width", widths.stream().map(w -> (JsonNode) IntNode.valueOf(w)).toList()));
        return new Comparison(jobFile, List.copyOf(limits), List.copyOf(widths),
                new Sweep(jobFile, jobFile, List.copyOf(grid), List.copyOf(tasks)));
    }

    private static List<JsonNode> values(List<TextNode> limits, String finite) {
        List<JsonNode> values = new ArrayList<>(limits);
        values.add(TextNode.valueOf(finite));
        return values;
    }

    /** One task: the limit run (width null) or a finite run of the limit's parametrization. */
    private static Sweep.Task task(int index, int digits, ObjectNode base, Path jobFile, String limit, Integer width,
                                   boolean center, long seed) {
        ObjectNode tree = base.deepCopy();
        Map<String, JsonNode> values = new LinkedHashMap<>();
        String source;
        if (width == null) {
            source = limit;
            tree.put("engine", limit);
            tree.remove("parametrization");
            values.put("engine", TextNode.valueOf(limit));
        } else {
            source = finiteSource(limit);
            tree.put("engine", "finite");
            tree.put("parametrization", PARAMETRIZATION.get(limit));
            section(tree, "network").put("width", width);
            values.put("engine", TextNode.valueOf("finite"));
            values.put("parametrization", TextNode.valueOf(PARAMETRIZATION.get(limit)));
            values.put("network.width", IntNode.valueOf(width));
        }
        section(tree, "simulation").put("centerOutput", center).put("seed", seed);
        String id = String.format("%0" + digits + "d", index) + "_" + source + (width == null ? "" : "_width=" + width);
        Job job;
        try {
            job = JobFile.read(tree, jobFile);
        } catch (InvalidSpecException e) {
            throw new InvalidSpecException("task " + id, "has a problem: " + e.getMessage());
        }
        return new Sweep.Task(index, id, Collections.unmodifiableMap(values), seed, job);
    }

    private static ObjectNode section(ObjectNode node, String name) {
        JsonNode existing = node.get(name);
        if (existing == null || existing.isNull()) {
            return node.putObject(name);
        }
        return existing.isObject() ? (ObjectNode) existing : JsonNodeFactory.instance.objectNode();
    }

    /** The task folders of this comparison in {@code dir}, in task order. */
    public List<Path> taskFolders(Path dir) {
        return sweep.tasks().stream().map(t -> SweepOutputs.taskFolder(dir, t)).toList();
    }

    /** The default output folder: {@code runs/<job file name without extension>-compare}. */
    public static Path defaultOut(Path jobFile) {
        String name = jobFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return Path.of("runs", (dot > 0 ? name.substring(0, dot) : name) + "-compare");
    }
}
