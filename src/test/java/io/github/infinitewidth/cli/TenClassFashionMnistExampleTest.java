package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.data.FashionMnist;
import io.github.infinitewidth.data.TinyFashionMnist;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.job.Engines;
import io.github.infinitewidth.job.Job;
import io.github.infinitewidth.job.Sweep;
import io.github.infinitewidth.train.Loss;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/fashion-mnist-10-class: its sweep is the table's five rows, every task is a valid job of the
 * sizes its README states, and make-table.sh turns a sweep folder into one markdown row per task with the
 * numbers of the tasks' summary.json (checked on a tiny version of the sweep).
 */
class TenClassFashionMnistExampleTest {
    private static final Path FOLDER = Path.of("examples/fashion-mnist-10-class");
    private static final Path JOB = FOLDER.resolve("fashion-mnist-10-class.yaml");
    private static final Path SWEEP = FOLDER.resolve("fashion-mnist-10-class-table.yaml");
    private static final Path SCRIPT = FOLDER.resolve("make-table.sh");

    @TempDir
    Path dir;

    /** {@code sweep --list} needs no data set installed (JOB-SPEC.md, "Sweeps"). */
    @Test
    void theSweepListsTheLongestTasksFirst() {
        Cli cli = Cli.run("sweep", SWEEP.toString(), "--list");

        assertEquals(Main.OK, cli.status(), cli.err());
        List<String> ids = cli.out().lines().map(line -> line.substring(0, line.indexOf(" seed "))).toList();
        assertEquals(List.of("0000_engine=mu-limit", "0001_engine=finite_width=4096", "0002_engine=finite_width=1024",
                "0003_engine=finite_width=256", "0004_engine=nt-limit"), ids);
    }

    /** The sizes README.md of the example states, and each engine's own checks (those a sweep makes before it runs). */
    @Test
    void everyTaskIsAValidJobOfTheStatedSizes() {
        assumeTrue(FashionMnist.installedIn(FashionMnist.PACKAGE_DIRECTORY), "dataset-fashion-mnist is not installed");
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            for (Sweep.Task task : Sweep.read(SWEEP).tasks()) {
                Job job = task.job();
                Experiment e = job.experiment();
                assertEquals(10, job.fashionMnist().classes().size(), task.id());
                assertEquals(1000, e.data().train().size(), task.id());
                assertEquals(1000, e.data().test().size(), task.id());
                assertEquals(784, e.data().dimension(), task.id());
                assertEquals(10, e.outputs(), task.id());
                assertEquals(Loss.CROSS_ENTROPY, e.loss(), task.id());
                assertEquals(1, e.network().hiddenLayers(), task.id());
                assertEquals(50, e.training().steps(), task.id());
                assertEquals(4, e.simulation().replicas(), task.id());
                Engines.named(job.engine()).validate(e, backend);
            }
        }
    }

    @Test
    void theTableHasOneRowPerTaskWithTheNumbersOfItsSummary() throws Exception {
        assumeTrue(onPath("bash") && onPath("jq") && onPath("awk"), "needs bash, jq and awk");
        Path out = tinySweep();

        List<String> table = table(out);

        assertEquals("| network | test accuracy (%) | test loss | train accuracy (%) | train loss | task time (s) |",
                table.get(0));
        assertEquals("|---|---|---|---|---|---|", table.get(1));
        List<String> names = table.stream().skip(2).map(row -> row.split(" \\| ")[0].substring(2)).toList();
        assertEquals(List.of("muP, width 8", "muP, width 16", "muP, width 32", "muP limit (64 particles)", "NT limit"),
                names, "finite networks by width, then the limits");
        try (Stream<Path> tasks = Files.list(out.resolve("tasks"))) {
            for (Path task : tasks.toList()) {
                JsonNode summary = new ObjectMapper().readTree(task.resolve("summary.json").toFile());
                String row = table.get(2 + names.indexOf(name(summary)));
                assertEquals(expectedRow(summary), row, task.toString());
            }
        }
    }

    @Test
    void aFolderWithoutResultsIsRefusedWithOneLine() throws Exception {
        assumeTrue(onPath("bash") && onPath("jq") && onPath("awk"), "needs bash, jq and awk");
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), "--table", dir.toString()).start();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));

        assertEquals(2, p.exitValue());
        assertEquals("", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("make-table.sh: no task results in " + dir + "/tasks (run the sweep first)\n",
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /**
     * The example's sweep on the tiny look-alike of Fashion-MNIST (20 training and 10 test images of 4 pixels), with
     * widths 32, 16 and 8, 64 particles, 2 replicas of 2 steps: every field else as in the example.
     */
    private Path tinySweep() throws IOException {
        TinyFashionMnist.write(dir.resolve("data"), true);
        String job = Files.readString(JOB);
        job = replaced(job, "    trainSize: 1000\n", "    trainSize: 20\n    directory: data\n");
        job = replaced(job, "    testSize: 1000\n", "    testSize: 10\n");
        job = replaced(job, "  steps: 50\n", "  steps: 2\n");
        job = replaced(job, "  recordEvery: 10\n", "  recordEvery: 1\n");
        job = replaced(job, "  particles: 8192 ", "  particles: 64 ");
        job = replaced(job, "  replicas: 4\n", "  replicas: 2\n");
        Files.writeString(dir.resolve(JOB.getFileName()), job);
        String sweep = replaced(Files.readString(SWEEP), "network.width: [4096, 1024, 256]", "network.width: [32, 16, 8]");
        Path tiny = Files.writeString(dir.resolve(SWEEP.getFileName()), sweep);
        Path out = dir.resolve("out");
        Cli cli = Cli.run("sweep", tiny.toString(), "--out", out.toString(), "--quiet");
        assertEquals(Main.OK, cli.status(), cli.err());
        return out;
    }

    private static String replaced(String text, String from, String to) {
        assertTrue(text.contains(from), "the example has " + from.strip());
        return text.replace(from, to);
    }

    private static List<String> table(Path out) throws Exception {
        Process p = new ProcessBuilder("bash", SCRIPT.toString(), "--table", out.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), printed);
        return printed.lines().toList();
    }

    private static String name(JsonNode summary) {
        return switch (summary.get("engine").asText()) {
            case "finite" -> "muP, width " + summary.get("width").asInt();
            case "mu-limit" -> "muP limit (" + summary.get("particles").asInt() + " particles)";
            default -> "NT limit";
        };
    }

    private static String expectedRow(JsonNode summary) {
        return "| " + name(summary) + " | " + cell(summary.at("/finalAccuracy/test"), 100, 1) + " | "
                + cell(summary.at("/finalLoss/test"), 1, 3) + " | " + cell(summary.at("/finalAccuracy/train"), 100, 1)
                + " | " + cell(summary.at("/finalLoss/train"), 1, 3) + " | "
                + printf(summary.get("wallSeconds").asDouble(), 0) + " |";
    }

    private static String cell(JsonNode estimate, double scale, int digits) {
        return printf(estimate.get("mean").asDouble() * scale, digits) + " ± "
                + printf(estimate.get("stderr").asDouble() * scale, digits);
    }

    /** What C's printf {@code %.<digits>f} (awk's) writes: the exact binary value rounded, ties to even. */
    private static String printf(double value, int digits) {
        return new BigDecimal(value).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(folder -> Files.isExecutable(Path.of(folder, command)));
    }
}
