package io.github.infinitewidth.job;

import io.github.infinitewidth.util.InvalidSpecException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A sweep file (JOB-SPEC.md, "Sweeps"): a base job and a grid of job fields to lists of values.
 * Every grid point is a task, a complete job of its own:
 * <pre>
 * base: job.yaml                       # relative to the sweep file
 * grid:
 *   optimizer.learningRate: [0.01, 0.1, 1]
 *   engine: [mu-limit, nt-limit, finite]
 *   network.width: [256, 1024]
 * </pre>
 * <ul>
 *   <li><b>Order.</b> Tasks are the cartesian product of the grid with the first field varying
 *   slowest (nested loops in the order the fields are written); task i is the i-th point left after
 *   dropping repeats (below).</li>
 *   <li><b>Fields that do not apply</b> are ignored for a task and left blank in {@code sweep.csv}:
 *   {@code network.width} and {@code parametrization} apply to {@code finite} only;
 *   {@code simulation.particles} to the limit engines; {@code simulation.kernels} to {@code nt-limit};
 *   {@code simulation.centerOutput} to {@code nt-limit} and {@code finite} with {@code ntp} or {@code mup};
 *   {@code optimizer.epsilon} to smoothsign and adam, {@code beta1} to momentum and adam,
 *   {@code beta2} to adam; {@code optimizer.schedule.decaySteps} and {@code finalFactor} to linear and
 *   cosine schedules, {@code stepEvery} and {@code gamma} to step schedules. Grid points that differ
 *   only in ignored fields are the same task, which
 *   runs once (the first point in the order). For a limit engine the base's {@code parametrization}
 *   is dropped too (the limit implies its own).</li>
 *   <li><b>Task ids</b> are the index, zero-padded to at least 4 digits, then {@code _name=value}
 *   for every applicable grid field with more than one value, with {@code name} the last part of the
 *   dotted field (the whole field when two grid fields end alike) and characters other than {@code A-Z a-z 0-9 . + -}
 *   replaced by {@code _}, the description cut at 100 characters:
 *   {@code 0007_learningRate=0.1_engine=mu-limit}.</li>
 *   <li><b>Seeds.</b> Task seeds are {@link #seed derived} from the base job's {@code simulation.seed}
 *   and the task's own grid values, never from its index or shard, so every shard split, every
 *   {@code --parallel} and every extension of the grid by more values gives each task the same seed.
 *   A grid over {@code simulation.seed} itself sets the seed as given.</li>
 * </ul>
 *
 * @param file the sweep file
 * @param base the base job file
 * @param grid the grid fields in file order
 * @param tasks every task of the sweep, in order; for a sweep file each made when asked for, found
 *              from its index without visiting the others
 */
public record Sweep(Path file, Path base, List<Field> grid, List<Task> tasks) {
    /** The grid fields a sweep can vary, in the order JOB-SPEC.md lists them. */
    public static final List<String> FIELDS = List.of("engine", "parametrization", "loss",
            "network.hiddenLayers", "network.activation", "network.width", "network.bias",
            "network.initStd.input", "network.initStd.hidden", "network.initStd.output", "network.initStd.bias",
            "optimizer.type", "optimizer.learningRate",
            "optimizer.layerMultipliers.input", "optimizer.layerMultipliers.hidden", "optimizer.layerMultipliers.output",
            "optimizer.layerMultipliers.bias",
            "optimizer.epsilon", "optimizer.beta1", "optimizer.beta2", "optimizer.weightDecay",
            "optimizer.schedule.type", "optimizer.schedule.warmupSteps", "optimizer.schedule.decaySteps",
            "optimizer.schedule.finalFactor", "optimizer.schedule.stepEvery", "optimizer.schedule.gamma",
            "training.steps", "training.batchSize", "training.shuffle", "training.recordEvery",
            "simulation.particles", "simulation.replicas", "simulation.seed", "simulation.backend",
            "simulation.precision", "simulation.centerOutput", "simulation.kernels", "simulation.memoryLimitMiB",
            "simulation.checkpointEvery", "simulation.checkpointMinutes", "simulation.pairPrecision");
    /** The most grid points a sweep may have. */
    private static final long MAX_POINTS = 1_000_000;
    /** Descriptions longer than this are cut (the index keeps ids unique). */
    private static final int DESCRIPTION_LIMIT = 100;
    private static final String SEED_FIELD = "simulation.seed";
    /** The grid fields on which it depends whether the other fields apply to a task ({@link #applicable}). */
    private static final Set<String> DECIDING = Set.of("engine", "optimizer.type", "parametrization",
            "optimizer.schedule.type", "network.bias");
    /** Told each time a grid task's job is built: lets tests count the jobs a sweep builds. */
    static volatile Runnable jobBuilt;

    /** One grid field and its values, as written. */
    public record Field(String name, List<JsonNode> values) { }

    /**
     * One task: its position in the sweep, its id, the grid values that apply to it (grid order),
     * its seed and its job.
     */
    public record Task(int index, String id, Map<String, JsonNode> values, long seed, Supplier<Job> source) {
        /** A task whose job is built already. */
        public Task(int index, String id, Map<String, JsonNode> values, long seed, Job job) {
            this(index, id, values, seed, () -> job);
        }

        /**
         * The task's job, built on first use and kept with the task.
         *
         * @throws InvalidSpecException {@code task <id> has a problem: ...} when the job is invalid
         */
        public Job job() {
            return source.get();
        }

        /** The grid value of {@code field} as text, or "" when the field does not apply to this task. */
        public String value(String field) {
            JsonNode v = values.get(field);
            return v == null ? "" : text(v);
        }
    }

    /**
     * Reads a sweep file and builds every task's job.
     *
     * @throws InvalidSpecException naming the field ({@code grid.optimizer.learningRate}, {@code base},
     *     {@code sweep file}) or the task ({@code task 0003_engine=finite}) and the problem
     */
    public static Sweep read(Path file) {
        ObjectNode root = JobFile.tree(file, "sweep file", "base, grid");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("base") && !name.equals("grid")) {
                throw new InvalidSpecException(name, "is not a known field of a sweep file (allowed: base, grid)");
            }
        }
        JsonNode baseNode = root.get("base");
        if (baseNode == null || baseNode.isNull()) {
            throw new InvalidSpecException("base", "is required (the job file the grid varies, relative to the sweep file)");
        }
        if (!baseNode.isTextual() || baseNode.textValue().isBlank()) {
            throw new InvalidSpecException("base", "must be the path of a job file, got " + Section.describe(baseNode));
        }
        Path dir = file.toAbsolutePath().getParent();
        Path base = file.getParent() == null ? Path.of(baseNode.textValue()) : file.getParent().resolve(baseNode.textValue());
        if (!java.nio.file.Files.isRegularFile(base)) {
            throw new InvalidSpecException("base", base + " does not exist (paths are relative to the sweep file's folder "
                    + dir + ")");
        }
        List<Field> grid = grid(root.get("grid"));
        ObjectNode baseTree = JobFile.tree(base, "job file", "engine, network, ...");
        return new Sweep(file, base, grid, new Tasks(grid, baseTree, base));
    }

    /**
     * The tasks of shard {@code i} of {@code k} (task t belongs to shard {@code t mod k}), made one at
     * a time as they are visited: the other shards' tasks cost a walk over their grid points only.
     */
    public Iterable<Task> shard(int i, int k) {
        return tasks instanceof Tasks lazy ? () -> lazy.shard(i, k)
                : () -> tasks.stream().filter(t -> t.index() % k == i).iterator();
    }

    /**
     * Checks every grid value before the first task runs: builds the job of one task per grid value
     * (the first task that uses it) and discards it, so that a bad value anywhere in the grid is found
     * in time and memory that grow with the lengths of the value lists, not with the number of tasks.
     * A value that is bad only together with another one is found when a task holding both is
     * prepared (every task of a shard is, before its first task runs).
     *
     * @throws InvalidSpecException {@code task <id> has a problem: ...} for the first invalid task
     */
    public void validate() {
        for (Task t : tasks instanceof Tasks lazy ? lazy.oneTaskPerValue() : tasks) {
            t.job();
        }
    }

    private static List<Field> grid(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new InvalidSpecException("grid", "is required (job fields mapped to lists of values, e.g."
                    + " optimizer.learningRate: [0.01, 0.1])");
        }
        if (!node.isObject()) {
            throw new InvalidSpecException("grid", "must be a mapping of job fields to lists of values, got "
                    + Section.describe(node));
        }
        if (node.isEmpty()) {
            throw new InvalidSpecException("grid", "is empty: name at least one job field and its values");
        }
        List<Field> grid = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = "grid." + e.getKey();
            if (!FIELDS.contains(e.getKey())) {
                throw new InvalidSpecException(field, "is not a job field a sweep can vary (allowed: "
                        + String.join(", ", FIELDS) + ")");
            }
            JsonNode list = e.getValue();
            if (!list.isArray()) {
                throw new InvalidSpecException(field, "must be a list of values, got " + Section.describe(list));
            }
            if (list.isEmpty()) {
                throw new InvalidSpecException(field, "is an empty list: give at least one value");
            }
            List<JsonNode> values = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode v = list.get(i);
                if (!v.isValueNode() || v.isNull()) {
                    throw new InvalidSpecException(field + "[" + i + "]", "must be a single value, got "
                            + (v.isNull() ? "null" : Section.describe(v)));
                }
                if (!seen.add(text(v))) {
                    throw new InvalidSpecException(field, "lists " + text(v) + " twice");
                }
                values.add(v);
            }
            grid.add(new Field(e.getKey(), List.copyOf(values)));
        }
        return List.copyOf(grid);
    }

    /**
     * The tasks of a grid, made one at a time as they are asked for, so that listing, checking or
     * running one shard of a large grid costs time and memory for that shard's tasks only. A grid
     * point is a task when every field that does not apply to it has its first value: points differing
     * only in such fields are one task, the first of them in the order. Whether a field applies depends
     * only on the deciding fields ({@link #DECIDING}), so the tasks below any prefix of grid positions
     * are counted per combination of the deciding fields' values, never by walking the points: task i
     * is found from its index ({@link #point}) and a point's index from the point ({@link #rank}).
     */
    private static final class Tasks extends AbstractList<Task> {
        private final List<Field> grid;
        private final ObjectNode baseTree;
        private final Path base;
        private final int size;
        private final int width;
        private final Map<String, String> shortNames;
        private final long baseSeed;
        /** Whether grid field g is one of the deciding fields. */
        private final boolean[] deciding;
        /** Per combination c of the deciding fields' positions (mixed radix, grid order): the fields that apply. */
        private final boolean[][] applies;
        /** Per combination: whether every deciding field at a position other than its first applies. */
        private final boolean[] possible;
        /** Per combination and grid position j: the points of fields j.. that are tasks (fields that apply vary). */
        private final long[][] below;
        /** {@link #sha256}, once found (it builds task 0's job). */
        private String sha256;

        Tasks(List<Field> grid, ObjectNode baseTree, Path base) {
            this.grid = grid;
            this.baseTree = baseTree;
            this.base = base;
            long product = 1;
            for (Field f : grid) {
                product *= f.values().size();
                if (product > MAX_POINTS) {
                    throw new InvalidSpecException("grid", "has more than " + MAX_POINTS + " points");
                }
            }
            this.shortNames = shortNames(grid);
            this.baseSeed = baseSeed(baseTree);
            int m = grid.size();
            deciding = new boolean[m];
            int combinations = 1;
            for (int g = 0; g < m; g++) {
                deciding[g] = DECIDING.contains(grid.get(g).name());
                combinations *= deciding[g] ? grid.get(g).values().size() : 1;
            }
            applies = new boolean[combinations][];
            possible = new boolean[combinations];
            below = new long[combinations][m + 1];
            int[] position = new int[m];
            for (int c = 0; c < combinations; c++) {
                setDeciding(c, position);
                Map<String, JsonNode> kept = applicable(all(position), baseTree);
                applies[c] = new boolean[m];
                possible[c] = true;
                for (int g = 0; g < m; g++) {
                    applies[c][g] = kept.containsKey(grid.get(g).name());
                    possible[c] &= !deciding[g] || position[g] == 0 || applies[c][g];
                }
                below[c][m] = 1;
                for (int g = m - 1; g >= 0; g--) {
                    below[c][g] = below[c][g + 1] * (!deciding[g] && applies[c][g] ? grid.get(g).values().size() : 1);
                }
            }
            this.size = (int) count(new int[m], 0);
            this.width = Math.max(4, Integer.toString(size - 1).length());
        }

        /** Sets the deciding fields of {@code position} to combination c. */
        private void setDeciding(int c, int[] position) {
            int rest = c;
            for (int g = grid.size() - 1; g >= 0; g--) {
                if (deciding[g]) {
                    int n = grid.get(g).values().size();
                    position[g] = rest % n;
                    rest /= n;
                }
            }
        }

        /** The tasks among the points whose first {@code fixed} positions are those of {@code position}. */
        private long count(int[] position, int fixed) {
            long n = 0;
            int[] combination = new int[grid.size()];
            for (int c = 0; c < applies.length; c++) {
                if (!possible[c]) {
                    continue;
                }
                setDeciding(c, combination);
                boolean task = true;
                for (int g = 0; g < fixed && task; g++) {
                    task = deciding[g] ? combination[g] == position[g] : position[g] == 0 || applies[c][g];
                }
                n += task ? below[c][fixed] : 0;
            }
            return n;
        }

        /** The grid positions of task i. */
        private int[] point(int i) {
            int[] position = new int[grid.size()];
            long rest = i;
            for (int g = 0; g < grid.size(); g++) {
                if (deciding[g]) {
                    // the deciding fields' lists are short: try each value
                    for (long n = count(position, g + 1); rest >= n; n = count(position, g + 1)) {
                        rest -= n;
                        position[g]++;
                    }
                } else {
                    // every position but the first has the same number of tasks below it
                    long first = count(position, g + 1);
                    if (rest >= first) {
                        rest -= first;
                        position[g] = 1;
                        long other = count(position, g + 1);
                        position[g] = (int) (1 + rest / other);
                        rest %= other;
                    }
                }
            }
            return position;
        }

        /** The index of the task at a grid point that is a task. */
        private int rank(int[] point) {
            int[] position = point.clone();
            long index = 0;
            for (int g = 0; g < grid.size(); g++) {
                int own = point[g];
                if (deciding[g]) {
                    for (position[g] = 0; position[g] < own; position[g]++) {
                        index += count(position, g + 1);
                    }
                } else if (own > 0) {
                    position[g] = 0;
                    index += count(position, g + 1);
                    position[g] = 1;
                    index += (own - 1) * count(position, g + 1);
                }
                position[g] = own;
            }
            return (int) index;
        }

        /** Every grid field's value at a grid point. */
        private Map<String, JsonNode> all(int[] position) {
            Map<String, JsonNode> all = new LinkedHashMap<>();
            for (int g = 0; g < grid.size(); g++) {
                all.put(grid.get(g).name(), grid.get(g).values().get(position[g]));
            }
            return all;
        }

        private Task make(int index, Map<String, JsonNode> values) {
            String id = id(index, width, values, shortNames);
            long seed = values.containsKey(SEED_FIELD) ? values.get(SEED_FIELD).asLong() : seed(baseSeed, values);
            Map<String, JsonNode> kept = java.util.Collections.unmodifiableMap(values);
            return new Task(index, id, kept, seed, new JobOnce(() -> job(id, seed, kept)));
        }

        private Job job(String id, long seed, Map<String, JsonNode> values) {
            ObjectNode tree = baseTree.deepCopy();
            if (!"finite".equals(engine(values, tree))) {
                tree.remove("parametrization");
            }
            values.forEach((field, value) -> Sweep.set(tree, field, value));
            section(tree, "simulation").put("seed", seed);
            Runnable hook = jobBuilt;
            if (hook != null) {
                hook.run();
            }
            try {
                return JobFile.read(tree, base);
            } catch (InvalidSpecException e) {
                throw new InvalidSpecException("task " + id, "has a problem: " + e.getMessage());
            }
        }

        @Override
        public int size() {
            return size;
        }

        /** Task i, found from its index without visiting the tasks before it. */
        @Override
        public Task get(int i) {
            java.util.Objects.checkIndex(i, size);
            return make(i, applicable(all(point(i)), baseTree));
        }

        @Override
        public Iterator<Task> iterator() {
            return shard(0, 1);
        }

        /** The tasks with index {@code i mod k}, in order; the others are skipped, never made. */
        Iterator<Task> shard(int i, int k) {
            return new Iterator<>() {
                private long next = i;

                @Override
                public boolean hasNext() {
                    return next < size;
                }

                @Override
                public Task next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    Task t = get((int) next);
                    next += k;
                    return t;
                }
            };
        }

        /**
         * One task per grid value, each value at the first point in the order that is a task and uses
         * it (the other fields at their first values where they can be), so that every value that
         * reaches some task is built into a job and checked: {@code sum of the list lengths} jobs, not
         * one per grid point. Values that no task uses (a width in a grid of limit engines) are skipped.
         */
        List<Task> oneTaskPerValue() {
            java.util.SortedSet<Integer> indices = new java.util.TreeSet<>();
            int[] position = new int[grid.size()];
            for (int g = 0; g < grid.size(); g++) {
                for (int v = 0; v < grid.get(g).values().size(); v++) {
                    for (int c = 0; c < applies.length; c++) {
                        java.util.Arrays.fill(position, 0);
                        setDeciding(c, position);
                        if (!possible[c] || deciding[g] && position[g] != v || !deciding[g] && v != 0 && !applies[c][g]) {
                            continue;
                        }
                        position[g] = v;
                        indices.add(rank(position));
                        break;
                    }
                }
            }
            return indices.stream().map(this::get).toList();
        }

        /**
         * The fingerprint of a grid sweep, from what defines its tasks rather than from the tasks:
         * the grid as written (fields that do not change the numbers left out, as {@link JobIdentity}
         * leaves them out of a job), the base job's tree and the identity of task 0's job, which
         * holds the data every task trains on.
         */
        synchronized String sha256() {
            if (sha256 == null) {
                sha256 = fingerprint();
            }
            return sha256;
        }

        private String fingerprint() {
            ObjectNode text = JsonNodeFactory.instance.objectNode();
            text.put("sweep", "infinitewidth sweep identity v2");
            ObjectNode g = text.putObject("grid");
            for (Field f : grid) {
                boolean numbersUnchanged = f.name().startsWith("simulation.")
                        && JobIdentity.IGNORED_SIMULATION_FIELDS.contains(f.name().substring("simulation.".length()));
                if (!numbersUnchanged) {
                    f.values().forEach(g.withArray(f.name())::add);
                }
            }
            text.set("base", JobIdentity.of(baseTree));
            text.set("task0", JobIdentity.of(get(0).job()));
            return JobIdentity.sha256(text);
        }
    }

    /** A job built on first use, then kept (a task's job is asked for by several checks). */
    private static final class JobOnce implements Supplier<Job> {
        private final Supplier<Job> build;
        private Job job;

        JobOnce(Supplier<Job> build) {
            this.build = build;
        }

        @Override
        public synchronized Job get() {
            if (job == null) {
                job = build.get();
            }
            return job;
        }
    }

    /**
     * A task's seed: the first 8 bytes of the SHA-256 of the UTF-8 text
     * {@code "infinitewidth sweep seed v1\n" + baseSeed + "\n"} followed by one line
     * {@code field=value\n} per grid field that applies to the task, in grid order, as a big-endian
     * number, of which the low 53 bits are kept (a non-negative seed that every JSON reader holds
     * exactly). Values are written as in {@code sweep.csv}: numbers as JSON writes them
     * ({@code 0.1}, {@code 256}), strings and booleans as they are.
     */
    public static long seed(long baseSeed, Map<String, JsonNode> values) {
        StringBuilder text = new StringBuilder("infinitewidth sweep seed v1\n").append(baseSeed).append('\n');
        values.forEach((field, value) -> {
            if (!field.equals(SEED_FIELD)) {
                text.append(field).append('=').append(text(value)).append('\n');
            }
        });
        byte[] hash = HexFormat.of().parseHex(JobIdentity.sha256(text.toString().getBytes(StandardCharsets.UTF_8)));
        return ByteBuffer.wrap(hash).getLong() & ((1L << 53) - 1);
    }

    /** The grid fields that apply to a grid point, given the base job's engine, optimizer and parametrization. */
    private static Map<String, JsonNode> applicable(Map<String, JsonNode> all, ObjectNode base) {
        String engine = engine(all, base);
        String optimizer = all.containsKey("optimizer.type") ? text(all.get("optimizer.type"))
                : base.path("optimizer").path("type").asText("sgd");
        String parametrization = all.containsKey("parametrization") ? text(all.get("parametrization"))
                : base.path("parametrization").asText("");
        String schedule = all.containsKey("optimizer.schedule.type") ? text(all.get("optimizer.schedule.type"))
                : base.path("optimizer").path("schedule").path("type").asText("constant");
        boolean decays = schedule.equals("linear") || schedule.equals("cosine");
        boolean bias = all.containsKey("network.bias") ? all.get("network.bias").asBoolean()
                : base.path("network").path("bias").asBoolean(false);
        Map<String, JsonNode> kept = new LinkedHashMap<>();
        all.forEach((field, value) -> {
            boolean applies = switch (field) {
                case "network.width", "parametrization" -> engine.equals("finite");
                case "simulation.particles" -> !engine.equals("finite");
                case "simulation.kernels" -> engine.equals("nt-limit");
                case "simulation.centerOutput" -> engine.equals("nt-limit")
                        || engine.equals("finite") && (parametrization.equals("ntp") || parametrization.equals("mup"));
                case "optimizer.epsilon" -> optimizer.equals("smoothsign") || optimizer.equals("adam");
                case "optimizer.beta1" -> optimizer.equals("momentum") || optimizer.equals("adam");
                case "optimizer.beta2" -> optimizer.equals("adam");
                case "optimizer.schedule.decaySteps", "optimizer.schedule.finalFactor" -> decays;
                case "optimizer.schedule.stepEvery", "optimizer.schedule.gamma" -> schedule.equals("step");
                case "network.initStd.bias", "optimizer.layerMultipliers.bias" -> bias;
                default -> true;
            };
            if (applies) {
                kept.put(field, value);
            }
        });
        return kept;
    }

    private static String engine(Map<String, JsonNode> values, ObjectNode base) {
        return values.containsKey("engine") ? text(values.get("engine")) : base.path("engine").asText("");
    }

    private static long baseSeed(ObjectNode base) {
        JsonNode seed = base.path("simulation").path("seed");
        if (seed.isMissingNode() || seed.isNull()) {
            return io.github.infinitewidth.engine.SimulationSpec.defaults().seed();
        }
        if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
            throw new InvalidSpecException("simulation.seed", "must be a whole number, got " + Section.describe(seed));
        }
        return seed.longValue();
    }

    /** The names task ids use for the grid fields with more than one value. */
    private static Map<String, String> shortNames(List<Field> grid) {
        return shortNames(grid.stream().filter(f -> f.values().size() > 1).map(Field::name).toList());
    }

    /**
     * Short names of grid fields, as task ids and plots use them: the last part of the dotted name,
     * or the whole name when two of the fields end alike.
     */
    static Map<String, String> shortNames(Collection<String> fields) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String f : fields) {
            counts.merge(last(f), 1, Integer::sum);
        }
        Map<String, String> names = new LinkedHashMap<>();
        for (String f : fields) {
            names.put(f, counts.get(last(f)) > 1 ? f : last(f));
        }
        return names;
    }

    private static String last(String dotted) {
        return dotted.substring(dotted.lastIndexOf('.') + 1);
    }

    private static String id(int index, int width, Map<String, JsonNode> values, Map<String, String> shortNames) {
        StringBuilder description = new StringBuilder();
        values.forEach((field, value) -> {
            if (shortNames.containsKey(field)) {
                description.append('_').append(shortNames.get(field)).append('=')
                        .append(text(value).replaceAll("[^A-Za-z0-9.+-]", "_"));
            }
        });
        String d = description.length() > DESCRIPTION_LIMIT ? description.substring(0, DESCRIPTION_LIMIT)
                : description.toString();
        return String.format("%0" + width + "d", index) + d;
    }

    /** The task index at the start of a task id. */
    public static int index(String taskId) {
        int end = 0;
        while (end < taskId.length() && Character.isDigit(taskId.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 9) {
            throw new IllegalArgumentException("not a task id: " + taskId);
        }
        return Integer.parseInt(taskId.substring(0, end));
    }

    /** A grid value as text: numbers as JSON writes them, strings and booleans as they are. */
    static String text(JsonNode value) {
        return value.isTextual() ? value.textValue() : value.toString();
    }

    private static void set(ObjectNode tree, String dotted, JsonNode value) {
        String[] parts = dotted.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode existing = node.get(parts[i]);
            if (existing != null && existing.isTextual()) {
                // a preset (optimizer.layerMultipliers: neural-tangents) would otherwise win silently
                throw new InvalidSpecException(dotted, "cannot be varied: the base job sets "
                        + String.join(".", Arrays.copyOf(parts, i + 1)) + " to " + Section.quoted(existing.textValue())
                        + " (give it as a mapping of numbers instead)");
            }
            node = section(node, parts[i]);
        }
        node.set(parts[parts.length - 1], value);
    }

    /** The named mapping, created when absent; a non-mapping is left for the job reader to report. */
    private static ObjectNode section(ObjectNode node, String name) {
        JsonNode existing = node.get(name);
        if (existing == null || existing.isNull()) {
            return node.putObject(name);
        }
        return existing.isObject() ? (ObjectNode) existing : JsonNodeFactory.instance.objectNode();
    }

    /**
     * The sweep's fingerprint, which shards of one sweep share and which {@code merge} and a sweep
     * continuing in an existing folder compare ({@code sweep.json}'s {@code sweepSha256}, version 2):
     * for a sweep file, SHA-256 of its grid, its base job and task 0's job ({@link Tasks#sha256}),
     * found without visiting the tasks; for a list of tasks (a comparison), {@link #sha256OfTasks}.
     */
    public String sha256() {
        return tasks instanceof Tasks lazy ? lazy.sha256() : sha256OfTasks();
    }

    /**
     * The fingerprint over every task, one line {@code id seed jobSha256} each, with the job's
     * identity hash ({@link JobIdentity}): that of a comparison, and that of every sweep in a
     * {@code sweep.json} of version 1, which a sweep continuing in such a folder compares.
     */
    public String sha256OfTasks() {
        StringBuilder lines = new StringBuilder();
        for (Task t : tasks) {
            lines.append(t.id()).append(' ').append(t.seed()).append(' ')
                    .append(JobIdentity.sha256(JobIdentity.of(t.job()))).append('\n');
        }
        return JobIdentity.sha256(lines.toString().getBytes(StandardCharsets.UTF_8));
    }
}
