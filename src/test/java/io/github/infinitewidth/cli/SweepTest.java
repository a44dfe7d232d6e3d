package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.infinitewidth.job.CheckpointFiles;
import io.github.infinitewidth.job.Sweep;
import io.github.infinitewidth.report.Pngs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep} and {@code merge} (JOB-SPEC.md, "Sweeps"): task order, ids and seeds; fields that
 * do not apply to an engine; shards and {@code --parallel} that change nothing in the results;
 * diverged tasks as results; a killed sweep that skips what finished and resumes what did not.
 */
class SweepTest {
    /** A base job every engine can run in a fraction of a second. */
    static final String BASE = """
            engine: finite
            parametrization: mup
            network: {hiddenLayers: 2, activation: tanh, width: 16}
            optimizer: {type: sgd, learningRate: 0.1}
            data:
              train: {inputs: [[1.0, 0.4], [-0.6, 0.9], [0.3, -1.2]], targets: [0.8, -0.6, 0.5]}
              test: {inputs: [[0.6, 0.6]], targets: [0.4]}
            training: {steps: 4}
            simulation: {particles: 64, replicas: 2, seed: 7, checkpointEvery: 2}
            """;
    static final String GRID = """
            base: base.yaml
            grid:
              optimizer.learningRate: [0.05, 0.2]
              engine: [mu-limit, finite, nt-limit]
              network.width: [8, 16]
            """;
    static final String HEADER = "task,optimizer.learningRate,engine,network.width,final_train_loss,"
            + "final_train_loss_stderr,final_test_loss,final_test_loss_stderr,status";

    @TempDir
    Path dir;

    @AfterEach
    void removeHook() {
        RunCommand.afterStep = null;
    }

    private Path sweep(String text) throws IOException {
        Files.writeString(dir.resolve("base.yaml"), BASE);
        return Files.writeString(dir.resolve("sweep.yaml"), text);
    }

    private static Cli ok(String... args) {
        Cli cli = Cli.run(args);
        assertEquals(Main.OK, cli.status(), cli.err());
        return cli;
    }

    @Test
    void tasksAreTheGridInOrderWithFieldsThatDoNotApplyLeftOut() throws IOException {
        Path file = sweep(GRID);
        Path out = dir.resolve("out");
        Cli cli = ok("sweep", file.toString(), "--out", out.toString());
        assertTrue(cli.out().startsWith("sweep " + file + ": 8 tasks; 0 finished already, 8 to run"), cli.out());
        assertEquals("wrote " + out.resolve("sweep.csv") + " (8 completed)", cli.out().strip().lines()
                .reduce((a, b) -> b).orElseThrow());
        List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
        assertEquals(HEADER, rows.get(0));
        List<String> ids = rows.stream().skip(1).map(r -> r.substring(0, r.indexOf(','))).toList();
        assertEquals(List.of(
                "0000_learningRate=0.05_engine=mu-limit",
                "0001_learningRate=0.05_engine=finite_width=8",
                "0002_learningRate=0.05_engine=finite_width=16",
                "0003_learningRate=0.05_engine=nt-limit",
                "0004_learningRate=0.2_engine=mu-limit",
                "0005_learningRate=0.2_engine=finite_width=8",
                "0006_learningRate=0.2_engine=finite_width=16",
                "0007_learningRate=0.2_engine=nt-limit"), ids, "width applies to finite only; repeats run once");
        assertTrue(rows.get(1).startsWith("0000_learningRate=0.05_engine=mu-limit,0.05,mu-limit,,"), rows.get(1));
        assertTrue(rows.get(2).startsWith("0001_learningRate=0.05_engine=finite_width=8,0.05,finite,8,"), rows.get(2));
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",", -1);
            assertEquals(9, cells.length, row);
            assertEquals("completed", cells[8]);
            for (int c = 4; c < 8; c++) {
                assertTrue(Double.parseDouble(cells[c]) > 0, row);
            }
        }
        // each task is a complete run folder whose summary agrees with its row
        Path task = out.resolve("tasks").resolve(ids.get(2));
        for (String f : List.of("trajectory.csv", "loss.csv", "summary.json")) {
            assertTrue(Files.exists(task.resolve(f)), f);
        }
        Pngs.assertPlot(task.resolve("loss.png"), 1);
        Pngs.assertPlot(task.resolve("trajectory.png"), 1);
        assertFalse(Files.exists(task.resolve("features.png")), "the finite engine has no feature kernels");
        Pngs.assertPlot(out.resolve("tasks").resolve(ids.get(0)).resolve("features.png"), 1);
        Pngs.assertPlot(out.resolve("sweep.png"), 2);
        assertFalse(Files.exists(task.resolve("checkpoint")), "finished tasks keep no checkpoint");
        JsonNode summary = new ObjectMapper().readTree(task.resolve("summary.json").toFile());
        assertEquals(16, summary.at("/job/network/width").intValue());
        assertEquals(0.05, summary.at("/job/optimizer/learningRate").doubleValue());
        assertEquals(rows.get(3).split(",")[4], Double.toString(summary.at("/finalLoss/train/mean").doubleValue()));
        JsonNode mu = new ObjectMapper().readTree(out.resolve("tasks").resolve(ids.get(0)).resolve("summary.json")
                .toFile());
        assertEquals("mup", mu.at("/job/parametrization").textValue(), "the base's parametrization is the limit's own");
        JsonNode description = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
        assertEquals("infinitewidth-sweep", description.get("format").textValue());
        assertEquals(8, description.get("tasks").size());
    }

    @Test
    void seedsFollowTheDocumentedFormulaAndSurviveExtendingTheGrid() throws Exception {
        Path file = sweep(GRID);
        List<String> listed = ok("sweep", file.toString(), "--list").out().lines().toList();
        assertEquals(8, listed.size());
        assertEquals("0001_learningRate=0.05_engine=finite_width=8 seed " + seed(7,
                "optimizer.learningRate=0.05\nengine=finite\nnetwork.width=8\n"), listed.get(1));
        assertEquals("0003_learningRate=0.05_engine=nt-limit seed " + seed(7,
                "optimizer.learningRate=0.05\nengine=nt-limit\n"), listed.get(3));

        Files.writeString(file, GRID.replace("[0.05, 0.2]", "[0.01, 0.05, 0.2]"));
        List<String> extended = ok("sweep", file.toString(), "--list").out().lines().toList();
        assertEquals(12, extended.size());
        assertEquals(listed.get(1).substring(4), extended.get(5).substring(4), "same grid values, same seed");

        Files.writeString(file, GRID.replace("network.width: [8, 16]", "simulation.seed: [3]"));
        List<String> given = ok("sweep", file.toString(), "--list").out().lines().toList();
        assertEquals("0000_learningRate=0.05_engine=mu-limit seed 3", given.get(0),
                "a gridded seed is as given; a field with one value is not in the id");
    }

    /** The documented formula, written out independently. */
    private static long seed(long base, String lines) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(("infinitewidth sweep seed v1\n" + base + "\n" + lines)
                .getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(hash).getLong() & ((1L << 53) - 1);
    }

    /** The sweep's and merge's own files get the permissions of every other output: the umask's, not owner-only. */
    @Test
    void theTableAndTheDescriptionHonourTheUmaskLikeTheRunFiles() throws IOException {
        Path file = sweep("base: base.yaml\ngrid:\n  optimizer.learningRate: [0.1]\n");
        Path out = dir.resolve("out");
        ok("sweep", file.toString(), "--out", out.toString(), "--quiet");
        Path merged = dir.resolve("merged");
        ok("merge", out.toString(), "--out", merged.toString(), "--quiet");

        Set<PosixFilePermission> runFile = Files.getPosixFilePermissions(out.resolve("tasks/0000/summary.json"));
        assertTrue(runFile.contains(PosixFilePermission.OWNER_READ), runFile.toString());
        for (Path table : List.of(out.resolve("sweep.csv"), out.resolve("sweep.json"), merged.resolve("sweep.csv"),
                merged.resolve("sweep.json"))) {
            assertEquals(runFile, Files.getPosixFilePermissions(table), table.toString());
        }
    }

    @Test
    void shardsAndParallelTasksGiveTheSameResultsAndMergeToTheWholeSweep() throws IOException {
        Path file = sweep(GRID);
        Path whole = dir.resolve("whole");
        ok("sweep", file.toString(), "--out", whole.toString(), "--quiet");
        List<Path> shards = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path shard = dir.resolve("shard" + i);
            Cli cli = ok("sweep", file.toString(), "--out", shard.toString(), "--shard-index", Integer.toString(i),
                    "--shard-count", "3", "--parallel", "2");
            assertTrue(cli.out().startsWith("sweep " + file + ": 8 tasks; shard " + i + " of 3 has "
                    + (i < 2 ? 3 : 2)), cli.out());
            for (String row : Files.readAllLines(shard.resolve("sweep.csv")).subList(1, i < 2 ? 4 : 3)) {
                assertEquals(i, Integer.parseInt(row.substring(0, 4)) % 3, "task i belongs to shard i mod k: " + row);
            }
            shards.add(shard);
        }
        Path merged = dir.resolve("merged");
        Cli merge = ok("merge", shards.get(2).toString(), shards.get(0).toString(), shards.get(1).toString(), "--out",
                merged.toString());
        assertEquals("merged 8 of 8 tasks from 3 folders into " + merged.resolve("sweep.csv"), merge.out().strip());
        assertArrayEquals(Files.readAllBytes(whole.resolve("sweep.csv")), Files.readAllBytes(merged.resolve("sweep.csv")));
        Pngs.assertPlot(merged.resolve("sweep.png"), 2);
        try (Stream<Path> tasks = Files.list(whole.resolve("tasks"))) {
            for (Path task : tasks.toList()) {
                int index = Integer.parseInt(task.getFileName().toString().substring(0, 4));
                Path same = shards.get(index % 3).resolve("tasks").resolve(task.getFileName());
                assertArrayEquals(Files.readAllBytes(task.resolve("trajectory.csv")),
                        Files.readAllBytes(same.resolve("trajectory.csv")), task.getFileName().toString());
            }
        }

        Cli partial = ok("merge", shards.get(0).toString(), "--out", dir.resolve("partial").toString());
        assertEquals(List.of("merged 3 of 8 tasks from 1 folder into " + dir.resolve("partial").resolve("sweep.csv"),
                "missing: 0001_learningRate=0.05_engine=finite_width=8, 0002_learningRate=0.05_engine=finite_width=16,"
                        + " 0004_learningRate=0.2_engine=mu-limit, 0005_learningRate=0.2_engine=finite_width=8,"
                        + " 0007_learningRate=0.2_engine=nt-limit"), partial.out().lines().toList());
    }

    @Test
    void mergeRefusesDuplicateTasksAndOtherSweeps() throws IOException {
        Path file = sweep(GRID);
        Path a = dir.resolve("a");
        ok("sweep", file.toString(), "--out", a.toString(), "--quiet", "--shard-index", "0", "--shard-count", "4");
        Cli twice = Cli.run("merge", a.toString(), a.toString(), "--out", dir.resolve("m").toString());
        assertEquals(Main.BAD_INPUT, twice.status());
        assertEquals("merge task 0000_learningRate=0.05_engine=mu-limit is in both " + a + " and " + a
                + "; merge each shard once" + System.lineSeparator(), twice.err());
        assertFalse(Files.exists(dir.resolve("m")));

        Files.writeString(file, GRID.replace("0.2]", "0.3]"));
        Path b = dir.resolve("b");
        ok("sweep", file.toString(), "--out", b.toString(), "--quiet", "--shard-index", "1", "--shard-count", "4");
        Cli other = Cli.run("merge", a.toString(), b.toString(), "--out", dir.resolve("m").toString());
        assertEquals(Main.BAD_INPUT, other.status());
        assertEquals("merge " + b + " holds a different sweep than " + a + " (their sweep.json differ); merge the"
                + " shards of one sweep only" + System.lineSeparator(), other.err());
        Cli none = Cli.run("merge", dir.toString(), "--out", dir.resolve("m").toString());
        assertEquals(Main.BAD_INPUT, none.status());
        assertEquals("merge " + dir + " is not a sweep folder (it has no sweep.json and sweep.csv)"
                + System.lineSeparator(), none.err());
        assertFalse(Files.exists(dir.resolve("m")));
    }

    @Test
    void aFolderOfAnEarlierVersionContinuesAndMergeRefusesToMixVersions() throws IOException {
        Path file = sweep(GRID);
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        ok("sweep", file.toString(), "--out", a.toString(), "--quiet", "--shard-index", "0", "--shard-count", "4");
        ok("sweep", file.toString(), "--out", b.toString(), "--quiet", "--shard-index", "1", "--shard-count", "4");
        // what an earlier version wrote: version 1, the fingerprint over every task
        ObjectNode old = (ObjectNode) new ObjectMapper().readTree(a.resolve("sweep.json").toFile());
        old.put("version", 1).put("sweepSha256", Sweep.read(file).sha256OfTasks()).remove("taskCount");
        Files.writeString(a.resolve("sweep.json"), old.toString());

        Cli mixed = Cli.run("merge", a.toString(), b.toString(), "--out", dir.resolve("m").toString());
        assertEquals(Main.BAD_INPUT, mixed.status());
        assertEquals("merge " + b + " has a sweep.json of version 2 and " + a + " one of version 1; run the older"
                + " shard's sweep again with this version (it skips finished tasks and rewrites sweep.json), then merge"
                + System.lineSeparator(), mixed.err());
        assertFalse(Files.exists(dir.resolve("m")));

        Cli again = ok("sweep", file.toString(), "--out", a.toString(), "--shard-index", "0", "--shard-count", "4");
        assertTrue(again.out().startsWith("sweep " + file + ": 8 tasks; shard 0 of 4 has 2; 2 finished already, 0 to"
                + " run"), again.out());
        assertEquals(2, new ObjectMapper().readTree(a.resolve("sweep.json").toFile()).get("version").asInt());
        Cli merged = ok("merge", a.toString(), b.toString(), "--out", dir.resolve("m").toString());
        assertTrue(merged.out().startsWith("merged 4 of 8 tasks from 2 folders"), merged.out());
    }

    @Test
    void aDivergedTaskIsAResult() throws IOException {
        Path file = sweep("""
                base: base.yaml
                grid:
                  optimizer.learningRate: [0.1, 1.0e150]
                """);
        Path out = dir.resolve("out");
        Cli cli = ok("sweep", file.toString(), "--out", out.toString());
        assertTrue(cli.out().contains("task 0001_learningRate=1.0E150 diverged at step "), cli.out());
        List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
        assertTrue(rows.get(1).endsWith(",completed"), rows.get(1));
        assertTrue(rows.get(2).startsWith("0001_learningRate=1.0E150,1.0E150,"), rows.get(2));
        assertTrue(rows.get(2).endsWith(",diverged"), rows.get(2));
        JsonNode summary = new ObjectMapper().readTree(out.resolve("tasks/0001_learningRate=1.0E150/summary.json")
                .toFile());
        assertEquals("diverged", summary.get("status").textValue());
        assertTrue(summary.get("divergedStep").intValue() > 0);
        assertEquals("", cli.err());
        Pngs.assertPlot(out.resolve("sweep.png"), 2);
    }

    @Test
    void aLongSweepLogsTasksDoneAndTimeLeftUnlessQuiet() throws IOException {
        Path file = sweep("""
                base: base.yaml
                grid:
                  optimizer.learningRate: [0.05, 0.1, 0.2]
                """);
        // every look at the clock finds it 5 s later
        AtomicLong clock = new AtomicLong();
        ProgressSettings log = new ProgressSettings(false, () -> clock.addAndGet(5_000_000_000L));
        Cli cli = Cli.run(log, "sweep", file.toString(), "--out", dir.resolve("out").toString());
        assertEquals(Main.OK, cli.status(), cli.err());
        List<String> lines = cli.err().lines().toList();
        assertTrue(lines.size() >= 2, cli.err());
        assertTrue(lines.stream().allMatch(l -> l.startsWith("progress: ")), cli.err());
        assertTrue(lines.stream().anyMatch(l -> l.matches("progress: +\\d+%  \\d/3 tasks(, 1 running)?  .* ETA \\d+:\\d\\d")),
                cli.err());
        assertTrue(lines.get(lines.size() - 1).startsWith("progress: finished 3/3 tasks in "), cli.err());

        Cli quiet = Cli.run(log, "sweep", file.toString(), "--out", dir.resolve("quiet").toString(), "--quiet");
        assertEquals(Main.OK, quiet.status());
        assertEquals("", quiet.out() + quiet.err());
    }

    @Test
    void aKilledSweepSkipsFinishedTasksAndResumesTheRestToTheSameResults() throws IOException {
        Path file = sweep(GRID);
        Path whole = dir.resolve("whole");
        ok("sweep", file.toString(), "--out", whole.toString(), "--quiet");

        // the process "dies" in the middle of task 0001 (width 8, after step 2): its checkpoint stays
        Path out = dir.resolve("out");
        AtomicBoolean died = new AtomicBoolean();
        RunCommand.afterStep = (r, t, steps) -> {
            if (r == 1 && t == 2 && died.compareAndSet(false, true)) {
                throw new IllegalStateException("killed");
            }
        };
        Cli killed = Cli.run("sweep", file.toString(), "--out", out.toString(), "--quiet");
        RunCommand.afterStep = null;
        assertEquals(Main.FAILED, killed.status());
        Path task = out.resolve("tasks/0000_learningRate=0.05_engine=mu-limit");
        String failedLine = killed.err().lines().toList().get(0);
        assertTrue(failedLine.matches("task 0000_learningRate=0\\.05_engine=mu-limit failed:"
                + " java\\.lang\\.IllegalStateException: killed \\(\\d+\\.\\d s\\)"), failedLine);
        assertTrue(killed.err().lines().toList().get(1).startsWith("1 task of this sweep failed"), killed.err());
        assertTrue(Files.exists(task.resolve("error.txt")));
        assertTrue(CheckpointFiles.exists(task));
        List<String> rows = Files.readAllLines(out.resolve("sweep.csv"));
        assertEquals(9, rows.size());
        assertEquals("0000_learningRate=0.05_engine=mu-limit,0.05,mu-limit,,NaN,NaN,NaN,NaN,failed", rows.get(1));
        Path finished = out.resolve("tasks/0003_learningRate=0.05_engine=nt-limit/summary.json");
        byte[] before = Files.readAllBytes(finished);

        Cli again = ok("sweep", file.toString(), "--out", out.toString());
        assertTrue(again.out().startsWith("sweep " + file + ": 8 tasks; 7 finished already, 1 to run (1 from"
                + " checkpoints)"), again.out());
        assertArrayEquals(before, Files.readAllBytes(finished), "a finished task is not run again");
        assertFalse(Files.exists(task.resolve("error.txt")));
        assertArrayEquals(Files.readAllBytes(whole.resolve("sweep.csv")), Files.readAllBytes(out.resolve("sweep.csv")));
        assertArrayEquals(Files.readAllBytes(whole.resolve("tasks").resolve(task.getFileName()).resolve("trajectory.csv")),
                Files.readAllBytes(task.resolve("trajectory.csv")));

        Cli nothing = ok("sweep", file.toString(), "--out", out.toString(), "--quiet");
        assertEquals("", nothing.out() + nothing.err());
    }

    @Test
    void aCorruptCheckpointOrAnotherSweepInTheFolderIsRefusedAndNothingIsLost() throws IOException {
        Path file = sweep(GRID);
        Path out = dir.resolve("out");
        AtomicBoolean died = new AtomicBoolean();
        RunCommand.afterStep = (r, t, steps) -> {
            if (r == 0 && t == 3 && died.compareAndSet(false, true)) {
                throw new IllegalStateException("killed");
            }
        };
        assertEquals(Main.FAILED, Cli.run("sweep", file.toString(), "--out", out.toString(), "--quiet").status());
        RunCommand.afterStep = null;
        Path header = out.resolve("tasks/0000_learningRate=0.05_engine=mu-limit/checkpoint/checkpoint.json");
        Files.writeString(header, "not json");
        byte[] table = Files.readAllBytes(out.resolve("sweep.csv"));

        Cli corrupt = Cli.run("sweep", file.toString(), "--out", out.toString());
        assertEquals(Main.BAD_INPUT, corrupt.status());
        assertEquals("task 0000_learningRate=0.05_engine=mu-limit cannot continue: checkpoint " + header.getParent()
                + " is corrupt (checkpoint.json is not valid JSON); delete that checkpoint folder to restart the task"
                + System.lineSeparator(), corrupt.err());
        assertEquals("", corrupt.out());
        assertArrayEquals(table, Files.readAllBytes(out.resolve("sweep.csv")));

        Files.writeString(file, GRID.replace("0.2]", "0.3]"));
        Cli other = Cli.run("sweep", file.toString(), "--out", out.toString());
        assertEquals(Main.BAD_INPUT, other.status());
        assertEquals("--out " + out + " holds the outputs of a different sweep (sweep.json does not match this sweep"
                + " file and its base job); use another --out" + System.lineSeparator(), other.err());
        assertArrayEquals(table, Files.readAllBytes(out.resolve("sweep.csv")));
        try (Stream<Path> tasks = Files.list(out.resolve("tasks"))) {
            assertEquals(8, tasks.count(), "every task folder is still there");
        }
    }

    @Test
    void scheduleFieldsApplyToTheTypesThatUseThem() throws IOException {
        Path file = sweep("""
                base: base.yaml
                grid:
                  optimizer.schedule.type: [cosine, step]
                  optimizer.schedule.finalFactor: [0.0, 0.1]
                  optimizer.schedule.stepEvery: [1]
                  optimizer.weightDecay: [0.0, 0.01]
                """);
        List<String> tasks = ok("sweep", file.toString(), "--list").out().lines().toList();
        assertEquals(6, tasks.size(), "cosine x 2 final factors + step (final factor ignored), each x 2 decays: "
                + tasks);
        assertTrue(tasks.get(0).startsWith("0000_type=cosine_finalFactor=0.0_weightDecay=0.0 seed "), tasks.get(0));
        assertTrue(tasks.get(4).startsWith("0004_type=step_weightDecay=0.0 seed "), tasks.get(4));
    }

    @Test
    void biasFieldsApplyToNetworksWithBiases() throws IOException {
        Path file = sweep("""
                base: base.yaml
                grid:
                  network.bias: [false, true]
                  network.initStd.bias: [0.5, 1.0]
                """);
        List<String> tasks = ok("sweep", file.toString(), "--list").out().lines().toList();
        assertEquals(3, tasks.size(), "no biases (their std ignored) + 2 stds with biases: " + tasks);
        assertTrue(tasks.get(0).startsWith("0000_network.bias=false seed "), tasks.get(0));
        assertTrue(tasks.get(2).startsWith("0002_network.bias=true_network.initStd.bias=1.0 seed "), tasks.get(2));
    }

    @Test
    void theExampleSweepListsItsTasks() {
        List<String> tasks = ok("sweep", "examples/sweeps/width-and-learning-rate.yaml", "--list").out().lines().toList();
        assertEquals(16, tasks.size(), "4 learning rates x (3 finite widths + 1 mu-limit)");
        assertTrue(tasks.get(0).startsWith("0000_learningRate=0.01_engine=finite_width=128 seed "), tasks.get(0));
        assertTrue(tasks.get(3).startsWith("0003_learningRate=0.01_engine=mu-limit seed "), tasks.get(3));
    }

    @Test
    void badSweepFilesAndOptionsAreRefusedWithOneLineAndNothingWritten() throws IOException {
        Files.writeString(dir.resolve("base.yaml"), BASE);
        String[][] cases = {
            {"base: base.yaml\ngrid: {optimizer.learningrate: [0.1]}\n", "",
                "grid.optimizer.learningrate is not a job field a sweep can vary (allowed: engine, parametrization,"},
            {"base: base.yaml\ngrid: {}\n", "", "grid is empty: name at least one job field and its values"},
            {"base: base.yaml\n", "", "grid is required (job fields mapped to lists of values"},
            {"base: base.yaml\ngrid: {optimizer.learningRate: []}\n", "",
                "grid.optimizer.learningRate is an empty list: give at least one value"},
            {"base: base.yaml\ngrid: {optimizer.learningRate: 0.1}\n", "",
                "grid.optimizer.learningRate must be a list of values, got 0.1"},
            {"base: base.yaml\ngrid: {optimizer.learningRate: [0.1, [0.2]]}\n", "",
                "grid.optimizer.learningRate[1] must be a single value, got a list"},
            {"base: base.yaml\ngrid: {optimizer.learningRate: [0.1, 0.1]}\n", "",
                "grid.optimizer.learningRate lists 0.1 twice"},
            {"base: nowhere.yaml\ngrid: {optimizer.learningRate: [0.1]}\n", "", "base " + dir.resolve("nowhere.yaml")
                + " does not exist (paths are relative to the sweep file's folder " + dir + ")"},
            {"grid: {optimizer.learningRate: [0.1]}\n", "", "base is required (the job file the grid varies"},
            {"base: base.yaml\ngrid: {optimizer.learningRate: [0.1]}\nseeds: 3\n", "",
                "seeds is not a known field of a sweep file (allowed: base, grid)"},
            {"base: base.yaml\ngrid: {optimizer.learningRate: [0.1, -1]}\n", "",
                "task 0001_learningRate=-1 has a problem: optimizer.learningRate must be finite and > 0, got -1"},
            {"base: base.yaml\ngrid: {network.width: [8, 100000000]}\n", "",
                "task 0001_width=100000000 has a problem: network.width of 100000000 needs "},
            {"base: base.yaml\ngrid: {optimizer.learningRate: [0.1]\n", "", "sweep file " + dir.resolve("sweep.yaml")
                + ":2:37 is not valid YAML: expected ',' or '}'"},
            {"base: base.yaml\ngrid: {optimizer.learningRate: [0.1]}\n", "--shard-index 2 --shard-count 2",
                "--shard-index must be between 0 and 1 (--shard-count 2), got 2"},
            {"base: base.yaml\ngrid: {optimizer.learningRate: [0.1]}\n", "--shard-count 2",
                "--shard-index is required with --shard-count"},
            {"base: base.yaml\ngrid: {optimizer.learningRate: [0.1]}\n", "--shard-index -1 --shard-count 2",
                "--shard-index must be between 0 and 1 (--shard-count 2), got -1"},
            {"base: base.yaml\ngrid: {optimizer.learningRate: [0.1]}\n", "--parallel 0", "--parallel must be >= 1, got 0"},
        };
        for (String[] c : cases) {
            Path file = Files.writeString(dir.resolve("sweep.yaml"), c[0]);
            Path out = dir.resolve("out");
            List<String> args = new ArrayList<>(List.of("sweep", file.toString(), "--out", out.toString()));
            if (!c[1].isEmpty()) {
                args.addAll(List.of(c[1].split(" ")));
            }
            Cli cli = Cli.run(args.toArray(new String[0]));
            assertEquals(Main.BAD_INPUT, cli.status(), c[0] + c[1] + ": " + cli.err());
            assertEquals(1, cli.err().lines().count(), cli.err());
            assertTrue(cli.err().startsWith(c[2]), "expected " + c[2] + "\nbut got " + cli.err());
            assertEquals("", cli.out());
            assertFalse(Files.exists(out), "nothing written for " + c[0] + c[1]);
        }
        Cli missing = Cli.run("sweep", dir.resolve("none.yaml").toString(), "--out", dir.resolve("out").toString());
        assertEquals(Main.BAD_INPUT, missing.status());
        assertEquals("sweep file " + dir.resolve("none.yaml") + " does not exist" + System.lineSeparator(), missing.err());
        assertNotEquals(Main.OK, Cli.run("merge", "--out", dir.resolve("m").toString()).status(), "no input folders");
    }
}
