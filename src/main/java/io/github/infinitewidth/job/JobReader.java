package io.github.infinitewidth.job;

import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.data.FashionMnist;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.KernelSource;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.TrainingSpec;
import io.github.infinitewidth.util.Check;
import io.github.infinitewidth.util.InvalidSpecException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * Turns the tree of a job file into a {@link Job}, section by section in the order of
 * JOB-SPEC.md, with every default of the spec. Value ranges are checked by the records'
 * constructors, which name the same dotted fields.
 */
final class JobReader {
    static final Map<String, String> ENGINES = Section.spellings(Job.ENGINES.toArray(new String[0]), e -> e);
    static final Map<String, Activation> ACTIVATIONS = Section.spellings(Activation.values(), Activation::spelling);
    static final Map<String, Parametrization> PARAMETRIZATIONS =
            Section.spellings(Parametrization.values(), Parametrization::spelling);
    static final Map<String, UpdateFunction.Kind> OPTIMIZERS =
            Section.spellings(UpdateFunction.Kind.values(), UpdateFunction.Kind::spelling);
    static final Map<String, Loss> LOSSES = Section.spellings(Loss.values(), Loss::spelling);
    static final Map<String, BackendChoice> BACKENDS = Section.spellings(BackendChoice.values(), BackendChoice::spelling);
    static final Map<String, Precision> PRECISIONS = Section.spellings(Precision.values(), Precision::spelling);
    static final Map<String, KernelSource> KERNELS = Section.spellings(KernelSource.values(), KernelSource::spelling);

    /** JOB-SPEC.md: "the limits imply theirs". */
    private static final Map<String, Parametrization> IMPLIED =
            Map.of("mu-limit", Parametrization.MUP, "nt-limit", Parametrization.NTP);

    /** JOB-SPEC.md network defaults: 2 hidden layers of tanh. */
    private static final int DEFAULT_HIDDEN_LAYERS = 2;
    private static final Activation DEFAULT_ACTIVATION = Activation.TANH;
    /** JOB-SPEC.md training defaults: 100 full-batch steps, reshuffled, every step recorded. */
    private static final TrainingSpec DEFAULT_TRAINING = new TrainingSpec(100, 0, true, 1);

    private final Path jobFile;

    /**
     * @param jobFile the job file, against whose folder {@code csv} and {@code directory} paths are
     *                resolved; null for a job built in code, whose paths are relative to the working directory
     */
    JobReader(Path jobFile) {
        this.jobFile = jobFile;
    }

    /** A path written in the job file, relative to the job file's folder. */
    static Path relative(Path jobFile, String path) {
        return jobFile == null ? Path.of(path) : jobFile.resolveSibling(path);
    }

    Job read(JsonNode root) {
        Section top = Section.top(root).allowOnly("engine", "network", "parametrization", "optimizer", "loss",
                "data", "training", "simulation");
        String engine = top.choice("engine", ENGINES);
        NetworkSpec network = network(top.section("network"));
        Parametrization parametrization = parametrization(top, engine);
        OptimizerSpec optimizer = optimizer(top.section("optimizer"), network.bias());
        Loss loss = top.choice("loss", LOSSES, Loss.MSE);
        Section dataSection = top.section("data");
        FashionMnist fashionMnist = fashionMnist(dataSection, loss);
        Data data = fashionMnist == null ? data(dataSection) : null;
        TrainingSpec training = training(top.section("training"));
        SimulationSpec simulation = simulation(top.section("simulation"), engine, parametrization);
        if (fashionMnist != null) {
            data = fashionMnist.load();   // last: reading the image files takes a second, typos are found first
        }
        if (namesPreset(top.section("optimizer"))) {
            optimizer = neuralTangents(optimizer, network, parametrization, data);
        }
        return new Job(engine, new Experiment(network, parametrization, optimizer, loss, data, training, simulation),
                jobFile, fashionMnist);
    }

    private static NetworkSpec network(Section s) {
        s.allowOnly("hiddenLayers", "activation", "width", "initStd", "bias", "outputs");
        // width 0 means "no width" to NetworkSpec; a width the user writes must be a real one.
        int width = s.has("width") ? Check.positive(s.field("width"), s.integer("width", 0)) : 0;
        Section std = s.section("initStd").allowOnly("input", "hidden", "output", "bias");
        boolean bias = s.bool("bias", false);
        if (std.has("bias") && !bias) {
            throw new InvalidSpecException(std.field("bias"), "is given but the network has no biases (set network.bias: true)");
        }
        InitStd initStd = new InitStd(std.number("input", InitStd.DEFAULT.input()),
                std.number("hidden", InitStd.DEFAULT.hidden()), std.number("output", InitStd.DEFAULT.output()),
                std.number("bias", InitStd.DEFAULT_BIAS));
        return new NetworkSpec(s.integer("hiddenLayers", DEFAULT_HIDDEN_LAYERS),
                s.choice("activation", ACTIVATIONS, DEFAULT_ACTIVATION), width, initStd, bias, s.integer("outputs", 1));
    }

    /**
     * Required for the finite engine (checked by {@code FiniteEngine.validate}, so the Java API
     * gets the same check); a limit engine implies its own, and a contradicting value is refused.
     */
    private static Parametrization parametrization(Section top, String engine) {
        Parametrization given = top.choice("parametrization", PARAMETRIZATIONS, null);
        Parametrization implied = IMPLIED.get(engine);
        if (implied == null) {
            return given;
        }
        if (given != null && given != implied) {
            throw new InvalidSpecException("parametrization", given.spelling() + " contradicts engine " + engine
                    + ", which implies " + implied.spelling() + " (leave parametrization out)");
        }
        return implied;
    }

    private static OptimizerSpec optimizer(Section s, boolean bias) {
        s.allowOnly("type", "learningRate", "layerMultipliers", "epsilon", "beta1", "beta2", "schedule",
                "weightDecay");
        UpdateFunction update = new UpdateFunction(s.choice("type", OPTIMIZERS, UpdateFunction.Kind.SGD),
                s.number("epsilon", UpdateFunction.DEFAULT_EPSILON),
                s.number("beta1", UpdateFunction.DEFAULT_BETA1),
                s.number("beta2", UpdateFunction.DEFAULT_BETA2));
        double learningRate = s.number("learningRate");
        Schedule schedule = ScheduleSection.read(s.section("schedule"));
        double weightDecay = s.number("weightDecay", 0.0);
        if (namesPreset(s)) {
            // the preset's numbers need the input dimension: read() sets them once the data are read
            return new OptimizerSpec(update, learningRate, LayerMultipliers.DEFAULT, schedule, weightDecay);
        }
        Section m = s.section("layerMultipliers").allowOnly("input", "hidden", "output", "bias");
        if (m.has("bias") && !bias) {
            throw new InvalidSpecException(m.field("bias"), "is given but the network has no biases (set network.bias: true)");
        }
        LayerMultipliers multipliers = new LayerMultipliers(m.number("input", LayerMultipliers.DEFAULT.input()),
                m.number("hidden", LayerMultipliers.DEFAULT.hidden()),
                m.number("output", LayerMultipliers.DEFAULT.output()),
                m.number("bias", LayerMultipliers.DEFAULT.bias()));
        return new OptimizerSpec(update, learningRate, multipliers, schedule, weightDecay);
    }

    /**
     * Whether {@code optimizer.layerMultipliers} names a preset rather than giving the three numbers;
     * refuses a name that is not one.
     */
    private static boolean namesPreset(Section optimizer) {
        if (!optimizer.has("layerMultipliers")) {
            return false;
        }
        JsonNode value = optimizer.required("layerMultipliers", "");
        if (value.isTextual() && !value.textValue().equals(LayerMultipliers.NEURAL_TANGENTS)) {
            throw new InvalidSpecException(optimizer.field("layerMultipliers"), "must be {input, hidden, output} or "
                    + LayerMultipliers.NEURAL_TANGENTS + ", got " + Section.quoted(value.textValue()));
        }
        return value.isTextual();
    }

    /** The optimizer with the multipliers of the neural-tangents preset, which only NTP has. */
    private static OptimizerSpec neuralTangents(OptimizerSpec optimizer, NetworkSpec network,
                                                Parametrization parametrization, Data data) {
        if (parametrization == null) {
            return optimizer;   // a finite job without parametrization is refused for that (FiniteEngine.validate)
        }
        if (parametrization != Parametrization.NTP) {
            throw new InvalidSpecException("optimizer.layerMultipliers", LayerMultipliers.NEURAL_TANGENTS
                    + " applies to ntp (nt-limit, or finite with parametrization: ntp), not to "
                    + parametrization.spelling());
        }
        InitStd std = network.initStd();
        return new OptimizerSpec(optimizer.update(), optimizer.learningRate(),
                LayerMultipliers.neuralTangents(std.input(), std.hidden(), std.output(), std.bias(), data.dimension()),
                optimizer.schedule(), optimizer.weightDecay());
    }

    /** The {@code data.fashionMnist} section, or null when the data are inline or CSV. */
    private FashionMnist fashionMnist(Section s, Loss loss) {
        s.allowOnly("train", "test", "fashionMnist");
        if (!s.has("fashionMnist")) {
            return null;
        }
        if (s.has("train") || s.has("test")) {
            throw new InvalidSpecException(s.field("fashionMnist"), "cannot be combined with data.train or data.test:"
                    + " it makes both splits");
        }
        return FashionMnistSection.read(s.section("fashionMnist"), jobFile, loss);
    }

    private Data data(Section s) {
        s.required("train", " (inline inputs and targets, or csv; or data.fashionMnist instead)");
        return new Data(split(s.section("train"), true), split(s.section("test"), false));
    }

    /** One split: inline {@code inputs} and {@code targets}, or a {@code csv} file. */
    private Dataset split(Section s, boolean required) {
        s.allowOnly("inputs", "targets", "csv", "targetColumn", "targetColumns");
        if (s.has("csv")) {
            if (s.has("inputs") || s.has("targets")) {
                throw new InvalidSpecException(s.field("csv"),
                        "cannot be combined with inputs or targets: give the data inline or in a CSV file");
            }
            return CsvSplit.read(s, jobFile);
        }
        for (String csvOnly : new String[] {"targetColumn", "targetColumns"}) {
            if (s.has(csvOnly)) {
                throw new InvalidSpecException(s.field(csvOnly), "applies to csv data only");
            }
        }
        if (!required && !s.has("inputs") && !s.has("targets")) {
            return Dataset.empty();   // JOB-SPEC.md: test is optional, `test: {}` means none
        }
        double[][] inputs = matrix(s.required("inputs", " (or csv)"), s.field("inputs"));
        JsonNode targets = s.required("targets", "");
        // a list of lists gives k targets per input (mse with network.outputs k)
        boolean vectors = targets.isArray() && targets.size() > 0 && targets.get(0).isArray();
        return vectors ? Dataset.ofTargetVectors(inputs, matrix(targets, s.field("targets"), "target"),
                s.field("targets"))
                : new Dataset(inputs, vector(targets, s.field("targets")));
    }

    private static double[][] matrix(JsonNode value, String field) {
        return matrix(value, field, "input");
    }

    private static double[][] matrix(JsonNode value, String field, String rowName) {
        if (!value.isArray()) {
            throw new InvalidSpecException(field, "must be a list of " + rowName + "s (each a list of numbers), got "
                    + Section.describe(value));
        }
        double[][] rows = new double[value.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = vector(value.get(i), field + "[" + i + "]");
        }
        return rows;
    }

    private static double[] vector(JsonNode value, String field) {
        if (!value.isArray()) {
            throw new InvalidSpecException(field, "must be a list of numbers, got " + Section.describe(value));
        }
        double[] numbers = new double[value.size()];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = Section.number(value.get(i), field + "[" + i + "]");
        }
        return numbers;
    }

    private static TrainingSpec training(Section s) {
        s.allowOnly("steps", "batchSize", "shuffle", "recordEvery", "recordKernels");
        return new TrainingSpec(s.integer("steps", DEFAULT_TRAINING.steps()),
                s.integer("batchSize", DEFAULT_TRAINING.batchSize()),
                s.bool("shuffle", DEFAULT_TRAINING.shuffle()),
                s.integer("recordEvery", DEFAULT_TRAINING.recordEvery()),
                s.bool("recordKernels", DEFAULT_TRAINING.recordKernels()));
    }

    /**
     * {@code centerOutput} defaults to true, except for finite muP networks, which were never centered
     * before it applied to them and keep their numbers unless a job asks for it (LIMITS.md 2.1).
     */
    private static SimulationSpec simulation(Section s, String engine, Parametrization parametrization) {
        s.allowOnly("particles", "replicas", "seed", "backend", "precision", "centerOutput", "kernels",
                "memoryLimitMiB", "checkpointEvery", "pairPrecision", "checkpointMinutes");
        SimulationSpec d = SimulationSpec.defaults();
        Precision precision = s.choice("precision", PRECISIONS, d.precision());
        return new SimulationSpec(s.integer("particles", d.particles()), s.integer("replicas", d.replicas()),
                s.longInteger("seed", d.seed()), s.choice("backend", BACKENDS, d.backend()),
                precision, s.bool("centerOutput",
                        "finite".equals(engine) && parametrization == Parametrization.MUP ? false : d.centerOutput()),
                s.choice("kernels", KERNELS, d.kernels()), s.longInteger("memoryLimitMiB", d.memoryLimitMiB()),
                s.integer("checkpointEvery", d.checkpointEvery()), s.choice("pairPrecision", PRECISIONS, precision),
                s.number("checkpointMinutes", d.checkpointMinutes()), null);
    }
}
