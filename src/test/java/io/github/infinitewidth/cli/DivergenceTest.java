package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Divergence in every engine (JOB-SPEC.md, "Command line": exit status 4): a learning rate of 1e3
 * blows the outputs up to about 1e155, which are finite while their losses overflow; huge initial
 * scales make the kets and kernels non-finite at step 0. Each run exits with status 4, says
 * {@code diverged} with its step in {@code summary.json}, and no CSV file holds a non-finite mean.
 */
class DivergenceTest {
    private static final String JOB = """
            engine: %s
            network: {hiddenLayers: %d, activation: tanh%s}
            optimizer: {type: %s, learningRate: %s}
            data:
              train: {inputs: [[1.0, 0.4], [-0.6, 0.9], [0.3, -1.2]], targets: [0.8, -0.6, 0.5]}
              test: {inputs: [[0.6, 0.6]], targets: [0.4]}
            training: {steps: %d}
            simulation: {particles: 128, replicas: 2, seed: 1}
            """;

    @TempDir
    Path dir;

    static String job(String engine, int layers, String network, String optimizer, String rate, int steps) {
        String text = String.format(JOB, engine, layers, network, optimizer, rate, steps);
        return engine.equals("finite") ? text.replace("network: {", "parametrization: mup\nnetwork: {width: 32, ")
                : text;
    }

    static Stream<Arguments> diverging() {
        return Stream.of(
                Arguments.of("finite sgd 1e3 (the issue's case)", job("finite", 2, "", "sgd", "1e3", 60)),
                Arguments.of("finite momentum 1e3", job("finite", 2, "", "momentum", "1e3", 60)),
                Arguments.of("nt-limit sgd 1e3", job("nt-limit", 2, "", "sgd", "1e3", 60)),
                Arguments.of("nt-limit momentum 1e3", job("nt-limit", 2, "", "momentum", "1e3", 60)),
                Arguments.of("mu-limit sgd 1e3", job("mu-limit", 1, "", "sgd", "1e3", 60)),
                Arguments.of("nt-limit, initStd.output 1e308 (kernels overflow at step 0)",
                        job("nt-limit", 2, ", initStd: {output: 1.0e308}", "sgd", "0.1", 5)),
                Arguments.of("finite, initStd.output 1e200 (losses overflow at step 0)",
                        job("finite", 2, ", initStd: {output: 1.0e200}", "sgd", "0.1", 5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("diverging")
    void aRunWhoseNumbersOverflowDivergesAndPresentsOnlyFiniteNumbers(String name, String text) throws IOException {
        Path out = dir.resolve("out");
        Cli cli = Cli.run("run", Files.writeString(dir.resolve("job.yaml"), text).toString(), "--out", out.toString(),
                "--quiet");
        assertEquals(Main.DIVERGED, cli.status(), cli.err());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("diverged", summary.get("status").textValue());
        int step = summary.get("divergedStep").intValue();
        assertTrue(cli.err().startsWith("run diverged at step " + step + " "), cli.err());
        assertEquals(1, cli.err().lines().count(), cli.err());
        assertNoNonFiniteMean(out);
        List<String> trajectory = Files.readAllLines(out.resolve("trajectory.csv"));
        assertEquals(1 + step * 4, trajectory.size(), "steps 0.." + (step - 1) + " times 4 inputs");
        if (step > 0) {
            assertEquals(step - 1, summary.get("finalStep").intValue());
            assertTrue(summary.at("/finalLoss/train/mean").isNumber(), summary.toString());
        }
    }

    @Test
    void aDivergedSweepTaskSaysSoInItsRow() throws IOException {
        Files.writeString(dir.resolve("base.yaml"), job("finite", 2, "", "sgd", "0.1", 60));
        Path sweep = Files.writeString(dir.resolve("sweep.yaml"), """
                base: base.yaml
                grid:
                  optimizer.learningRate: [0.1, 1000]
                """);
        Path out = dir.resolve("sweep");
        Cli cli = Cli.run("sweep", sweep.toString(), "--out", out.toString(), "--quiet");
        assertEquals(Main.OK, cli.status(), "a diverged task is a result: " + cli.err());
        List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
        assertTrue(rows.get(1).endsWith(",completed"), rows.get(1));
        assertTrue(rows.get(2).endsWith(",diverged"), rows.get(2));
        assertFalse(rows.get(2).contains("Infinity"), rows.get(2));
        assertNoNonFiniteMean(out.resolve("tasks").resolve(rows.get(2).substring(0, rows.get(2).indexOf(','))));
    }

    /** No CSV file of the run holds a mean (the next-to-last column) that is not finite. */
    private static void assertNoNonFiniteMean(Path run) throws IOException {
        try (Stream<Path> files = Files.list(run)) {
            for (Path csv : files.filter(f -> f.toString().endsWith(".csv")).toList()) {
                for (String row : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
                    String[] cells = row.split(",");
                    double mean = Double.parseDouble(cells[cells.length - 2]);
                    double stderr = Double.parseDouble(cells[cells.length - 1]);
                    assertTrue(Double.isFinite(mean) && Double.isFinite(stderr), csv.getFileName() + ": " + row);
                }
            }
        }
    }
}
