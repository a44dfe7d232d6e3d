package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.infinitewidth.report.Pngs;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outputs the limit engines add (JOB-SPEC.md): {@code kernels.csv} from nt-limit and
 * {@code features.csv} from both, with their headers, index ranges and meaning, and the
 * summary of a limit run.
 */
class LimitOutputsTest {
    /** 3 train and 1 test inputs, 2 hidden relu layers, 4 recorded steps. */
    private static final String JOB = """
            engine: %s
            network: {hiddenLayers: 2, activation: relu}
            optimizer: {type: adam, learningRate: 0.05}
            data:
              train: {inputs: [[1.0, 0.4], [-0.6, 0.9], [0.3, -1.2]], targets: [0.8, -0.6, 0.5]}
              test: {inputs: [[0.6, 0.6]], targets: [0.4]}
            training: {steps: 3}
            simulation: {particles: 512, replicas: 3, seed: 1}
            """;
    private static final int M = 4;

    @TempDir
    Path dir;

    private Path run(String engine) throws IOException {
        return run(engine, String.format(JOB, engine), engine);
    }

    private Path run(String engine, String text, String name) throws IOException {
        Path job = Files.writeString(dir.resolve(name + ".yaml"), text);
        Path out = dir.resolve(name);
        Cli cli = Cli.run("run", job.toString(), "--out", out.toString(), "--quiet");
        assertEquals(Main.OK, cli.status(), cli.err());
        return out;
    }

    @Test
    void withoutRecordKernelsTheLimitsWriteTheSameTrajectoriesButNoKernelFiles() throws IOException {
        for (String engine : List.of("nt-limit", "mu-limit")) {
            Path with = run(engine);
            Path without = run(engine, String.format(JOB, engine).replace("training: {steps: 3}",
                    "training: {steps: 3, recordKernels: false}"), engine + "-without");

            assertEquals(Files.readString(with.resolve("trajectory.csv")), Files.readString(without.resolve("trajectory.csv")));
            assertEquals(List.of("loss.csv", "loss.png", "summary.json", "trajectory.csv", "trajectory.png"), files(without));
            assertTrue(Files.exists(with.resolve("features.csv")));
        }
    }

    private static List<String> files(Path dir) throws IOException {
        try (var names = Files.list(dir)) {
            return names.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void ntLimitWritesBothKernelsOverTrainThenTestInputs() throws IOException {
        Path out = run("nt-limit");
        List<String> rows = Files.readAllLines(out.resolve("kernels.csv"));
        assertEquals("kernel,i,j,value,stderr", rows.get(0));
        assertEquals(1 + 2 * M * M, rows.size());
        Map<String, Double> values = new HashMap<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            assertTrue(cells[0].equals("nngp") || cells[0].equals("ntk"), row);
            int i = Integer.parseInt(cells[1]);
            int j = Integer.parseInt(cells[2]);
            assertTrue(i >= 0 && i < M && j >= 0 && j < M, row);
            assertTrue(Double.parseDouble(cells[4]) > 0, "3 replicas give a standard error: " + row);
            values.put(cells[0] + i + "," + j, Double.parseDouble(cells[3]));
        }
        for (String kernel : new String[] {"nngp", "ntk"}) {
            for (int i = 0; i < M; i++) {
                assertTrue(values.get(kernel + i + "," + i) > 0, kernel + " diagonal");
                for (int j = 0; j < M; j++) {
                    assertEquals(values.get(kernel + i + "," + j), values.get(kernel + j + "," + i), 0, "symmetric");
                }
            }
        }
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("nt-limit", summary.get("engine").asText());
        assertEquals(512, summary.get("particles").asInt());
        assertEquals("ntp", summary.get("job").get("parametrization").asText());
    }

    @Test
    void featureKernelsAreFrozenInTheNtLimitAndMoveInTheMuLimit() throws IOException {
        Map<String, String[]> nt = features(run("nt-limit"));
        Map<String, String[]> mu = features(run("mu-limit"));
        assertEquals(4 * 2 * M * M, nt.size(), "recorded steps x layers x m^2");
        assertEquals(nt.keySet(), mu.keySet());
        for (int layer = 1; layer <= 2; layer++) {
            String first = "0," + layer + ",0,1";
            String last = "3," + layer + ",0,1";
            assertEquals(nt.get(first)[0], nt.get(last)[0], "nt-limit layer " + layer);
            assertNotEquals(mu.get(first)[0], mu.get(last)[0], "mu-limit layer " + layer);
        }
    }

    @Test
    void bothLimitsDrawTheirFeatureKernelsBesideLossAndTrajectory() throws IOException {
        for (String engine : List.of("nt-limit", "mu-limit")) {
            Path out = run(engine);
            for (String plot : List.of("loss.png", "trajectory.png", "features.png")) {
                Pngs.assertPlot(out.resolve(plot), 1);
            }
        }
    }

    @Test
    void ntLimitDrawsItsNngpAndNtkSideBySide() throws IOException {
        Pngs.assertPlot(run("nt-limit").resolve("kernels.png"), 2);
        assertTrue(Files.notExists(run("mu-limit").resolve("kernels.png")), "mu-limit has no kernels.csv to draw");
    }

    /** {@code step,layer,i,j} to {@code value, stderr}. */
    private static Map<String, String[]> features(Path out) throws IOException {
        List<String> rows = Files.readAllLines(out.resolve("features.csv"));
        assertEquals("step,layer,i,j,value,stderr", rows.get(0));
        Map<String, String[]> byKey = new HashMap<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            byKey.put(cells[0] + "," + cells[1] + "," + cells[2] + "," + cells[3], new String[] {cells[4], cells[5]});
        }
        return byKey;
    }
}
