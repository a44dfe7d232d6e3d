package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JOB-SPEC.md: on bad input, exit status 2, one line on stderr naming the field and what is
 * wrong, no stack trace, and nothing written: {@code --out} must not even exist afterwards.
 * Each case breaks one thing in an otherwise valid job ({@link Cli#VALID_JOB}). In expected
 * messages, {@code {dir}} stands for the test's temporary folder.
 */
class BadInputTest {
    @TempDir
    Path dir;

    /**
     * @param job   the job file's text, or null for no job file
     * @param files further files beside the job file
     * @param args  arguments after {@code run <job> --out <dir>/out}
     */
    record Case(String name, String job, Map<String, String> files, List<String> args, String field, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    @Test
    void theValidJobRuns() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), Cli.VALID_JOB);
        Cli cli = Cli.run("run", job.toString(), "--out", dir.resolve("out").toString(), "--quiet");
        assertEquals(Main.OK, cli.status(), cli.err());
    }

    /** A deep mu-limit job with 10 particles for hat families of rank 2 steps x 2 inputs = 4 and 3 inputs in all. */
    private static final String TOO_FEW_PARTICLES = Cli.VALID_JOB
            .replace("engine: finite\nparametrization: mup", "engine: mu-limit")
            .replace("hiddenLayers: 1", "hiddenLayers: 2")
            .replace("particles: 16", "particles: 10");

    /** The refusal's "use at least N" is the check's own bound (JOB-SPEC.md: 2 x steps x batch + inputs). */
    @Test
    void theParticlesTheRefusalAsksForAreEnough() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), TOO_FEW_PARTICLES);
        Cli refused = Cli.run("run", job.toString(), "--out", dir.resolve("refused").toString(), "--quiet");
        assertEquals(Main.BAD_INPUT, refused.status(), refused.err());
        Matcher asked = Pattern.compile("use at least (\\d+),").matcher(refused.err());
        assertTrue(asked.find(), refused.err());
        int enough = Integer.parseInt(asked.group(1));
        assertEquals(2 * 2 * 2 + 3, enough);

        Cli accepted = Cli.run("run", job.toString(), "--out", dir.resolve("accepted").toString(), "--quiet",
                "--particles", Integer.toString(enough));
        assertEquals(Main.OK, accepted.status(), accepted.err());
        Cli oneFewer = Cli.run("run", job.toString(), "--out", dir.resolve("fewer").toString(), "--quiet",
                "--particles", Integer.toString(enough - 1));
        assertEquals(Main.BAD_INPUT, oneFewer.status(), oneFewer.err());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithOneLineNamingTheFieldAndNothingWritten(Case c) throws IOException {
        Path job = dir.resolve("job.yaml");
        if (c.job() != null) {
            Files.writeString(job, c.job());
        }
        for (Map.Entry<String, String> file : c.files().entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
        Path out = dir.resolve("out");
        List<String> args = new ArrayList<>(List.of("run", job.toString(), "--out", out.toString()));
        args.addAll(c.args());

        Cli cli = Cli.run(args.toArray(new String[0]));

        assertEquals(Main.BAD_INPUT, cli.status(), cli.err());
        assertEquals(c.message().replace("{dir}", dir.toString()) + System.lineSeparator(), cli.err());
        assertTrue(cli.err().startsWith(c.field() + " "), "names " + c.field() + ": " + cli.err());
        assertEquals("", cli.out());
        assertFalse(Files.exists(out), "--out was created");
    }

    static Stream<Case> cases() {
        return Stream.of(
                // the job file itself
                full("malformed YAML", "engine: finite\noptimizer:\n  learningRate: 0.1\n   type: sgd\n", "job file",
                        "job file {dir}/job.yaml:4:8 is not valid YAML: mapping values are not allowed here"),
                full("malformed JSON", "{\"engine\": \"finite\",, }", "job file",
                        "job file {dir}/job.yaml:1:20 is not valid YAML: expected the node content, but found ','"),
                change("duplicate field", "  shuffle: true", "  steps: 3", "job file",
                        "job file {dir}/job.yaml:23:8 is not valid YAML: Duplicate field 'steps'"),
                full("empty job file", "# nothing\n", "job file", "job file {dir}/job.yaml is empty"),
                full("job file not a mapping", "- engine: finite\n", "job file",
                        "job file {dir}/job.yaml must be a mapping of fields (engine, network, ...), got a list"),
                new Case("missing job file", null, Map.of(), List.of(), "job file",
                        "job file {dir}/job.yaml does not exist"),
                // unknown fields and spellings
                change("unknown top-level field", "loss: mse", "loss: mse\ntrainig: {steps: 3}", "trainig",
                        "trainig is not a known field; did you mean training? (allowed: engine, network, parametrization, optimizer, loss,"
                                + " data, training, simulation)"),
                change("unknown nested field", "  width: 8", "  widht: 8", "network.widht",
                        "network.widht is not a known field of network; did you mean width? (allowed: hiddenLayers,"
                                + " activation, width, initStd, bias, outputs)"),
                change("a near miss of hiddenLayers", "hiddenLayers: 1", "hidden_layers: 1", "network.hidden_layers",
                        "network.hidden_layers is not a known field of network; did you mean hiddenLayers? (allowed:"
                                + " hiddenLayers, activation, width, initStd, bias, outputs)"),
                change("unknown field two levels down", "layerMultipliers: {input: 1.0,", "layerMultipliers: {inptu: 1.0,",
                        "optimizer.layerMultipliers.inptu", "optimizer.layerMultipliers.inptu is not a known field of"
                                + " optimizer.layerMultipliers; did you mean input? (allowed: input, hidden, output, bias)"),
                change("unknown field in a data split", "    targets: [0.0]", "    targets: [0.0]\n    weights: [1]",
                        "data.test.weights", "data.test.weights is not a known field of data.test (allowed: inputs,"
                                + " targets, csv, targetColumn, targetColumns)"),
                change("unknown engine", "engine: finite", "engine: ntk", "engine",
                        "engine must be one of mu-limit, nt-limit, finite, got \"ntk\""),
                change("unknown activation", "activation: tanh", "activation: sigmoid", "network.activation",
                        "network.activation must be one of identity, relu, tanh, gelu, erf, abs, softplus,"
                                + " got \"sigmoid\""),
                change("unknown optimizer", "type: sgd", "type: rmsprop", "optimizer.type",
                        "optimizer.type must be one of sgd, sign, smoothsign, momentum, adam, got \"rmsprop\""),
                change("unknown loss", "loss: mse", "loss: hinge", "loss",
                        "loss must be one of mse, logistic, cross-entropy, got \"hinge\""),
                change("unknown parametrization", "parametrization: mup", "parametrization: mupp", "parametrization",
                        "parametrization must be one of mup, ntp, sp, got \"mupp\""),
                change("unknown backend", "backend: cpu", "backend: gpu", "simulation.backend",
                        "simulation.backend must be one of auto, cpu, cuda, got \"gpu\""),
                change("unknown precision", "precision: float64", "precision: 64", "simulation.precision",
                        "simulation.precision must be one of float64, float32, got 64"),
                // missing required fields
                change("missing engine", "engine: finite\n", "", "engine",
                        "engine is required (allowed: mu-limit, nt-limit, finite)"),
                change("missing learning rate", "  learningRate: 0.1\n", "", "optimizer.learningRate",
                        "optimizer.learningRate is required"),
                full("missing train data", "engine: finite\noptimizer: {learningRate: 0.1}\ndata: {test: {}}\n",
                        "data.train", "data.train is required (inline inputs and targets, or csv; or data.fashionMnist instead)"),
                change("missing targets", "    targets: [1.0, -1.0]\n", "", "data.train.targets",
                        "data.train.targets is required"),
                change("missing width for the finite engine", "  width: 8\n", "", "network.width",
                        "network.width is required for engine finite"),
                change("missing parametrization for the finite engine", "parametrization: mup\n", "",
                        "parametrization", "parametrization is required for engine finite (mup, ntp or sp)"),
                // non-finite numbers
                change("NaN learning rate", "learningRate: 0.1", "learningRate: .nan", "optimizer.learningRate",
                        "optimizer.learningRate must be a finite number, got .nan"),
                change("infinite input", "[-0.5, 0.25]", "[-0.5, -.inf]", "data.train.inputs[1][1]",
                        "data.train.inputs[1][1] must be a finite number, got -.inf"),
                change("NaN string target", "targets: [0.0]", "targets: [\"NaN\"]", "data.test.targets[0]",
                        "data.test.targets[0] must be a finite number, got the string \"NaN\""),
                change("number that overflows", "initStd: {input: 1.0, hidden: 1.0", "initStd: {input: 1.0, hidden: 1e400", "network.initStd.hidden",
                        "network.initStd.hidden must be a finite number, got Infinity"),
                // wrong types
                change("string for a number", "learningRate: 0.1", "learningRate: fast", "optimizer.learningRate",
                        "optimizer.learningRate must be a finite number, got the string \"fast\""),
                change("string for a whole number", "steps: 2", "steps: \"2\"", "training.steps",
                        "training.steps must be a whole number, got the string \"2\""),
                change("fraction for a whole number", "hiddenLayers: 1", "hiddenLayers: 1.5", "network.hiddenLayers",
                        "network.hiddenLayers must be a whole number, got 1.5"),
                change("number for a boolean", "shuffle: true", "shuffle: 3", "training.shuffle",
                        "training.shuffle must be true or false, got 3"),
                change("number for a section", "training:\n  steps: 2\n  shuffle: true\n", "training: 5\n", "training",
                        "training must be a mapping of fields, got 5"),
                change("number for inputs", "inputs: [[0.1, 0.2]]", "inputs: 0.1", "data.test.inputs",
                        "data.test.inputs must be a list of inputs (each a list of numbers), got 0.1"),
                change("number for one input", "[[0.5, 1.0], [-0.5, 0.25]]", "[0.5, [-0.5, 0.25]]",
                        "data.train.inputs[0]", "data.train.inputs[0] must be a list of numbers, got 0.5"),
                // zero or negative where only positive makes sense
                change("negative learning rate", "learningRate: 0.1", "learningRate: -1", "optimizer.learningRate",
                        "optimizer.learningRate must be finite and > 0, got -1"),
                change("zero learning rate", "learningRate: 0.1", "learningRate: 0", "optimizer.learningRate",
                        "optimizer.learningRate must be finite and > 0, got 0"),
                change("zero init std", "initStd: {input: 1.0", "initStd: {input: 0", "network.initStd.input",
                        "network.initStd.input must be finite and > 0, got 0"),
                // biases (LIMITS.md section 8): their fields need network.bias: true
                change("bias std without biases", "initStd: {input: 1.0", "initStd: {bias: 0.5, input: 1.0",
                        "network.initStd.bias",
                        "network.initStd.bias is given but the network has no biases (set network.bias: true)"),
                change("bias multiplier without biases", "layerMultipliers: {input: 1.0,",
                        "layerMultipliers: {bias: 2.0, input: 1.0,", "optimizer.layerMultipliers.bias",
                        "optimizer.layerMultipliers.bias is given but the network has no biases (set network.bias: true)"),
                change("negative bias std", "initStd: {input: 1.0", "bias: true\n  initStd: {bias: -1, input: 1.0",
                        "network.initStd.bias", "network.initStd.bias must be finite and >= 0, got -1"),
                change("bias not a boolean", "initStd: {input: 1.0", "bias: yes please\n  initStd: {input: 1.0",
                        "network.bias", "network.bias must be true or false, got the string \"yes please\""),
                change("zero steps", "steps: 2", "steps: 0", "training.steps", "training.steps must be > 0, got 0"),
                change("zero width", "width: 8", "width: 0", "network.width", "network.width must be > 0, got 0"),
                change("negative width", "width: 8", "width: -8", "network.width", "network.width must be > 0, got -8"),
                change("zero hidden layers", "hiddenLayers: 1", "hiddenLayers: 0", "network.hiddenLayers",
                        "network.hiddenLayers must be > 0, got 0"),
                change("zero particles", "particles: 16", "particles: 0", "simulation.particles",
                        "simulation.particles must be > 0, got 0"),
                change("negative replicas", "replicas: 2", "replicas: -1", "simulation.replicas",
                        "simulation.replicas must be > 0, got -1"),
                change("zero epsilon", "epsilon: 1.0e-8", "epsilon: 0", "optimizer.epsilon",
                        "optimizer.epsilon must be finite and > 0, got 0"),
                // data
                change("inputs of unequal length", "[-0.5, 0.25]", "[-0.5]", "data.train.inputs[1]",
                        "data.train.inputs[1] has length 1, expected 2 like inputs[0]"),
                change("more targets than inputs", "targets: [1.0, -1.0]", "targets: [1.0, -1.0, 0.5]", "data.train",
                        "data.train has 2 inputs but 3 targets: give one target per input"),
                change("empty train data", "inputs: [[0.5, 1.0], [-0.5, 0.25]]\n    targets: [1.0, -1.0]",
                        "inputs: []\n    targets: []", "data.train", "data.train must contain at least one input, got none"),
                change("test inputs of another dimension", "[[0.1, 0.2]]", "[[0.1]]", "data.test.inputs[0]",
                        "data.test.inputs[0] has length 1, expected 2 like data.train.inputs"),
                change("a wrong first test input before a right one", "inputs: [[0.1, 0.2]]\n    targets: [0.0]",
                        "inputs: [[0.1, 0.2, 0.3], [0.1, 0.2]]\n    targets: [0.0, 0.0]", "data.test.inputs[0]",
                        "data.test.inputs[0] has length 3, expected 2 like data.train.inputs"),
                change("a wrong second test input", "inputs: [[0.1, 0.2]]\n    targets: [0.0]",
                        "inputs: [[0.1, 0.2], [0.1, 0.2, 0.3]]\n    targets: [0.0, 0.0]", "data.test.inputs[1]",
                        "data.test.inputs[1] has length 3, expected 2 like data.train.inputs"),
                full("logistic loss with a train target other than +1 or -1", Cli.VALID_JOB
                                .replace("loss: mse", "loss: logistic").replace("targets: [1.0, -1.0]", "targets: [1.0, 0.5]"),
                        "data.train.targets[1]", "data.train.targets[1] must be +1 or -1 for loss logistic, got 0.5"),
                change("logistic loss with a test target other than +1 or -1", "loss: mse", "loss: logistic",
                        "data.test.targets[0]", "data.test.targets[0] must be +1 or -1 for loss logistic, got 0"),
                csv("CSV with a non-numeric cell", "x1,x2,y\n1,2,3\n4,abc,6\n", "", "data.train.csv",
                        "data.train.csv file {dir}/train.csv line 3 column x2: \"abc\" is not a number"),
                csv("CSV with a NaN cell", "x1,x2,y\n1,NaN,3\n", "", "data.train.csv",
                        "data.train.csv file {dir}/train.csv line 2 column x2: \"NaN\" is not a number"),
                csv("CSV with a short row", "x1,x2,y\n1,2\n", "", "data.train.csv",
                        "data.train.csv file {dir}/train.csv line 2 has 2 cells but the header has 3 columns"),
                change("missing CSV file", "inputs: [[0.5, 1.0], [-0.5, 0.25]]\n    targets: [1.0, -1.0]",
                        "csv: missing.csv", "data.train.csv", "data.train.csv file {dir}/missing.csv does not exist"),
                csv("unknown target column", "x1,x2,y\n1,2,3\n", ", targetColumn: z", "data.train.targetColumn",
                        "data.train.targetColumn \"z\" is not a column of {dir}/train.csv (columns: x1, x2, y)"),
                change("CSV and inline data together", "    targets: [1.0, -1.0]",
                        "    targets: [1.0, -1.0]\n    csv: train.csv", "data.train.csv",
                        "data.train.csv cannot be combined with inputs or targets: give the data inline or in a CSV"
                                + " file"),
                // engines
                change("parametrization contradicting a limit engine", "engine: finite\nparametrization: mup",
                        "engine: mu-limit\nparametrization: ntp", "parametrization",
                        "parametrization ntp contradicts engine mu-limit, which implies mup (leave parametrization out)"),
                change("unknown kernel source", "  precision: float64", "  precision: float64\n  kernels: exact",
                        "simulation.kernels",
                        "simulation.kernels must be one of monte-carlo, closed-form, got \"exact\""),
                full("closed-form kernels for an activation without them", Cli.VALID_JOB
                                .replace("engine: finite\nparametrization: mup", "engine: nt-limit")
                                .replace("  precision: float64", "  precision: float64\n  kernels: closed-form"),
                        "simulation.kernels", "simulation.kernels closed-form needs activation identity, relu or erf,"
                                + " got tanh"),
                full("too few particles for the hat families", TOO_FEW_PARTICLES, "simulation.particles",
                        "simulation.particles of 10 are too few for 2 steps with batches of 2: the hat families reach"
                                + " rank 4 and the Stein regressions need at least twice that plus the 3 inputs (use at"
                                + " least 11, far more for accuracy, or fewer steps)"),
                full("a run that does not fit the memory limit", Cli.VALID_JOB
                                .replace("engine: finite\nparametrization: mup", "engine: mu-limit")
                                .replace("hiddenLayers: 1", "hiddenLayers: 2")
                                .replace("type: sgd", "type: sign")
                                .replace("particles: 16", "particles: 1024\n  memoryLimitMiB: 1"),
                        "simulation.particles", "simulation.particles of 1024 needs 8.5 MiB (ensemble 336 KiB,"
                                + " stored hats 216 KiB, pair matrices 8.0 MiB) but simulation.memoryLimitMiB is 1 MiB"),
                change("negative checkpoint interval", "  precision: float64",
                        "  precision: float64\n  checkpointEvery: -2", "simulation.checkpointEvery",
                        "simulation.checkpointEvery must be >= 0, got -2"),
                change("negative memory limit", "  precision: float64", "  precision: float64\n  memoryLimitMiB: -1",
                        "simulation.memoryLimitMiB", "simulation.memoryLimitMiB must be >= 0 (0 = no limit), got -1"),
                // learning-rate schedules (LIMITS.md 1.1)
                change("schedule longer than the run", "  learningRate: 0.1",
                        "  learningRate: 0.1\n  schedule: {type: cosine, warmupSteps: 3}",
                        "optimizer.schedule.warmupSteps",
                        "optimizer.schedule.warmupSteps is 3, longer than the run (training.steps = 2)"),
                change("schedule field its type does not use", "  learningRate: 0.1",
                        "  learningRate: 0.1\n  schedule: {type: cosine, gamma: 0.5}", "optimizer.schedule.gamma",
                        "optimizer.schedule.gamma does not apply to a schedule of type cosine"),
                change("step schedule without its interval", "  learningRate: 0.1",
                        "  learningRate: 0.1\n  schedule: {type: step}", "optimizer.schedule.stepEvery",
                        "optimizer.schedule.stepEvery is required for type step (the decay by gamma happens every"
                                + " stepEvery steps)"),
                change("negative weight decay", "  learningRate: 0.1",
                        "  learningRate: 0.1\n  weightDecay: -0.01", "optimizer.weightDecay",
                        "optimizer.weightDecay must be finite and >= 0, got -0.01"),
                change("weight decay that removes the weights in one step", "  learningRate: 0.1",
                        "  learningRate: 0.1\n  weightDecay: 10", "optimizer.weightDecay",
                        "optimizer.weightDecay times learningRate and the largest layer multiplier is 1.0: it must be"
                                + " < 1 (a step keeps 1 minus that of the weights)"),
                full("weight decay that removes the biases in one step", Cli.VALID_JOB.replace("  width: 8\n",
                                "  width: 8\n  bias: true\n").replace("  learningRate: 0.1",
                                "  learningRate: 0.1\n  weightDecay: 0.5").replace("output: 1.0}\nloss",
                                "output: 1.0, bias: 30}\nloss"), "optimizer.weightDecay",
                        "optimizer.weightDecay times learningRate and the largest layer multiplier is 1.5: it must be"
                                + " < 1 (a step keeps 1 minus that of the weights)"),
                full("weight decay with closed-form kernels in the NT limit", Cli.VALID_JOB.replace("engine: finite",
                                "engine: nt-limit").replace("parametrization: mup\n", "").replace("  width: 8\n", "")
                                .replace("  learningRate: 0.1", "  learningRate: 0.1\n  weightDecay: 0.01")
                                .replace("activation: tanh", "activation: relu") + "  kernels: closed-form\n",
                        "simulation.kernels", "simulation.kernels closed-form is not implemented with"
                                + " optimizer.weightDecay in engine nt-limit (its kets move, LIMITS.md 1.2); use particles"),
                change("negative decay length", "  learningRate: 0.1",
                        "  learningRate: 0.1\n  schedule: {type: linear, decaySteps: -1}", "optimizer.schedule.decaySteps",
                        "optimizer.schedule.decaySteps must be > 0, got -1"),
                change("final factor above 1", "  learningRate: 0.1",
                        "  learningRate: 0.1\n  schedule: {type: linear, finalFactor: 2}", "optimizer.schedule.finalFactor",
                        "optimizer.schedule.finalFactor must be <= 1 (a schedule decays the rate), got 2.0"),
                change("unknown schedule type", "  learningRate: 0.1",
                        "  learningRate: 0.1\n  schedule: {type: exponential}", "optimizer.schedule.type",
                        "optimizer.schedule.type must be one of constant, linear, cosine, step, got \"exponential\""),
                // the command line
                change("negative checkpoint minutes", "  precision: float64",
                        "  precision: float64\n  checkpointMinutes: -1", "simulation.checkpointMinutes",
                        "simulation.checkpointMinutes must be finite and >= 0, got -1"),
                option("unknown option", List.of("--sed", "3"), "Unknown",
                        "Unknown options: '--sed', '3' (see infinitewidth run --help)"),
                option("option value of the wrong type", List.of("--steps", "many"), "Invalid",
                        "Invalid value for option '--steps': 'many' is not an int (see infinitewidth run --help)"),
                option("unknown backend option", List.of("--backend", "gpu"), "Invalid",
                        "Invalid value for option '--backend': must be one of auto, cpu, cuda, got \"gpu\""
                                + " (see infinitewidth run --help)"),
                option("override out of range", List.of("--steps", "0"), "training.steps",
                        "training.steps must be > 0, got 0"),
                option("override of zero replicas", List.of("--replicas", "0"), "simulation.replicas",
                        "simulation.replicas must be > 0, got 0"));
    }

    private static Case full(String name, String job, String field, String message) {
        return new Case(name, job, Map.of(), List.of(), field, message);
    }

    /** {@link Cli#VALID_JOB} with its one occurrence of {@code from} replaced by {@code to}. */
    private static Case change(String name, String from, String to, String field, String message) {
        int at = Cli.VALID_JOB.indexOf(from);
        if (at < 0 || Cli.VALID_JOB.indexOf(from, at + 1) >= 0) {
            throw new IllegalArgumentException(name + ": \"" + from + "\" must occur exactly once in the valid job");
        }
        return full(name, Cli.VALID_JOB.replace(from, to), field, message);
    }

    /** The valid job with its train split read from {@code train.csv} holding {@code csv}. */
    private static Case csv(String name, String csv, String moreFields, String field, String message) {
        String job = Cli.VALID_JOB.replace("""
                    inputs: [[0.5, 1.0], [-0.5, 0.25]]
                    targets: [1.0, -1.0]
                """, "    {csv: train.csv" + moreFields + "}\n").replace("train:\n    {", "train: {");
        return new Case(name, job, Map.of("train.csv", csv), List.of(), field, message);
    }

    private static Case option(String name, List<String> args, String field, String message) {
        return new Case(name, Cli.VALID_JOB, Map.of(), args, field, message);
    }
}
