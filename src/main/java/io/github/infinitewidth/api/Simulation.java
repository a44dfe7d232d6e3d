package io.github.infinitewidth.api;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.engine.Engine;
import io.github.infinitewidth.engine.ReplicaRange;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.job.BackendUsed;
import io.github.infinitewidth.job.Engines;
import io.github.infinitewidth.job.Job;
import io.github.infinitewidth.job.JobFile;
import io.github.infinitewidth.job.ReplicaFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A job written in code: {@code Simulation.muLimit().hiddenLayers(2).optimizer(Optimizers.adam(0.05))
 * .data(Datasets.inline(x, y)).steps(50).run()}. Immutable: each method returns a new simulation with
 * one job field set (JOB-SPEC.md names the field each method sets), so one base can be varied in a loop.
 * Fields not set keep the job file's defaults. Nothing is checked until {@link #job()} or {@link #run()},
 * which validate exactly as {@code bin/infinitewidth run} does and throw its one-line message
 * ({@link io.github.infinitewidth.util.InvalidSpecException}) on bad input.
 */
public final class Simulation {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    /** Turns numbers, strings and booleans into tree nodes. */
    private static final ObjectMapper VALUES = new ObjectMapper();
    private static final List<String> LIMIT_ENGINES = List.of("mu-limit", "nt-limit");

    /** The job tree; never modified once the simulation holds it. */
    private final ObjectNode tree;
    /** The job file it was read from (relative paths in it are relative to this file), or null. */
    private final Path file;
    /** The replicas to run when only some of them are ({@link #replicaRange}), or null for all. */
    private final ReplicaRange range;

    private Simulation(ObjectNode tree, Path file) {
        this(tree, file, null);
    }

    private Simulation(ObjectNode tree, Path file, ReplicaRange range) {
        this.tree = tree;
        this.file = file;
        this.range = range;
    }

    /** The maximal update (feature-learning) limit: {@code engine: mu-limit}. */
    public static Simulation muLimit() {
        return blank().engine("mu-limit");
    }

    /** The neural tangent limit: {@code engine: nt-limit}. */
    public static Simulation ntLimit() {
        return blank().engine("nt-limit");
    }

    /** Finite networks of width {@code width} in {@code mup}, {@code ntp} or {@code sp}. */
    public static Simulation finite(String parametrization, int width) {
        return blank().engine("finite").parametrization(parametrization).width(width);
    }

    /** A job file as a starting point (its relative paths stay relative to it). */
    public static Simulation fromJobFile(Path jobFile) {
        return new Simulation(JobFile.tree(jobFile), jobFile);
    }

    private static Simulation blank() {
        return new Simulation(JsonNodeFactory.instance.objectNode(), null);
    }

    /**
     * {@code engine}: {@code mu-limit}, {@code nt-limit} or {@code finite}. A limit engine implies its
     * parametrization, so switching to one drops {@code parametrization} (as a sweep does).
     */
    public Simulation engine(String engine) {
        Simulation s = set("engine", engine);
        if (LIMIT_ENGINES.contains(engine)) {
            s.tree.remove("parametrization");
        }
        return s;
    }

    /** {@code parametrization} of a finite network: {@code mup}, {@code ntp} or {@code sp}. */
    public Simulation parametrization(String parametrization) {
        return set("parametrization", parametrization);
    }

    /** {@code network.hiddenLayers}: the depth L. */
    public Simulation hiddenLayers(int layers) {
        return set("network.hiddenLayers", layers);
    }

    /** {@code network.activation}: identity, relu, tanh, gelu, erf, abs or softplus. */
    public Simulation activation(String activation) {
        return set("network.activation", activation);
    }

    /** {@code network.width} (finite networks; the limits ignore it). */
    public Simulation width(int width) {
        return set("network.width", width);
    }

    /** {@code network.initStd}: su, sw, sv of LIMITS.md. */
    public Simulation initStd(double input, double hidden, double output) {
        return set("network.initStd.input", input).set("network.initStd.hidden", hidden)
                .set("network.initStd.output", output);
    }

    /** {@code network.bias}: whether every hidden layer has a trained bias (LIMITS.md section 8). */
    public Simulation bias(boolean bias) {
        return set("network.bias", bias);
    }

    /** {@code network.bias: true} with {@code network.initStd.bias} = sb (LIMITS.md section 8; default 1). */
    public Simulation bias(double biasStd) {
        return set("network.bias", true).set("network.initStd.bias", biasStd);
    }

    /**
     * {@code network.outputs}: k outputs per input (default 1): k classes for {@code cross-entropy}, or
     * k targets per input for {@code mse} (JOB-SPEC.md; LIMITS.md section 2.4).
     */
    public Simulation outputs(int outputs) {
        return set("network.outputs", outputs);
    }

    /** {@code optimizer}, from {@link Optimizers}. */
    public Simulation optimizer(Optimizer optimizer) {
        return put("optimizer", optimizer.section());
    }

    /**
     * {@code loss}: {@code mse}, {@code logistic} (one output, targets +1/-1) or {@code cross-entropy}
     * ({@link #outputs} k >= 2, targets class labels 0..k-1).
     */
    public Simulation loss(String loss) {
        return set("loss", loss);
    }

    /** {@code data}, from {@link Datasets}. */
    public Simulation data(DataSource data) {
        return put("data", data.section());
    }

    /** {@code training.steps}. */
    public Simulation steps(int steps) {
        return set("training.steps", steps);
    }

    /** {@code training.batchSize} (0: full batch). */
    public Simulation batchSize(int batchSize) {
        return set("training.batchSize", batchSize);
    }

    /** {@code training.shuffle}. */
    public Simulation shuffle(boolean shuffle) {
        return set("training.shuffle", shuffle);
    }

    /** {@code training.recordEvery}. */
    public Simulation recordEvery(int every) {
        return set("training.recordEvery", every);
    }

    /** {@code training.recordKernels}. */
    public Simulation recordKernels(boolean record) {
        return set("training.recordKernels", record);
    }

    /** {@code simulation.particles} (limit engines). */
    public Simulation particles(int particles) {
        return set("simulation.particles", particles);
    }

    /** {@code simulation.replicas}: independent replicas (limits) or seeds (finite networks). */
    public Simulation replicas(int replicas) {
        return set("simulation.replicas", replicas);
    }

    /** {@code simulation.seed}. */
    public Simulation seed(long seed) {
        return set("simulation.seed", seed);
    }

    /** {@code simulation.backend}: auto, cpu or cuda. */
    public Simulation backend(String backend) {
        return set("simulation.backend", backend);
    }

    /** {@code simulation.precision}: float64 or float32. */
    public Simulation precision(String precision) {
        return set("simulation.precision", precision);
    }

    /** {@code simulation.pairPrecision} (mu-limit): float64 or float32 storage of the N x N pair matrices. */
    public Simulation pairPrecision(String precision) {
        return set("simulation.pairPrecision", precision);
    }

    /** {@code simulation.kernels} (nt-limit): monte-carlo or closed-form. */
    public Simulation kernels(String kernels) {
        return set("simulation.kernels", kernels);
    }

    /** {@code simulation.centerOutput}. */
    public Simulation centerOutput(boolean center) {
        return set("simulation.centerOutput", center);
    }

    /** {@code simulation.memoryLimitMiB}. */
    public Simulation memoryLimitMiB(long mebibytes) {
        return set("simulation.memoryLimitMiB", mebibytes);
    }

    /**
     * Runs replicas {@code first} to {@code end - 1} (0-based) of the {@code simulation.replicas} only, as
     * {@code bin/infinitewidth run --replica-range first:end} does: the result holds those replicas, and
     * {@link Result#save} writes a partial run, which {@code bin/infinitewidth merge} combines with the
     * other parts into the whole run. Not a job field: {@link #toYaml()} leaves it out.
     */
    public Simulation replicaRange(int first, int end) {
        return new Simulation(tree, file, new ReplicaRange(first, end));
    }

    /** The validated job, every default filled in: what {@link #run()} runs. */
    public Job job() {
        Job job = JobFile.read(tree.deepCopy(), file);
        return range == null ? job : job.withReplicaRange(range);
    }

    /** The job as YAML, as written so far (defaults left out): a job file {@code bin/infinitewidth run} accepts. */
    public String toYaml() {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    /**
     * Validates and runs the job on its backend, as {@code bin/infinitewidth run} does (the same engines,
     * checks and seeds, hence the same numbers), without writing anything: {@link Result#save} does.
     *
     * @throws io.github.infinitewidth.util.InvalidSpecException on bad input, naming the field
     * @throws io.github.infinitewidth.backend.BackendUnavailableException when the backend asked for is not usable
     */
    public Result run() {
        Job job = job();
        Engine engine = Engines.named(job.engine());
        SimulationSpec simulation = job.experiment().simulation();
        try (Backend backend = Backends.open(simulation.backend(), simulation.precision())) {
            engine.validate(job.experiment(), backend);
            long start = System.nanoTime();
            Trajectory trajectory = ReplicaFiles.ownReplicas(engine.run(job.experiment(), backend, StepListener.NONE),
                    job);
            return new Result(job, trajectory, BackendUsed.of(backend), (System.nanoTime() - start) * 1e-9);
        }
    }

    @Override
    public String toString() {
        return toYaml();
    }

    /** A copy with the dotted field set; sections on the way are created. */
    private Simulation set(String dotted, Object value) {
        ObjectNode copy = tree.deepCopy();
        String[] parts = dotted.split("\\.");
        ObjectNode section = copy;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = section.get(parts[i]);
            section = child instanceof ObjectNode object ? object : section.putObject(parts[i]);
        }
        section.set(parts[parts.length - 1], VALUES.valueToTree(value));
        return new Simulation(copy, file, range);
    }

    private Simulation put(String name, ObjectNode section) {
        ObjectNode copy = tree.deepCopy();
        copy.set(name, section);
        return new Simulation(copy, file, range);
    }
}
