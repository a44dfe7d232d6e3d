package io.github.infinitewidth.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.train.Loss;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Job files that parse: the example, every default of JOB-SPEC.md, overrides, CSV data, the resolved job. */
class JobFileTest {
    @TempDir
    Path dir;

    @Test
    void quickstartExampleParses() {
        Job job = JobFile.read(Path.of("examples/quickstart.yaml"));
        Experiment e = job.experiment();
        assertEquals("finite", job.engine());
        assertEquals(Parametrization.MUP, e.parametrization());
        assertEquals(2, e.network().hiddenLayers());
        assertEquals(Activation.TANH, e.network().activation());
        assertEquals(1024, e.network().width());
        assertEquals(UpdateFunction.Kind.SGD, e.optimizer().update().kind());
        assertEquals(0.5, e.optimizer().learningRate());
        assertEquals(5, e.data().train().size());
        assertEquals(2, e.data().test().size());
        assertArrayEquals(new double[] {-0.6, 0.7}, e.data().test().targets());
        assertEquals(30, e.training().steps());
        assertEquals(4, e.simulation().replicas());
        assertEquals(1, e.simulation().seed());
    }

    @Test
    void everyOmittedFieldGetsTheSpecDefault() throws IOException {
        Job job = JobFile.read(write("job.yaml", """
                engine: mu-limit
                optimizer: {learningRate: 0.5}
                data:
                  train: {inputs: [[1.0]], targets: [2.0]}
                """));
        Experiment e = job.experiment();
        assertEquals(2, e.network().hiddenLayers());
        assertEquals(Activation.TANH, e.network().activation());
        assertEquals(0, e.network().width());
        assertEquals(InitStd.DEFAULT, e.network().initStd());
        assertEquals(Parametrization.MUP, e.parametrization(), "the mu limit implies muP");
        assertEquals(UpdateFunction.of(UpdateFunction.Kind.SGD), e.optimizer().update());
        assertEquals(LayerMultipliers.DEFAULT, e.optimizer().multipliers());
        assertEquals(Loss.MSE, e.loss());
        assertEquals(0, e.data().test().size());
        assertEquals(100, e.training().steps());
        assertEquals(0, e.training().batchSize());
        assertTrue(e.training().shuffle());
        assertEquals(1, e.training().recordEvery());
        assertEquals(4096, e.simulation().particles());
        assertEquals(4, e.simulation().replicas());
        assertEquals(1, e.simulation().seed());
        assertEquals(BackendChoice.AUTO, e.simulation().backend());
        assertEquals(Precision.FLOAT64, e.simulation().precision());
        assertTrue(e.simulation().centerOutput());
    }

    @Test
    void jsonIsReadToo() throws IOException {
        Job job = JobFile.read(write("job.json", """
                {"engine": "nt-limit", "optimizer": {"type": "sign", "learningRate": 1e-2},
                 "data": {"train": {"inputs": [[1, 2]], "targets": [3]}, "test": {}},
                 "training": {"steps": 1e3, "shuffle": false}}
                """));
        assertEquals(Parametrization.NTP, job.experiment().parametrization());
        assertEquals(UpdateFunction.Kind.SIGN, job.experiment().optimizer().update().kind());
        assertEquals(1000, job.experiment().training().steps(), "a whole number written as 1e3 is accepted");
        assertFalse(job.experiment().training().shuffle());
    }

    @Test
    void commandLineOverridesReplaceFileValuesAndCreateMissingSections() throws IOException {
        Path file = write("job.yaml", """
                engine: finite
                optimizer: {learningRate: 0.5}
                data: {train: {inputs: [[1.0]], targets: [2.0]}}
                training: {steps: 7}
                """);
        Job job = JobFile.read(file, new Overrides(9L, 32, 3, 11, BackendChoice.CPU));
        assertEquals(9, job.experiment().simulation().seed());
        assertEquals(32, job.experiment().simulation().particles());
        assertEquals(3, job.experiment().simulation().replicas());
        assertEquals(11, job.experiment().training().steps());
        assertEquals(BackendChoice.CPU, job.experiment().simulation().backend());
        assertEquals(11, job.resolvedTree().at("/training/steps").intValue(), "the resolved job shows the override");
    }

    @Test
    void csvDataIsReadRelativeToTheJobFileWithTheLastColumnAsTarget() throws IOException {
        Files.createDirectories(dir.resolve("jobs/data"));
        Files.writeString(dir.resolve("jobs/data/train.csv"), "\uFEFFx1, \"x2\" ,y\n1,2,3\n-4.5,5e-1,6\n\n");
        Job job = JobFile.read(write("jobs/job.yaml", """
                engine: mu-limit
                optimizer: {learningRate: 0.5}
                data: {train: {csv: data/train.csv}}
                """));
        Dataset train = job.experiment().data().train();
        assertArrayEquals(new double[][] {{1, 2}, {-4.5, 0.5}}, train.inputs());
        assertArrayEquals(new double[] {3, 6}, train.targets());
    }

    @Test
    void targetColumnPicksTheTargetAndTheOtherColumnsStayInputsInFileOrder() throws IOException {
        Files.writeString(dir.resolve("test.csv"), "y,a,b\n1,2,3\n");
        Job job = JobFile.read(write("job.yaml", """
                engine: mu-limit
                optimizer: {learningRate: 0.5}
                data:
                  train: {inputs: [[0, 0]], targets: [0]}
                  test: {csv: test.csv, targetColumn: y}
                """));
        assertArrayEquals(new double[][] {{2, 3}}, job.experiment().data().test().inputs());
        assertArrayEquals(new double[] {1}, job.experiment().data().test().targets());
    }

    @Test
    void aLimitEngineAcceptsTheParametrizationItImplies() throws IOException {
        Job job = JobFile.read(write("job.yaml", """
                engine: nt-limit
                parametrization: ntp
                optimizer: {learningRate: 0.5}
                data: {train: {inputs: [[1.0]], targets: [2.0]}}
                """));
        assertEquals(Parametrization.NTP, job.experiment().parametrization());
    }

    /** Finite muP networks keep their uncentered numbers unless the job asks (LIMITS.md 2.1); NTP ones are centered. */
    @Test
    void centerOutputDefaultsToFalseForFiniteMupOnly() throws IOException {
        String job = """
                engine: %s
                %s
                optimizer: {learningRate: 0.5}
                data: {train: {inputs: [[1.0]], targets: [2.0]}}
                %s
                """;
        assertFalse(JobFile.read(write("a.yaml", job.formatted("finite", "parametrization: mup", "")))
                .experiment().simulation().centerOutput());
        assertTrue(JobFile.read(write("b.yaml", job.formatted("finite", "parametrization: mup",
                "simulation: {centerOutput: true}"))).experiment().simulation().centerOutput());
        assertTrue(JobFile.read(write("c.yaml", job.formatted("finite", "parametrization: ntp", "")))
                .experiment().simulation().centerOutput());
        assertTrue(JobFile.read(write("d.yaml", job.formatted("mu-limit", "", "")))
                .experiment().simulation().centerOutput());
    }

    @Test
    void theFiniteEngineLeavesAMissingParametrizationToItsOwnCheck() throws IOException {
        Job job = JobFile.read(write("job.yaml", """
                engine: finite
                optimizer: {learningRate: 0.5}
                data: {train: {inputs: [[1.0]], targets: [2.0]}}
                """));
        assertNull(job.experiment().parametrization());
    }

    @Test
    void theResolvedJobIsAJobFileThatReadsBackToTheSameJob() throws IOException {
        Files.writeString(dir.resolve("train.csv"), "a,b,y\n0.1,-1e-300,1\n0.30000000000000004,0.2,-1\n");
        Job job = JobFile.read(write("job.yaml", """
                engine: finite
                parametrization: sp
                network: {hiddenLayers: 3, activation: gelu, width: 16, initStd: {hidden: 2.0}}
                optimizer: {type: adam, learningRate: 0.5, beta2: 0.99, layerMultipliers: {output: 0}}
                loss: logistic
                data: {train: {csv: train.csv}}
                training: {steps: 5, batchSize: 1, recordEvery: 2}
                simulation: {seed: 77, precision: float32, centerOutput: false}
                """));
        Path resolved = dir.resolve("resolved/job.json");
        Files.createDirectories(resolved.getParent());
        new ObjectMapper().writeValue(resolved.toFile(), job.resolvedTree());
        Job again = JobFile.read(resolved);
        assertEquals(job.resolvedTree(), again.resolvedTree());
        assertArrayEquals(new double[][] {{0.1, -1e-300}, {0.30000000000000004, 0.2}},
                again.experiment().data().train().inputs(),
                "numbers keep full precision");
        assertEquals(2.0, job.resolvedTree().at("/network/initStd/hidden").doubleValue());
        assertEquals(1.0, job.resolvedTree().at("/network/initStd/input").doubleValue(), "defaults are filled in");
        assertEquals(0.9, job.resolvedTree().at("/optimizer/beta1").doubleValue());
        assertTrue(job.resolvedTree().at("/data/test/inputs").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{type: constant, warmupSteps: 2}", "{type: linear, decaySteps: 4, finalFactor: 0.2}",
                            "{type: cosine, warmupSteps: 1}", "{type: step, warmupSteps: 1, stepEvery: 2, gamma: 0.5}"})
    void aScheduleReadsBackFromTheResolvedJob(String schedule) throws IOException {
        Job job = JobFile.read(write("job.yaml", """
                engine: mu-limit
                optimizer: {type: adam, learningRate: 0.5, weightDecay: 0.25, schedule: %s}
                data: {train: {inputs: [[1.0]], targets: [2.0]}}
                training: {steps: 6}
                """.formatted(schedule)));
        Path resolved = dir.resolve("resolved/job.json");
        Files.createDirectories(resolved.getParent());
        new ObjectMapper().writeValue(resolved.toFile(), job.resolvedTree());
        Job again = JobFile.read(resolved);
        assertEquals(job.experiment().optimizer(), again.experiment().optimizer());
        assertEquals(job.resolvedTree(), again.resolvedTree());
        assertTrue(job.resolvedTree().at("/optimizer/schedule").isObject());
        assertEquals(0.25, again.experiment().optimizer().weightDecay());
    }

    @Test
    void theNeuralTangentsPresetKeepsTheScheduleAndWeightDecay() throws IOException {
        Job job = JobFile.read(write("job.yaml", """
                engine: finite
                parametrization: ntp
                network: {width: 16}
                optimizer: {learningRate: 0.5, layerMultipliers: neural-tangents, weightDecay: 0.1,
                            schedule: {type: linear, finalFactor: 0.5}}
                data: {train: {inputs: [[1.0]], targets: [2.0]}}
                training: {steps: 4}
                """));
        assertEquals(Schedule.Type.LINEAR, job.experiment().optimizer().schedule().type());
        assertEquals(0.1, job.experiment().optimizer().weightDecay());
    }

    @Test
    void aConstantScheduleAndNoWeightDecayLeaveTheResolvedJobAsWithout() throws IOException {
        Job with = JobFile.read(write("with.yaml", """
                engine: mu-limit
                optimizer: {learningRate: 0.5, schedule: {type: constant}, weightDecay: 0}
                data: {train: {inputs: [[1.0]], targets: [2.0]}}
                """));
        Job without = JobFile.read(write("without.yaml", """
                engine: mu-limit
                optimizer: {learningRate: 0.5}
                data: {train: {inputs: [[1.0]], targets: [2.0]}}
                """));
        assertEquals(without.resolvedTree(), with.resolvedTree());
    }

    /**
     * {@code network.bias} (LIMITS.md section 8): off by default with sb = 1 and mb = 1; when on, the
     * resolved job records the three fields, and a job without biases resolves exactly as before
     * (no bias field), so its identity is unchanged.
     */
    @Test
    void biasesParseAndAppearInTheResolvedJobOnlyWhenOn() throws IOException {
        String base = """
                engine: finite
                parametrization: mup
                network: {width: 16%s}
                optimizer: {learningRate: 0.5%s}
                data:
                  train: {inputs: [[1.0]], targets: [2.0]}
                """;
        Job plain = JobFile.read(write("plain.yaml", base.formatted("", "")));
        assertFalse(plain.experiment().network().bias());
        assertEquals(InitStd.DEFAULT_BIAS, plain.experiment().network().initStd().bias());
        assertEquals(1.0, plain.experiment().optimizer().multipliers().bias());
        ObjectNode plainTree = ResolvedJob.tree(plain);
        assertFalse(plainTree.toString().contains("bias"), plainTree.toString());

        Job biased = JobFile.read(write("biased.yaml", base.formatted(", bias: true, initStd: {bias: 0.3}",
                ", layerMultipliers: {bias: 2.5}")));
        assertTrue(biased.experiment().network().bias());
        assertEquals(0.3, biased.experiment().network().initStd().bias());
        assertEquals(2.5, biased.experiment().optimizer().multipliers().bias());
        ObjectNode tree = ResolvedJob.tree(biased);
        assertTrue(tree.get("network").get("bias").booleanValue());
        assertEquals(0.3, tree.get("network").get("initStd").get("bias").doubleValue());
        assertEquals(2.5, tree.get("optimizer").get("layerMultipliers").get("bias").doubleValue());
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }
}
