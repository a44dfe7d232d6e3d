package io.github.infinitewidth.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.cli.Main;
import io.github.infinitewidth.data.TinyFashionMnist;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.util.InvalidSpecException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The notebook API: immutable, validated like job files, and the command line's numbers. */
class SimulationTest {
    @TempDir
    Path dir;

    private static final double[][] X = {{1.0, 0.4}, {-0.6, 0.9}, {0.3, -1.2}};
    private static final double[] Y = {0.8, -0.6, 0.5};

    private static Simulation small(Simulation engine) {
        return engine.hiddenLayers(2).activation("relu").optimizer(Optimizers.adam(0.05))
                .data(Datasets.inline(X, Y).test(new double[][] {{0.6, 0.6}}, new double[] {0.4}))
                .steps(3).particles(512).replicas(3).seed(7);
    }

    /** Runs the simulation's YAML with {@code bin/infinitewidth run} into {@code cli}, its result saved into {@code api}. */
    private void runBoth(Simulation simulation, String name) throws IOException {
        Path job = Files.writeString(dir.resolve(name + ".yaml"), simulation.toYaml());
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
            int status = Main.execute(out, out, "run", job.toString(), "--out", dir.resolve(name + "-cli").toString(),
                    "--quiet");
            assertEquals(Main.OK, status, sink.toString(StandardCharsets.UTF_8));
        }
        simulation.run().save(dir.resolve(name + "-api"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mu-limit", "nt-limit", "finite"})
    void theApiAndTheCommandLineGiveTheSameNumbers(String engine) throws IOException {
        Simulation simulation = small(Simulation.finite("mup", 64).engine(engine));

        runBoth(simulation, engine);

        for (String file : List.of("trajectory.csv", "loss.csv")) {
            assertEquals(Files.readString(dir.resolve(engine + "-cli").resolve(file)),
                    Files.readString(dir.resolve(engine + "-api").resolve(file)), file);
        }
        ObjectMapper json = new ObjectMapper();
        var cli = json.readTree(dir.resolve(engine + "-cli").resolve("summary.json").toFile());
        var api = json.readTree(dir.resolve(engine + "-api").resolve("summary.json").toFile());
        assertEquals(cli.get("finalLoss"), api.get("finalLoss"));
        assertEquals(cli.get("job"), api.get("job"));
    }

    @Test
    void aReplicaRangeRunsThosePartsAndSavesAPartialRunAsTheCommandLineDoes() throws IOException {
        Simulation whole = small(Simulation.ntLimit()).particles(64).replicas(4);
        Path job = Files.writeString(dir.resolve("job.yaml"), whole.toYaml());
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
            assertEquals(Main.OK, Main.execute(out, out, "run", job.toString(), "--out", dir.resolve("cli").toString(),
                    "--replica-range", "1:3", "--quiet"), sink.toString(StandardCharsets.UTF_8));
            Result part = whole.replicaRange(1, 3).run();
            assertEquals(2, part.trajectory().replicas());
            part.save(dir.resolve("api"));
            whole.replicaRange(0, 1).run().save(dir.resolve("api-0"));
            whole.replicaRange(3, 4).run().save(dir.resolve("api-3"));
            assertEquals(Main.OK, Main.execute(out, out, "merge", dir.resolve("api-0").toString(),
                    dir.resolve("api").toString(), dir.resolve("api-3").toString(), "--out",
                    dir.resolve("merged").toString(), "--quiet"), sink.toString(StandardCharsets.UTF_8));
        }
        for (String file : List.of("trajectory.csv", "loss.csv", "kernels.csv", "replicas/replicas.bin")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("cli").resolve(file)),
                    Files.readAllBytes(dir.resolve("api").resolve(file)), file);
        }
        whole.run().save(dir.resolve("whole"));
        for (String file : List.of("trajectory.csv", "loss.csv", "kernels.csv", "features.csv")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("whole").resolve(file)),
                    Files.readAllBytes(dir.resolve("merged").resolve(file)), file);
        }
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> whole.replicaRange(2, 5).run());
        assertEquals("--replica-range", e.field());
    }

    @Test
    void theResultsLossCurveAndFinalLossAreThoseOfLossCsv() throws IOException {
        Result result = small(Simulation.muLimit()).run();
        result.save(dir.resolve("out"));

        List<String> rows = Files.readAllLines(dir.resolve("out").resolve("loss.csv"));
        List<Result.LossPoint> train = result.loss("train");
        List<Result.LossPoint> test = result.loss("test");
        assertEquals(rows.size() - 1, train.size() + test.size());
        for (int k = 0; k < train.size(); k++) {
            assertEquals(train.get(k).step() + ",train," + train.get(k).mean() + "," + train.get(k).stderr(),
                    rows.get(1 + 2 * k));
            assertEquals(test.get(k).step() + ",test," + test.get(k).mean() + "," + test.get(k).stderr(),
                    rows.get(2 + 2 * k));
        }
        assertEquals(train.get(train.size() - 1).mean(), result.finalLoss("train").mean());
        assertEquals(4 * 4, result.outputs("train").size() + result.outputs("test").size());
        assertTrue(result.toString().startsWith("mu-limit completed, 3 steps in "), result.toString());
    }

    @Test
    void eachMethodReturnsANewSimulationAndLeavesItsBaseAlone() {
        Simulation base = small(Simulation.ntLimit());
        Simulation longer = base.steps(10);

        assertEquals(3, base.job().experiment().training().steps());
        assertEquals(10, longer.job().experiment().training().steps());
    }

    @Test
    void switchingToALimitDropsTheFiniteParametrization() {
        Simulation finite = small(Simulation.finite("ntp", 32));

        assertEquals("ntp", finite.job().experiment().parametrization().spelling());
        assertEquals("mup", finite.engine("mu-limit").job().experiment().parametrization().spelling());
        assertFalse(finite.engine("mu-limit").toYaml().contains("parametrization"));
    }

    @Test
    void schedulesAreTheJobFilesSchedules() {
        var cosine = small(Simulation.muLimit()).optimizer(Optimizers.adam(0.01).warmup(1).cosineDecay(0.1))
                .job().experiment().optimizer().schedule();
        assertEquals(new Schedule(Schedule.Type.COSINE, 1,
                Schedule.REST_OF_RUN, 0.1, 0, 1.0), cosine);
        var step = small(Simulation.muLimit()).optimizer(Optimizers.sgd(0.1).cosineDecay(0.1).stepDecay(2, 0.5))
                .job().experiment().optimizer().schedule();
        assertEquals(Schedule.Type.STEP, step.type(), "the last decay wins");
        assertEquals(0.5, step.gamma());
        InvalidSpecException tooLong = assertThrows(InvalidSpecException.class,
                () -> small(Simulation.muLimit()).optimizer(Optimizers.sgd(0.1).warmup(4)).run());
        assertEquals("optimizer.schedule.warmupSteps is 4, longer than the run (training.steps = 3)",
                tooLong.getMessage());
    }

    @Test
    void badInputIsTheJobFilesOneLineMessage() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> small(Simulation.muLimit()).optimizer(Optimizers.sgd(-1)).run());
        assertEquals("optimizer.learningRate must be finite and > 0, got -1", e.getMessage());
    }

    @Test
    void csvDataAreTheInlineDataTheyHold() throws IOException {
        Path train = Files.writeString(dir.resolve("train.csv"), "y,a,b\n0.8,1.0,0.4\n-0.6,-0.6,0.9\n0.5,0.3,-1.2\n");
        Path test = Files.writeString(dir.resolve("test.csv"), "y,a,b\n0.4,0.6,0.6\n");
        Simulation fromCsv = small(Simulation.ntLimit()).data(Datasets.csv(train).targetColumn("y").test(test));

        var inline = small(Simulation.ntLimit()).job().experiment().data();
        var csv = fromCsv.job().experiment().data();
        assertArrayEquals(inline.allInputs(), csv.allInputs());
        assertArrayEquals(inline.allTargets(), csv.allTargets());
        assertEquals(inline.train().size(), csv.train().size());
    }

    @Test
    void fashionMnistDataAreSelectedAsInAJobFile() throws IOException {
        Path images = TinyFashionMnist.write(dir.resolve("images"), true);
        Simulation simulation = Simulation.finite("mup", 16).optimizer(Optimizers.sgd(0.1)).steps(2)
                .data(Datasets.fashionMnist("trouser", "bag").trainSize(6).testSize(3).seed(2).standardize("per-pixel")
                        .directory(images));

        var data = simulation.job().experiment().data();

        assertEquals(6, data.train().size());
        assertEquals(3, data.test().size());
        assertEquals(TinyFashionMnist.PIXELS, data.dimension());
    }
}
