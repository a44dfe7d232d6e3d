package io.github.infinitewidth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.cli.Main;
import io.github.infinitewidth.data.TinyFashionMnist;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.util.InvalidSpecException;
import com.fasterxml.jackson.databind.JsonNode;
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

/** The notebook API with k outputs per input: cross-entropy, vector targets, accuracies and components. */
class OutputsApiTest {
    @TempDir
    Path dir;

    private static final double[][] X = {{1, 0, 1}, {0, 1, 1}, {-1, -1, 1}, {0.9, 0.1, 1}};
    private static final double[] LABELS = {0, 1, 2, 0};

    private static Simulation threeClasses() {
        return Simulation.finite("mup", 32).hiddenLayers(1).activation("tanh").outputs(3).loss("cross-entropy")
                .optimizer(Optimizers.sgd(0.5))
                .data(Datasets.inline(X, LABELS).test(new double[][] {{-0.8, -1.2, 1}}, new double[] {2}))
                .steps(4).replicas(3).seed(3);
    }

    @Test
    void theFieldsAreTheJobFilesOwn() {
        String yaml = threeClasses().toYaml();
        assertTrue(yaml.contains("outputs: 3"), yaml);
        assertTrue(yaml.contains("loss: cross-entropy"), yaml);
        assertEquals(3, threeClasses().job().experiment().outputs());
        String vectors = Datasets.inline(new double[][] {{1}}, new double[][] {{0.5, -1}})
                .test(new double[][] {{2}}, new double[][] {{1, 2}}).toString();
        assertEquals("{\"train\":{\"inputs\":[[1.0]],\"targets\":[[0.5,-1.0]]},\"test\":{\"inputs\":[[2.0]],"
                + "\"targets\":[[1.0,2.0]]}}", vectors);
        String csv = Datasets.csv(Path.of("a.csv")).targetColumns("y1", "y2").test(Path.of("b.csv")).toString();
        assertEquals("{\"train\":{\"csv\":\"a.csv\",\"targetColumns\":[\"y1\",\"y2\"]},\"test\":{\"csv\":\"b.csv\","
                + "\"targetColumns\":[\"y1\",\"y2\"]}}", csv);
        assertEquals("{\"fashionMnist\":{\"classes\":\"all\"}}", Datasets.fashionMnistAllClasses().toString());
    }

    @Test
    void accuraciesAndComponentsAreThoseOfTheCommandLinesFiles() throws IOException {
        Simulation simulation = threeClasses();
        Path job = Files.writeString(dir.resolve("job.yaml"), simulation.toYaml());
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8)) {
            assertEquals(Main.OK, Main.execute(out, out, "run", job.toString(), "--out", dir.resolve("cli").toString(),
                    "--quiet"), sink.toString(StandardCharsets.UTF_8));
        }
        Result result = simulation.run();
        assertEquals(3, result.components());
        assertTrue(result.classifies());

        // loss.csv: step,split,loss,stderr,accuracy,accuracy_stderr; train rows first at each step
        List<String> lossRows = Files.readAllLines(dir.resolve("cli/loss.csv"));
        List<Result.AccuracyPoint> train = result.accuracy("train");
        List<Result.AccuracyPoint> test = result.accuracy("test");
        assertEquals(5, train.size());
        for (int k = 0; k < train.size(); k++) {
            String[] trainRow = lossRows.get(1 + 2 * k).split(",");
            String[] testRow = lossRows.get(2 + 2 * k).split(",");
            assertEquals(Double.parseDouble(trainRow[4]), train.get(k).mean());
            assertEquals(Double.parseDouble(trainRow[5]), train.get(k).stderr());
            assertEquals(Double.parseDouble(testRow[4]), test.get(k).mean());
            assertEquals(train.get(k).step(), Integer.parseInt(trainRow[0]));
        }
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("cli/summary.json").toFile());
        Estimate last = result.finalAccuracy("train");
        assertEquals(summary.at("/finalAccuracy/train/mean").doubleValue(), last.mean());
        assertEquals(summary.at("/finalAccuracy/test/mean").doubleValue(), result.finalAccuracy("test").mean());

        // trajectory.csv: step,split,index,component,output,stderr, one row per output point in the same order
        List<String> outputRows = Files.readAllLines(dir.resolve("cli/trajectory.csv")).stream()
                .filter(line -> line.contains(",train,")).toList();
        List<Result.OutputPoint> points = result.outputs("train");
        assertEquals(5 * X.length * 3, points.size());
        assertEquals(outputRows.size(), points.size());
        for (int i = 0; i < points.size(); i++) {
            Result.OutputPoint p = points.get(i);
            assertEquals(p.step() + ",train," + p.index() + "," + p.component() + "," + p.mean() + "," + p.stderr(),
                    outputRows.get(i));
        }
        assertTrue(result.toString().contains("; final accuracy train "), result.toString());
    }

    @Test
    void aRegressionHasNoAccuracyAndOneComponent() {
        Result result = Simulation.finite("mup", 16).hiddenLayers(1).optimizer(Optimizers.sgd(0.1))
                .data(Datasets.inline(X, new double[] {0.1, 0.2, 0.3, 0.4})).steps(1).replicas(2).run();
        assertEquals(1, result.components());
        assertEquals(0, result.outputs("train").get(3).component());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> result.finalAccuracy("train"));
        assertEquals("loss mse has no classes, hence no accuracy: loss logistic and cross-entropy have", e.getMessage());
        assertTrue(!result.toString().contains("accuracy"), result.toString());
    }

    @Test
    void vectorTargetsTrainAnMseNetworkOfKOutputs() {
        double[][] targets = {{1, 0}, {0, 1}, {-1, 0}, {0.5, 0.5}};
        Result result = Simulation.finite("mup", 16).hiddenLayers(1).outputs(2).optimizer(Optimizers.sgd(0.2))
                .data(Datasets.inline(X, targets)).steps(3).replicas(2).run();
        assertEquals(2, result.components());
        assertEquals(4 * 4 * 2, result.outputs("train").size());
        assertTrue(result.loss("train").get(3).mean() < result.loss("train").get(0).mean());
        InvalidSpecException wrong = assertThrows(InvalidSpecException.class, () -> Simulation.finite("mup", 16)
                .outputs(3).optimizer(Optimizers.sgd(0.2)).data(Datasets.inline(X, targets)).job());
        assertEquals("data.train.targets has 2 number(s) per input but network.outputs is 3: give one target per"
                + " output", wrong.getMessage());
    }

    @Test
    void allTenFashionMnistClassesAreLabelledForCrossEntropy() throws IOException {
        TinyFashionMnist.write(dir.resolve("data"), true);
        Result result = Simulation.finite("mup", 16).hiddenLayers(1).outputs(10).loss("cross-entropy")
                .optimizer(Optimizers.sgd(0.1)).data(Datasets.fashionMnistAllClasses().trainSize(20).testSize(10)
                        .directory(dir.resolve("data"))).steps(1).replicas(2).run();
        double accuracy = result.finalAccuracy("test").mean();
        assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
        assertEquals(10 * 10 * 2, result.outputs("test").size());
    }
}
