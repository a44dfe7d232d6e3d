package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.job.ComparisonOutputs;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare} (JOB-SPEC.md, "Comparing limits with finite networks"): the tasks it runs, its tables
 * against the runs they come from, its plots, resuming, shards with {@code merge}, and bad input.
 */
class CompareTest {
    /** A job both limits and finite networks run in a fraction of a second. */
    static final String JOB = """
            engine: mu-limit
            network: {hiddenLayers: 2, activation: relu}
            optimizer: {type: adam, learningRate: 0.05}
            data:
              train: {inputs: [[1.0, 0.4], [-0.6, 0.9], [0.3, -1.2]], targets: [0.8, -0.6, 0.5]}
              test: {inputs: [[0.6, 0.6], [-0.2, 1.0]], targets: [0.4, -0.1]}
            training: {steps: 3}
            simulation: {particles: 64, replicas: 2, seed: 5}
            """;
    static final List<String> IDS = List.of("0000_nt-limit", "0001_finite-ntp_width=8", "0002_finite-ntp_width=16",
            "0003_mu-limit", "0004_finite-mup_width=8", "0005_finite-mup_width=16");

    @TempDir
    Path dir;

    private Path job() throws IOException {
        return Files.writeString(dir.resolve("job.yaml"), JOB);
    }

    private static Cli ok(String... args) {
        Cli cli = Cli.run(args);
        assertEquals(Main.OK, cli.status(), cli.err());
        return cli;
    }

    private String[] compare(Path out, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("compare", job().toString(), "--widths", "8,16", "--engines",
                "nt-limit,mu-limit", "--out", out.toString()));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    @Test
    void tablesHoldEveryTasksTrajectoryAndTheDistances() throws IOException {
        Path out = dir.resolve("out");
        Cli cli = ok(compare(out));
        assertTrue(cli.out().startsWith("compare " + dir.resolve("job.yaml") + ": 6 tasks; 0 finished already, 6 to run"),
                cli.out());
        for (String id : IDS) {
            assertTrue(Files.exists(out.resolve("tasks").resolve(id).resolve("summary.json")), id);
        }
        List<String> rows = Files.readAllLines(out.resolve("comparison.csv"));
        assertEquals(ComparisonOutputs.COMPARISON_HEADER, rows.get(0));
        List<String> expected = new ArrayList<>();
        String[] sources = {"nt-limit,", "finite-ntp,8", "finite-ntp,16", "mu-limit,", "finite-mup,8", "finite-mup,16"};
        for (int t = 0; t < IDS.size(); t++) {
            List<String> trajectory = Files.readAllLines(out.resolve("tasks").resolve(IDS.get(t)).resolve("trajectory.csv"));
            assertEquals("step,split,index,output,stderr", trajectory.get(0));
            for (String line : trajectory.subList(1, trajectory.size())) {
                expected.add(sources[t] + "," + line);
            }
        }
        assertEquals(expected, rows.subList(1, rows.size()), "comparison.csv is the tasks' trajectory.csv, in order");
        assertEquals(6 * 4 * 5 + 1, rows.size(), "6 tasks x 4 recorded steps x 5 inputs");
        for (String row : rows.subList(1, rows.size())) {
            if (row.startsWith("finite") && row.split(",")[2].equals("0")) {
                assertEquals(0.0, Double.parseDouble(row.split(",")[5]), row + ": centered networks start at 0");
            }
        }

        List<String> distances = Files.readAllLines(out.resolve("distance.csv"));
        assertEquals(List.of(ComparisonOutputs.DISTANCE_HEADER), distances.subList(0, 1));
        assertEquals(5, distances.size(), String.join("\n", distances));
        String[] prefixes = {"finite-ntp,8,nt-limit,", "finite-ntp,16,nt-limit,", "finite-mup,8,mu-limit,",
                "finite-mup,16,mu-limit,"};
        for (int i = 0; i < prefixes.length; i++) {
            String row = distances.get(i + 1);
            assertTrue(row.startsWith(prefixes[i]), row);
            String[] cells = row.split(",");
            double distance = Double.parseDouble(cells[3]);
            double stderr = Double.parseDouble(cells[4]);
            assertTrue(distance > 0 && stderr > 0, row);
            assertEquals(rms(rows, cells[0], cells[1], cells[2]), distance, 1e-12 * distance, row);
        }

        for (String plot : List.of("comparison.png", "convergence.png", "features.png", "sweep.png")) {
            assertTrue(Files.size(out.resolve(plot)) > 1000, plot);
        }
        BufferedImage comparison = ImageIO.read(out.resolve("comparison.png").toFile());
        assertEquals(2 * 640, comparison.getWidth(), "one panel per test input");
        assertEquals(2 * 440, comparison.getHeight(), "one row per limit");
        ComparisonOutputs.Tables tables = io.github.infinitewidth.api.Comparisons.read(out);
        assertEquals(rows.size() - 1, tables.rows().size());
        assertEquals(4, tables.distances().size());
        assertEquals(Double.parseDouble(distances.get(1).split(",")[3]), tables.distances().get(0).distance());
        assertEquals(List.of("nt-limit", "mu-limit"), List.copyOf(tables.floors().keySet()));
        assertTrue(cli.out().contains("wrote " + out + " (comparison.csv, distance.csv, comparison.png,"
                + " convergence.png, features.png)"), cli.out());
    }

    /** The RMS over steps and inputs of finite minus limit, from comparison.csv. */
    private static double rms(List<String> rows, String source, String width, String limit) {
        java.util.Map<String, Double> reference = new java.util.HashMap<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split(",");
            if (c[0].equals(limit)) {
                reference.put(c[2] + "," + c[3] + "," + c[4], Double.parseDouble(c[5]));
            }
        }
        double sum = 0;
        int n = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split(",");
            if (c[0].equals(source) && c[1].equals(width)) {
                double d = Double.parseDouble(c[5]) - reference.get(c[2] + "," + c[3] + "," + c[4]);
                sum += d * d;
                n++;
            }
        }
        return Math.sqrt(sum / n);
    }

    @Test
    void runningAgainSkipsFinishedTasksAndWritesTheSameFiles() throws IOException {
        Path out = dir.resolve("out");
        ok(compare(out));
        byte[] before = Files.readAllBytes(out.resolve("comparison.csv"));
        byte[] distances = Files.readAllBytes(out.resolve("distance.csv"));
        Files.delete(out.resolve("comparison.csv"));
        Cli again = ok(compare(out));
        assertTrue(again.out().contains(": 6 tasks; 6 finished already, 0 to run"), again.out());
        assertFalse(again.out().contains("task 0"), again.out());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(out.resolve("comparison.csv"))));
        assertTrue(java.util.Arrays.equals(distances, Files.readAllBytes(out.resolve("distance.csv"))));
    }

    @Test
    void shardsMergedGiveTheSameComparison() throws IOException {
        Path whole = dir.resolve("whole");
        ok(compare(whole, "--parallel", "2"));
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Cli first = ok(compare(a, "--shard-index", "0", "--shard-count", "2"));
        assertTrue(first.out().contains("6 tasks; shard 0 of 2 has 3"), first.out());
        ok(compare(b, "--shard-index", "1", "--shard-count", "2", "--quiet"));
        Path merged = dir.resolve("merged");
        Cli merge = ok("merge", a.toString(), b.toString(), "--out", merged.toString());
        assertTrue(merge.out().contains("merged 6 of 6 tasks"), merge.out());
        for (String file : List.of("comparison.csv", "distance.csv", "sweep.csv")) {
            assertEquals(Files.readString(whole.resolve(file)), Files.readString(merged.resolve(file)), file);
        }
        assertTrue(Files.size(merged.resolve("convergence.png")) > 1000);
        // shards sharing one folder: the last to finish writes the whole comparison
        Path shared = dir.resolve("shared");
        ok(compare(shared, "--shard-index", "1", "--shard-count", "2", "--quiet"));
        ok(compare(shared, "--shard-index", "0", "--shard-count", "2", "--quiet"));
        assertEquals(Files.readString(whole.resolve("comparison.csv")), Files.readString(shared.resolve("comparison.csv")));
    }

    @Test
    void theJobsOwnLimitEngineIsTheDefault() throws IOException {
        Path out = dir.resolve("out");
        ok("compare", job().toString(), "--widths", "8", "--out", out.toString(), "--quiet");
        List<String> distances = Files.readAllLines(out.resolve("distance.csv"));
        assertEquals(List.of(ComparisonOutputs.DISTANCE_HEADER), distances.subList(0, 1));
        assertEquals(2, distances.size());
        assertTrue(distances.get(1).startsWith("finite-mup,8,mu-limit,"), distances.get(1));
        assertTrue(Files.exists(out.resolve("tasks/0000_mu-limit/summary.json")));
        assertTrue(Files.exists(out.resolve("tasks/0001_finite-mup_width=8/summary.json")));
    }

    @Test
    void badInputExitsWithStatus2AndWritesNothing() throws IOException {
        Path job = job();
        Path out = dir.resolve("out");
        String[][] cases = {
            {"--widths", "", "--widths is empty"},
            {"--widths", "8,0", "--widths must be positive whole numbers, got 0"},
            {"--widths", "8,-4", "--widths must be positive whole numbers, got -4"},
            {"--widths", "8,x", "--widths must be positive whole numbers separated by commas, got x in 8,x"},
            {"--widths", "8,,16", "--widths must be positive whole numbers separated by commas, got an empty entry"},
            {"--widths", "8,8", "--widths lists 8 twice"},
            {"--engines", "finite", "--engines must be limit engines (nt-limit, mu-limit), got finite"},
            {"--engines", "nt-limit,bogus", "--engines must be limit engines (nt-limit, mu-limit), got bogus"},
            {"--engines", "", "--engines is empty"},
            {"--parallel", "0", "--parallel must be >= 1, got 0"},
            {"--particles", "4", "task 0000_mu-limit has a problem: simulation.particles"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("compare", job.toString(), "--out", out.toString()));
            if (!c[0].equals("--widths")) {
                args.addAll(List.of("--widths", "8"));
            }
            args.addAll(List.of(c[0], c[1]));
            Cli cli = Cli.run(args.toArray(new String[0]));
            assertEquals(Main.BAD_INPUT, cli.status(), String.join(" ", args) + ": " + cli.err());
            assertEquals(1, cli.err().strip().lines().count(), cli.err());
            assertTrue(cli.err().startsWith(c[2]), c[1] + ": " + cli.err());
            assertFalse(Files.exists(out), "nothing written for " + String.join(" ", args));
        }
        Cli missing = Cli.run("compare", job.toString(), "--out", out.toString());
        assertEquals(Main.BAD_INPUT, missing.status());
        assertTrue(missing.err().contains("--widths"), missing.err());
        Cli noFile = Cli.run("compare", dir.resolve("nope.yaml").toString(), "--widths", "8", "--out", out.toString());
        assertEquals(Main.BAD_INPUT, noFile.status());
        assertFalse(Files.exists(out));
    }

    /** examples/paper-5.1 runs as its README says, shrunken to seconds. */
    @Test
    void thePaperExampleRunsShrunken() throws IOException {
        Path out = dir.resolve("paper");
        ok("compare", "examples/paper-5.1/job.yaml", "--widths", "16,32", "--engines", "nt-limit,mu-limit",
                "--particles", "512", "--steps", "2", "--replicas", "2", "--out", out.toString(), "--quiet");
        assertEquals(1 + 6 * 3 * 104, Files.readAllLines(out.resolve("comparison.csv")).size());
        assertEquals(5, Files.readAllLines(out.resolve("distance.csv")).size());
        BufferedImage comparison = ImageIO.read(out.resolve("comparison.png").toFile());
        assertEquals(4 * 640, comparison.getWidth(), "one panel per test input");
        for (String plot : List.of("convergence.png", "features.png")) {
            assertTrue(Files.size(out.resolve(plot)) > 1000, plot);
        }
    }
}
