package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.job.ComparisonOutputs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep}, {@code merge} and {@code compare} with losses that classify and k > 1 outputs (JOB-SPEC.md):
 * the accuracy columns at the end of {@code sweep.csv} only when a loss classifies, {@code accuracy.csv}
 * and a {@code component} column in a comparison, the distance over every component.
 */
class ClassificationSweepTest {
    private static final String THREE_CLASSES = """
            engine: finite
            parametrization: mup
            network: {hiddenLayers: 1, activation: tanh, width: 16, outputs: 3}
            optimizer: {type: sgd, learningRate: 0.5}
            loss: cross-entropy
            data:
              train: {inputs: [[1, 0, 1], [0, 1, 1], [-1, -1, 1], [0.9, 0.2, 1]], targets: [0, 1, 2, 0]}
              test: {inputs: [[-0.8, -1.1, 1]], targets: [2]}
            training: {steps: 3}
            simulation: {replicas: 2, seed: 5}
            """;
    private static final String TWO_LOSSES = """
            engine: finite
            parametrization: mup
            network: {hiddenLayers: 1, activation: tanh, width: 16}
            optimizer: {type: sgd, learningRate: 0.5}
            data:
              train: {inputs: [[1, 0], [0, 1], [-1, -1]], targets: [1, -1, 1]}
            training: {steps: 3}
            simulation: {replicas: 2, seed: 5}
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Cli ok(String... args) {
        Cli cli = Cli.run(args);
        assertEquals(Main.OK, cli.status(), cli.err());
        return cli;
    }

    private Path sweep(String base, String grid) throws IOException {
        Files.writeString(dir.resolve("base.yaml"), base);
        return Files.writeString(dir.resolve("sweep.yaml"), "base: base.yaml\ngrid:\n" + grid);
    }

    @Test
    void aClassifyingSweepEndsItsRowsWithTheFinalAccuracies() throws IOException {
        Path file = sweep(THREE_CLASSES, "  network.width: [8, 16]\n");
        Path out = dir.resolve("out");
        ok("sweep", file.toString(), "--out", out.toString(), "--quiet");

        List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
        assertEquals("task,network.width,final_train_loss,final_train_loss_stderr,final_test_loss,"
                + "final_test_loss_stderr,status,final_train_accuracy,final_train_accuracy_stderr,final_test_accuracy,"
                + "final_test_accuracy_stderr", rows.get(0));
        for (int i = 0; i < 2; i++) {
            String[] cells = rows.get(1 + i).split(",");
            JsonNode summary = JSON.readTree(out.resolve("tasks").resolve(cells[0]).resolve("summary.json").toFile());
            assertEquals("completed", cells[6]);
            assertEquals(summary.at("/finalAccuracy/train/mean").doubleValue(), Double.parseDouble(cells[7]));
            assertEquals(summary.at("/finalAccuracy/train/stderr").doubleValue(), Double.parseDouble(cells[8]));
            assertEquals(summary.at("/finalAccuracy/test/mean").doubleValue(), Double.parseDouble(cells[9]));
            assertEquals(summary.at("/finalAccuracy/test/stderr").doubleValue(), Double.parseDouble(cells[10]));
        }
        JsonNode description = JSON.readTree(out.resolve("sweep.json").toFile());
        assertEquals(rows.get(0), String.join(",", JSON.convertValue(description.get("columns"), String[].class)));

        // merge keeps the columns: shards give the whole table
        Path shard0 = dir.resolve("shard0");
        Path shard1 = dir.resolve("shard1");
        ok("sweep", file.toString(), "--out", shard0.toString(), "--shard-index", "0", "--shard-count", "2", "--quiet");
        ok("sweep", file.toString(), "--out", shard1.toString(), "--shard-index", "1", "--shard-count", "2", "--quiet");
        ok("merge", shard0.toString(), shard1.toString(), "--out", dir.resolve("merged").toString(), "--quiet");
        assertArrayEquals(Files.readAllBytes(out.resolve("sweep.csv")),
                Files.readAllBytes(dir.resolve("merged").resolve("sweep.csv")));
    }

    @Test
    void aGridOverLossesLeavesTheAccuracyOfMseBlankAndARegressionHasNoAccuracyColumns() throws IOException {
        Path file = sweep(TWO_LOSSES, "  loss: [mse, logistic]\n");
        Path out = dir.resolve("out");
        ok("sweep", file.toString(), "--out", out.toString(), "--quiet");
        List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
        assertTrue(rows.get(0).endsWith(",status,final_train_accuracy,final_train_accuracy_stderr,final_test_accuracy,"
                + "final_test_accuracy_stderr"), rows.get(0));
        assertTrue(rows.get(1).startsWith("0000_loss=mse,mse,") && rows.get(1).endsWith(",completed,,,,"),
                rows.get(1));
        String[] logistic = rows.get(2).split(",", -1);
        assertEquals("logistic", logistic[1]);
        double accuracy = Double.parseDouble(logistic[8]);
        assertTrue(accuracy >= 0 && accuracy <= 1, rows.get(2));
        assertEquals("NaN", logistic[10], "no test data");

        Path regression = sweep(TWO_LOSSES, "  network.width: [8]\n");
        ok("sweep", regression.toString(), "--out", dir.resolve("regression").toString(), "--quiet");
        assertTrue(Files.readAllLines(dir.resolve("regression").resolve("sweep.csv")).get(0).endsWith(",status"));
    }

    @Test
    void aComparisonOfKOutputsHasAComponentColumnAndTheAccuraciesOfItsTasks() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), THREE_CLASSES);
        Path out = dir.resolve("compare");
        // the finite networks of both parametrizations; the limit runs are tasks too (they may fail here)
        Cli.run("compare", job.toString(), "--widths", "8,32", "--out", out.toString(), "--quiet");

        List<String> comparison = Files.readAllLines(out.resolve(ComparisonOutputs.COMPARISON));
        assertEquals(ComparisonOutputs.COMPARISON_HEADER_COMPONENTS, comparison.get(0));
        List<String> width8 = comparison.stream().filter(r -> r.startsWith("finite-mup,8,")).toList();
        // 4 recorded steps x 5 inputs x 3 components
        assertEquals(4 * 5 * 3, width8.size());
        assertEquals(List.of("finite-mup,8,0,train,0,0", "finite-mup,8,0,train,0,1", "finite-mup,8,0,train,0,2"),
                width8.subList(0, 3).stream().map(r -> r.substring(0, r.lastIndexOf(',', r.lastIndexOf(',') - 1)))
                        .toList());

        List<String> accuracy = Files.readAllLines(out.resolve(ComparisonOutputs.ACCURACY));
        assertEquals(ComparisonOutputs.ACCURACY_HEADER, accuracy.get(0));
        JsonNode summary = JSON.readTree(out.resolve("tasks/0004_finite-mup_width=8/summary.json").toFile());
        assertTrue(accuracy.contains("finite-mup,8,test," + summary.at("/finalAccuracy/test/mean").doubleValue() + ","
                + summary.at("/finalAccuracy/test/stderr").doubleValue()), accuracy.toString());
    }

    @Test
    void theDistanceIsTheRmsOverEveryComponent() throws IOException {
        // two hand-made task folders: a limit and a finite run of 2 outputs, 1 input, 1 step
        Path limit = task("limit", "mu-limit", null, "0,train,0,0,1.0,0.1\n0,train,0,1,2.0,0.1\n");
        Path finite = task("finite", "finite", 64, "0,train,0,0,1.3,0.0\n0,train,0,1,1.6,0.0\n");

        ComparisonOutputs.Tables tables = ComparisonOutputs.tables(List.of(limit, finite));

        assertEquals(2, tables.components());
        ComparisonOutputs.Distance d = tables.distances().get(0);
        assertEquals(Math.sqrt((0.3 * 0.3 + 0.4 * 0.4) / 2), d.distance(), 1e-12);
        // the delta method's sum_k |d_k| s_k / (K D), s_k = 0.1
        assertEquals((0.3 + 0.4) * 0.1 / (2 * d.distance()), d.stderr(), 1e-12);
        assertEquals(List.of(), tables.accuracies());
        assertFalse(tables.rows().isEmpty());
    }

    private Path task(String name, String engine, Integer width, String rows) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        Files.writeString(folder.resolve("trajectory.csv"), "step,split,index,component,output,stderr\n" + rows);
        Files.writeString(folder.resolve("summary.json"), "{\"status\": \"completed\", \"job\": {\"engine\": \"" + engine
                + "\"" + (width == null ? "" : ", \"parametrization\": \"mup\"") + ", \"network\": {\"outputs\": 2"
                + (width == null ? "" : ", \"width\": " + width) + "}}}");
        return folder;
    }
}
