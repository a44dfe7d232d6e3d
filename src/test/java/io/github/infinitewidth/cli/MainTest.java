package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.job.Version;
import io.github.infinitewidth.report.Pngs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, on the backend auto picks here (JOB-SPEC.md, "Command line" and "Outputs"). */
class MainTest {
    /** A tiny finite job: width 64, 3 steps, 2 replicas, 3 train inputs and 1 test input. */
    private static final String TINY = """
            engine: finite
            parametrization: mup
            network: {hiddenLayers: 2, activation: relu, width: 64}
            optimizer: {type: adam, learningRate: 0.05}
            data:
              train: {inputs: [[1.0, 0.0], [0.0, 1.0], [0.6, -0.8]], targets: [0.5, -0.5, 0.2]}
              test: {inputs: [[0.7, 0.7]], targets: [0.1]}
            training: {steps: 3}
            simulation: {replicas: 2, seed: 5}
            """;

    @TempDir
    Path dir;

    @Test
    void aTinyFiniteJobWritesEveryOutput() throws IOException {
        Path out = dir.resolve("out");
        Cli cli = Cli.run("run", job(TINY).toString(), "--out", out.toString());

        assertEquals(Main.OK, cli.status(), cli.err());
        assertEquals("", cli.err());
        List<String> printed = cli.out().lines().toList();
        assertEquals(2, printed.size(), cli.out());
        assertTrue(printed.get(0).startsWith("running finite on " + (Backends.cudaUsable() ? "cuda: " : "cpu: pure Java")),
                printed.get(0));
        assertTrue(printed.get(0).contains("; needs "), printed.get(0));
        assertFalse(printed.get(0).contains(" 0.0 MiB"), "a small plan in KiB: " + printed.get(0));
        assertEquals("wrote " + out + " (trajectory.csv, loss.csv, loss.png, trajectory.png, summary.json)",
                printed.get(1));
        List<String> trajectory = Files.readAllLines(out.resolve("trajectory.csv"));
        assertEquals("step,split,index,output,stderr", trajectory.get(0));
        assertEquals(1 + 4 * 4, trajectory.size(), "steps 0..3 times 4 inputs");
        assertTrue(trajectory.get(4).startsWith("0,test,0,"));
        assertTrue(trajectory.get(16).startsWith("3,test,0,"));
        List<String> loss = Files.readAllLines(out.resolve("loss.csv"));
        assertEquals("step,split,loss,stderr", loss.get(0));
        assertEquals(1 + 4 * 2, loss.size(), "steps 0..3 times train and test");
        assertEquals(List.of("loss.csv", "loss.png", "summary.json", "trajectory.csv", "trajectory.png"), listing(out),
                "no .tmp files left; no features.png from the finite engine, which has no feature kernels");

        Pngs.assertPlot(out.resolve("loss.png"), 1);
        Pngs.assertPlot(out.resolve("trajectory.png"), 1);

        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("finite", summary.get("engine").textValue());
        assertEquals("completed", summary.get("status").textValue());
        assertFalse(summary.has("divergedStep"));
        // auto picks CUDA where it is usable; the GEMM that ran is cuBLAS or the own kernel there
        assertEquals(Backends.cudaUsable() ? "cuda" : "cpu", summary.get("backend").textValue());
        assertEquals(Backends.cudaUsable() ? Backends.cudaGemm().split(" ")[0] : "java",
                summary.get("gemm").textValue());
        assertEquals("float64", summary.get("precision").textValue());
        assertFalse(summary.has("particles"), "a finite network has neurons, not particles");
        assertEquals(64, summary.get("width").intValue());
        assertEquals(2, summary.get("replicas").intValue());
        assertEquals(3, summary.get("steps").intValue());
        assertTrue(summary.get("wallSeconds").doubleValue() > 0);
        assertTrue(summary.at("/finalLoss/train/mean").isDouble());
        assertTrue(summary.at("/finalLoss/train/stderr").isDouble());
        assertTrue(summary.at("/finalLoss/test/mean").isDouble());
        assertEquals(Version.current(), summary.get("version").textValue());
        assertTrue(summary.get("version").textValue().matches("\\d+\\.\\d+\\.\\d+.*"), "the pom version");
        assertEquals("relu", summary.at("/job/network/activation").textValue());
        assertEquals(0.9, summary.at("/job/optimizer/beta1").doubleValue(), "defaults are filled in");
    }

    @Test
    void theResolvedJobInTheSummaryRepeatsTheRunExactly() throws IOException {
        Files.writeString(dir.resolve("train.csv"), "a,b,y\n1.0,0.0,0.5\n0.0,1.0,-0.5\n0.6,-0.8,0.2\n");
        String csvJob = TINY.replace("train: {inputs: [[1.0, 0.0], [0.0, 1.0], [0.6, -0.8]], targets: [0.5, -0.5, 0.2]}",
                "train: {csv: train.csv}");
        Path first = dir.resolve("first");
        assertEquals(Main.OK, Cli.run("run", job(csvJob).toString(), "--out", first.toString()).status());
        JsonNode resolved = new ObjectMapper().readTree(first.resolve("summary.json").toFile()).get("job");
        Path again = Files.createDirectories(dir.resolve("elsewhere")).resolve("again.json");
        new ObjectMapper().writeValue(again.toFile(), resolved);

        Path second = dir.resolve("second");
        assertEquals(Main.OK, Cli.run("run", again.toString(), "--out", second.toString()).status());
        assertArrayEquals(Files.readAllBytes(first.resolve("trajectory.csv")),
                Files.readAllBytes(second.resolve("trajectory.csv")));
    }

    @Test
    void aDivergingRunExitsWith4AndKeepsWhatWasRecorded() throws IOException {
        Path out = dir.resolve("out");
        String job = TINY.replace("{type: adam, learningRate: 0.05}", "{type: sgd, learningRate: 1e150}")
                .replace("steps: 3", "steps: 20");
        Cli cli = Cli.run("run", job(job).toString(), "--out", out.toString());

        assertEquals(Main.DIVERGED, cli.status(), cli.err());
        assertEquals(1, cli.out().lines().count(), "only the line saying what runs");
        assertEquals(1, cli.err().lines().count());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("diverged", summary.get("status").textValue());
        int divergedStep = summary.get("divergedStep").intValue();
        assertTrue(divergedStep > 0 && divergedStep <= 20, "diverged at " + divergedStep);
        assertEquals("run diverged at step " + divergedStep + " (a non-finite output, loss, kernel or ket); the steps recorded before it"
                + " are in " + out + " (trajectory.csv, loss.csv, loss.png, trajectory.png, summary.json)"
                + System.lineSeparator(), cli.err());
        List<String> trajectory = Files.readAllLines(out.resolve("trajectory.csv"));
        assertEquals(1 + divergedStep * 4, trajectory.size(), "steps 0.." + (divergedStep - 1) + " times 4 inputs");
        assertEquals(divergedStep - 1, summary.get("finalStep").intValue());
    }

    @Test
    @DisabledIf("io.github.infinitewidth.backend.Backends#cudaUsable")
    void cudaOnAMachineWithoutItExitsWith3AndWritesNothing() throws IOException {
        Path out = dir.resolve("out");
        Cli cli = Cli.run("run", job(TINY).toString(), "--out", out.toString(), "--backend", "cuda");
        assertEquals(Main.BACKEND_UNAVAILABLE, cli.status());
        assertEquals(1, cli.err().lines().count());
        assertEquals("backend cuda is unavailable: " + Backends.cudaStatus().substring("unavailable: ".length())
                + System.lineSeparator(), cli.err());
        assertFalse(Files.exists(out));
    }

    @Test
    @DisabledIf("io.github.infinitewidth.backend.Backends#cudaUsable")
    void cudaAskedForInTheJobFileOnAMachineWithoutItExitsWith3() throws IOException {
        Path out = dir.resolve("out");
        Cli cli = Cli.run("run", job(TINY.replace("seed: 5}", "seed: 5, backend: cuda}")).toString(), "--out",
                out.toString());
        assertEquals(Main.BACKEND_UNAVAILABLE, cli.status());
        assertEquals(1, cli.err().lines().count());
        assertTrue(cli.err().startsWith("backend cuda is unavailable: "), cli.err());
        assertFalse(Files.exists(out));
    }

    @Test
    @EnabledIf("io.github.infinitewidth.backend.Backends#cudaUsable")
    void aCudaRunReportsTheBackendAndTheGemmThatRanInTheSummary() throws IOException {
        Path out = dir.resolve("out");
        Cli cli = Cli.run("run", job(TINY).toString(), "--out", out.toString(), "--backend", "cuda", "--quiet");
        assertEquals(Main.OK, cli.status(), cli.err());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("cuda", summary.get("backend").textValue());
        assertEquals(Backends.cudaGemm().split(" ")[0], summary.get("gemm").textValue());
    }

    @Test
    void theEnginesOwnChecksRunBeforeAnythingIsWritten() throws IOException {
        Path out = dir.resolve("out");
        Cli cli = Cli.run("run", job(TINY.replace("width: 64", "width: 1000000")).toString(), "--out", out.toString());
        assertEquals(Main.BAD_INPUT, cli.status());
        assertTrue(cli.err().startsWith("network.width of 1000000 needs "), cli.err());
        assertEquals(1, cli.err().lines().count());
        assertFalse(Files.exists(out));
    }

    @Test
    void anOutThatIsAFileIsBadInputAndLeftAlone() throws IOException {
        Path out = Files.writeString(dir.resolve("out"), "mine");
        Cli cli = Cli.run("run", job(TINY).toString(), "--out", out.toString());
        assertEquals(Main.BAD_INPUT, cli.status());
        assertEquals("--out " + out + " exists and is not a directory" + System.lineSeparator(), cli.err());
        assertEquals("mine", Files.readString(out));
    }

    @Test
    void quietPrintsNothingAndOverridesApply() throws IOException {
        Path out = dir.resolve("out");
        Cli cli = Cli.run("run", job(TINY).toString(), "--out", out.toString(), "--quiet", "--steps", "1",
                "--replicas", "1", "--seed", "-3", "--particles", "8", "--backend", "cpu");
        assertEquals(Main.OK, cli.status(), cli.err());
        assertEquals("", cli.out() + cli.err());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(1, summary.get("steps").intValue());
        assertEquals(1, summary.get("replicas").intValue());
        assertEquals(8, summary.at("/job/simulation/particles").intValue());
        assertEquals(-3, summary.at("/job/simulation/seed").longValue());
        assertEquals("cpu", summary.at("/job/simulation/backend").textValue());
        assertTrue(summary.at("/finalLoss/train/stderr").isNull(), "one replica has no standard error");
    }

    @Test
    void aLongRunLogsItsProgressOnStderrUnlessQuiet() throws IOException {
        // every look at the clock finds it 5 s later: each of the 3 x 2 steps seems to take 5 s
        AtomicLong clock = new AtomicLong();
        ProgressSettings log = new ProgressSettings(false, () -> clock.addAndGet(5_000_000_000L));
        Cli cli = Cli.run(log, "run", job(TINY).toString(), "--out", dir.resolve("out").toString());
        assertEquals(Main.OK, cli.status(), cli.err());
        List<String> lines = cli.err().lines().toList();
        assertTrue(lines.size() >= 2, cli.err());
        assertTrue(lines.stream().allMatch(l -> l.startsWith("progress: ")), "plain lines, no bar: " + cli.err());
        assertTrue(lines.get(0).matches("progress: +\\d+%  \\d/3 steps of replica \\d/2  5\\.0 s/step  ETA \\d:\\d\\d"),
                lines.get(0));
        assertTrue(lines.get(lines.size() - 1).startsWith("progress: finished 3/3 steps of replica 2/2 in "),
                lines.get(lines.size() - 1));
        assertEquals(2, cli.out().lines().count(), "progress goes to stderr only");

        Cli quiet = Cli.run(log, "run", job(TINY).toString(), "--out", dir.resolve("quiet").toString(), "--quiet");
        assertEquals(Main.OK, quiet.status());
        assertEquals("", quiet.out() + quiet.err());
    }

    @Test
    void aWidthGivenToALimitEngineIsIgnoredWithOneWarning() throws IOException {
        String limit = TINY.replace("engine: finite\nparametrization: mup", "engine: nt-limit")
                .replace("simulation: {replicas: 2, seed: 5}", "simulation: {replicas: 2, seed: 5, particles: 64}");
        Path out = dir.resolve("out");
        Cli cli = Cli.run("run", job(limit).toString(), "--out", out.toString(), "--quiet");

        assertEquals(Main.OK, cli.status(), cli.err());
        assertEquals("warning: network.width is ignored by engine nt-limit (the limit of infinite width; engine finite"
                + " runs a network of width 64)" + System.lineSeparator(), cli.err());
        assertEquals("", cli.out());
        assertTrue(Files.exists(out.resolve("summary.json")));

        Cli without = Cli.run("run", job(limit.replace(", width: 64", "")).toString(), "--out", out.toString(),
                "--quiet");
        assertEquals(Main.OK, without.status(), without.err());
        assertEquals("", without.err());
    }

    @Test
    void outDefaultsToRunsSlashTheJobName() {
        assertEquals(Path.of("runs", "quickstart"), RunCommand.defaultOut(Path.of("examples/quickstart.yaml")));
        assertEquals(Path.of("runs", "a.b"), RunCommand.defaultOut(Path.of("a.b.json")));
        assertEquals(Path.of("runs", "job"), RunCommand.defaultOut(Path.of("job")));
    }

    @Test
    void envReportsJavaTheCpuBackendAndWhetherCudaIsUsable() {
        Cli cli = Cli.run("env");
        assertEquals(Main.OK, cli.status());
        List<String> lines = cli.out().lines().toList();
        assertEquals("infinitewidth " + Version.current(), lines.get(0));
        assertTrue(lines.get(1).startsWith("java: " + System.getProperty("java.version")));
        assertEquals("processors: " + Runtime.getRuntime().availableProcessors(), lines.get(2));
        assertTrue(lines.get(3).matches("max heap: \\d+ MiB"));
        assertTrue(lines.get(4).startsWith("cpu: "));
        assertEquals("cuda: " + Backends.cudaStatus(), lines.get(5));
        if (Backends.cudaUsable()) {
            assertTrue(lines.get(6).matches("cuda gemm: (cublas|kernel \\(cuBLAS not used: .*\\))"), lines.get(6));
        } else {
            assertEquals(6, lines.size(), cli.out());
            assertTrue(lines.get(5).startsWith("cuda: unavailable: "), lines.get(5));
        }
        assertEquals("", cli.err());
    }

    @Test
    void noCommandIsAUsageError() {
        Cli cli = Cli.run();
        assertEquals(Main.BAD_INPUT, cli.status());
        assertEquals("Missing command: run, sweep, compare, merge or env (see infinitewidth --help)" + System.lineSeparator(), cli.err());
    }

    @Test
    void helpAndVersionSucceed() {
        Cli help = Cli.run("run", "--help");
        assertEquals(Main.OK, help.status());
        assertTrue(help.out().contains("--resume"));
        Cli version = Cli.run("--version");
        assertEquals(Main.OK, version.status());
        assertEquals("infinitewidth " + Version.current() + System.lineSeparator(), version.out());
    }

    @Test
    void helpIsACommandThatPrintsTheHelpOfAnother() {
        Cli top = Cli.run("help");
        assertEquals(Main.OK, top.status(), top.err());
        assertEquals(Cli.run("--help").out(), top.out());
        assertTrue(top.out().lines().anyMatch(line -> line.strip().startsWith("help ")), top.out());

        for (String command : List.of("run", "sweep", "compare", "merge", "env")) {
            Cli help = Cli.run("help", command);
            assertEquals(Main.OK, help.status(), help.err());
            assertEquals(Cli.run(command, "--help").out(), help.out());
            assertTrue(help.out().startsWith("Usage: infinitewidth " + command), help.out());
        }

        Cli unknown = Cli.run("help", "fit");
        assertEquals(Main.BAD_INPUT, unknown.status());
        assertEquals(1, unknown.err().lines().count(), unknown.err());
        assertTrue(unknown.err().contains("'fit'"), unknown.err());
    }

    private Path job(String text) throws IOException {
        return Files.writeString(dir.resolve("job.yaml"), text);
    }

    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
