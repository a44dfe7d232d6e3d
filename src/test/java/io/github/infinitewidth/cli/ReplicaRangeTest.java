package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.infinitewidth.job.CheckpointFiles;
import io.github.infinitewidth.job.ReplicaFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replicas across machines (JOB-SPEC.md): a run split with {@code --replica-range} into parts and put
 * back together with {@code merge} writes the same files, byte for byte, as the run never split, for
 * every engine; a part resumes from its checkpoints; parts that overlap, leave replicas out or belong
 * to different jobs, and ranges that do not fit, are refused with one line and nothing written; a
 * divergence in one part is the merged run's.
 */
class ReplicaRangeTest {
    /** Four replicas of 5 steps, every other step recorded. */
    static final String JOB = """
            engine: %s
            %s
            network: {hiddenLayers: 2, activation: tanh%s}
            optimizer: {type: %s, learningRate: %s}
            data:
              train: {inputs: [[1.0, 0.4], [-0.6, 0.9], [0.3, -1.2]], targets: [0.8, -0.6, 0.5]}
              test: {inputs: [[0.6, 0.6]], targets: [0.4]}
            training: {steps: 5, batchSize: 2, recordEvery: 2}
            simulation: {particles: %d, replicas: 4, seed: 5, checkpointEvery: %d, backend: cpu}
            """;
    static final List<String> CSV_FILES = List.of("trajectory.csv", "loss.csv", "kernels.csv", "features.csv");
    static final List<String> PARTS = List.of("0:1", "1:3", "3:4");

    @TempDir
    Path dir;

    @AfterEach
    void removeHook() {
        RunCommand.afterStep = null;
    }

    static String job(String engine, String optimizer, String learningRate, int checkpointEvery) {
        boolean finite = engine.equals("finite");
        return String.format(JOB, engine, finite ? "parametrization: mup" : "", finite ? ", width: 32" : "", optimizer,
                learningRate, engine.equals("mu-limit") ? 128 : 64, checkpointEvery);
    }

    static Stream<Arguments> engines() {
        return Stream.of(
                Arguments.of("finite adam", job("finite", "adam", "0.05", 0)),
                Arguments.of("nt-limit momentum (kernel step)", job("nt-limit", "momentum", "0.05", 0)),
                Arguments.of("nt-limit sign (particle step)", job("nt-limit", "sign", "0.05", 0)),
                Arguments.of("mu-limit sgd", job("mu-limit", "sgd", "0.05", 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void partsMergeToTheFilesOfTheRunNeverSplit(String name, String text) throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), text);
        Path whole = dir.resolve("whole");
        ok("run", job.toString(), "--out", whole.toString());
        List<String> merge = Stream.concat(Stream.of("merge"), runParts(job).stream()).toList();
        Path merged = dir.resolve("merged");
        Cli cli = ok(Stream.concat(merge.stream(), Stream.of("--out", merged.toString())).toArray(String[]::new));
        assertTrue(cli.out().startsWith("merged 4 replicas from 3 partial runs into " + merged), cli.out());

        assertSameFiles(whole, merged);
        assertFalse(Files.exists(merged.resolve(ReplicaFiles.FOLDER)), "a merged run is a whole run");
        assertTrue(Files.exists(merged.resolve("loss.png")) && Files.exists(merged.resolve("trajectory.png")));
        assertEquals(Files.exists(whole.resolve("features.png")), Files.exists(merged.resolve("features.png")));
        ObjectNode a = summary(whole);
        ObjectNode b = summary(merged);
        a.remove("wallSeconds");
        b.remove("wallSeconds");
        assertEquals(a, b, "summary.json differs in wallSeconds only");
    }

    @Test
    void aPartialRunSaysWhichReplicasItHoldsAndKeepsTheirNumbers() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), job("mu-limit", "adam", "0.05", 0));
        Path part = dir.resolve("part");
        Cli cli = ok("run", job.toString(), "--out", part.toString(), "--replica-range", "1:3");
        assertTrue(cli.out().contains("this is replicas 1:3 of 4: merge the parts"), cli.out());
        JsonNode summary = summary(part);
        assertEquals(1, summary.at("/partial/first").intValue());
        assertEquals(3, summary.at("/partial/end").intValue());
        assertEquals(4, summary.at("/partial/replicas").intValue());
        assertEquals(4, summary.get("replicas").intValue());
        assertEquals(4, summary.at("/job/simulation/replicas").intValue(), "the resolved job is the whole run's");
        JsonNode header = new ObjectMapper().readTree(part.resolve("replicas/replicas.json").toFile());
        assertEquals(ReplicaFiles.FORMAT, header.get("format").textValue());
        assertEquals(1, header.get("version").intValue());
        assertEquals("[0,2,4,5]", header.get("steps").toString());
        assertEquals(4, header.get("inputs").intValue());
        List<String> arrays = Stream.of(header.get("arrays").spliterator()).flatMap(s ->
                java.util.stream.StreamSupport.stream(s, false)).map(a -> a.get("name").textValue()).toList();
        assertEquals(List.of("r1/outputs", "r1/features", "r2/outputs", "r2/features"), arrays);
        assertEquals(header.at("/data/bytes").longValue(), Files.size(part.resolve("replicas/replicas.bin")));

        // a whole run into the same folder leaves no replicas behind that would pass it off as a part
        ok("run", job.toString(), "--out", part.toString());
        assertFalse(Files.exists(part.resolve(ReplicaFiles.FOLDER)));
        assertFalse(summary(part).has("partial"));
    }

    @Test
    void aKilledPartResumesToTheSameFilesAndOnlyWithItsOwnRange() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), job("nt-limit", "adam", "0.05", 2));
        Path straight = dir.resolve("straight");
        ok("run", job.toString(), "--out", straight.toString(), "--replica-range", "1:3");

        Path killed = dir.resolve("killed");
        RunCommand.afterStep = ResumeTest.dieAfter(2, 2);
        Cli dead = Cli.run("run", job.toString(), "--out", killed.toString(), "--replica-range", "1:3", "--quiet");
        RunCommand.afterStep = null;
        assertEquals(Main.FAILED, dead.status(), dead.err());
        JsonNode header = new ObjectMapper().readTree(killed.resolve("checkpoint/checkpoint.json").toFile());
        assertEquals("1:3", header.get("replicaRange").textValue());
        assertEquals(2, header.at("/position/replica").intValue());

        Cli other = Cli.run("run", job.toString(), "--out", killed.toString(), "--replica-range", "0:3", "--resume");
        assertEquals(Main.BAD_INPUT, other.status());
        assertEquals(List.of("--resume cannot continue: checkpoint " + killed.resolve(CheckpointFiles.FOLDER)
                + " was saved by a run of --replica-range 1:3, not of --replica-range 0:3; run without --resume to start"
                + " over"), other.err().lines().toList());
        Cli whole = Cli.run("run", job.toString(), "--out", killed.toString(), "--resume");
        assertEquals(Main.BAD_INPUT, whole.status());
        assertTrue(whole.err().contains("was saved by a run of --replica-range 1:3, not of all replicas"), whole.err());

        Cli resumed = ok("run", job.toString(), "--out", killed.toString(), "--replica-range", "1:3", "--resume");
        assertTrue(resumed.out().contains("resuming from the checkpoint at replica 3 of 4, step 2 of 5"), resumed.out());
        assertSameFiles(straight, killed);
        for (String file : List.of(ReplicaFiles.HEADER, ReplicaFiles.DATA)) {
            byte[] a = Files.readAllBytes(straight.resolve(ReplicaFiles.FOLDER).resolve(file));
            byte[] b = Files.readAllBytes(killed.resolve(ReplicaFiles.FOLDER).resolve(file));
            assertArrayEquals(a, b, file);
        }
        Cli again = ok("run", job.toString(), "--out", killed.toString(), "--replica-range", "1:3", "--resume");
        assertTrue(again.out().startsWith("nothing to resume"), again.out());
    }

    @Test
    void rangesThatDoNotFitAreRefusedWithOneLineAndNothingWritten() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), job("finite", "sgd", "0.05", 0));
        Path out = dir.resolve("out");
        for (String[] range : new String[][] {
                {"3:5", "--replica-range of 3:5 reaches beyond the 4 replicas of the run"},
                {"2:2", "--replica-range must be a:b with 0 <= a < b, got 2:2"},
                {"3:1", "--replica-range must be a:b with 0 <= a < b, got 3:1"},
                {"4:5", "--replica-range of 4:5 reaches beyond"},
                {"-1:2", "--replica-range must be a:b (replicas a to b-1, 0-based), got \"-1:2\""},
                {"1", "--replica-range must be a:b (replicas a to b-1, 0-based), got \"1\""}}) {
            Cli cli = Cli.run("run", job.toString(), "--out", out.toString(), "--replica-range", range[0]);
            assertEquals(Main.BAD_INPUT, cli.status(), range[0]);
            assertEquals(1, cli.err().lines().count(), cli.err());
            assertTrue(cli.err().startsWith(range[1]), cli.err());
            assertFalse(Files.exists(out), "nothing written for " + range[0]);
        }
        Cli fewer = Cli.run("run", job.toString(), "--out", out.toString(), "--replicas", "2", "--replica-range", "1:3");
        assertEquals(Main.BAD_INPUT, fewer.status());
        assertTrue(fewer.err().startsWith("--replica-range of 1:3 reaches beyond the 2 replicas"), fewer.err());
    }

    @Test
    void partsThatOverlapLeaveReplicasOutOrComeFromOtherJobsAreRefused() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), job("finite", "sgd", "0.05", 0));
        Path other = Files.writeString(dir.resolve("other.yaml"), job("finite", "sgd", "0.1", 0));
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        Path d = dir.resolve("d");
        Path e = dir.resolve("e");
        ok("run", job.toString(), "--out", a.toString(), "--replica-range", "0:2");
        ok("run", job.toString(), "--out", b.toString(), "--replica-range", "1:3");
        ok("run", job.toString(), "--out", c.toString(), "--replica-range", "3:4");
        ok("run", other.toString(), "--out", d.toString(), "--replica-range", "2:4");
        ok("run", job.toString(), "--out", e.toString());
        Path out = dir.resolve("out");

        refused("merge replicas 1:2 are in both " + a + " (0:2) and " + b + " (1:3); merge each replica once",
                "merge", a.toString(), b.toString(), c.toString(), "--out", out.toString());
        refused("merge replicas 2:3 of the 4 are in none of the inputs (they hold 0:2, 3:4); run them with"
                + " --replica-range 2:3 and merge again", "merge", c.toString(), a.toString(), "--out", out.toString());
        refused("merge " + d + " is a part of a different job than " + a + " (optimizer.learningRate is 0.05 there"
                + " and 0.1 here); merge the parts of one run only", "merge", a.toString(), d.toString(), "--out",
                out.toString());
        refused("merge " + a + " is a partial run (run --replica-range) and " + e + " is not; merge the parts of one"
                + " run, or the shards of one sweep", "merge", a.toString(), e.toString(), "--out", out.toString());
        refused("--out " + c + " is one of the partial runs being merged; choose another folder", "merge",
                a.toString(), c.toString(), "--out", c.toString());

        Files.delete(b.resolve("summary.json"));
        refused("merge " + b + " holds no finished partial run (it has no summary.json; is it still running? run"
                + " --resume finishes a killed one)", "merge", a.toString(), b.toString(), "--out", out.toString());
        Files.write(c.resolve("replicas/replicas.bin"), new byte[] {1, 2, 3});
        refused("merge " + c.resolve("replicas") + " is corrupt (replicas.bin has 3 bytes, the header says ",
                "merge", a.toString(), c.toString(), "--out", out.toString());
    }

    /**
     * relu networks at learning rates at which some blow up, at different steps: at 180 replicas 2 and
     * 3 diverge at step 4, and replicas 0 and 1 stay finite, but the standard error of their loss
     * overflows at step 3, so that part diverges at step 4, the first recorded step after; at 10000
     * the parts of replica 0 and of replica 3 diverge at step 3, that of replicas 1 and 2 at step 4 (a
     * loss, or its standard error, overflows before the outputs do).
     */
    static Stream<Arguments> divergences() {
        return Stream.of(
                Arguments.of("180", List.of("0:2", "2:4"), List.of(4, 4)),
                Arguments.of("1.0e4", PARTS, List.of(3, 4, 3)));
    }

    @ParameterizedTest(name = "learning rate {0}, parts {1}")
    @MethodSource("divergences")
    void aDivergedReplicaInOnePartIsTheMergedRunsDivergence(String rate, List<String> ranges, List<Integer> steps)
            throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), job("finite", "sgd", rate, 0).replace("tanh", "relu"));
        Path whole = dir.resolve("whole");
        Cli run = Cli.run("run", job.toString(), "--out", whole.toString(), "--quiet");
        assertEquals(Main.DIVERGED, run.status(), run.err());
        int divergedStep = summary(whole).get("divergedStep").intValue();

        List<String> parts = runParts(job, ranges);
        List<Integer> partSteps = new java.util.ArrayList<>();
        for (String p : parts) {
            JsonNode summary = summary(Path.of(p));
            partSteps.add(summary.get("status").textValue().equals("diverged") ? summary.get("divergedStep").intValue()
                    : -1);
        }
        assertEquals(steps, partSteps, "the divergence step of each part (-1: completed)");

        Path merged = dir.resolve("merged");
        Cli cli = Cli.run(Stream.concat(Stream.concat(Stream.of("merge"), parts.stream()),
                Stream.of("--out", merged.toString())).toArray(String[]::new));
        assertEquals(Main.DIVERGED, cli.status(), cli.err());
        assertTrue(cli.err().startsWith("merged run diverged at step " + divergedStep + " (in the replicas of "),
                cli.err());
        assertSameFiles(whole, merged);
        ObjectNode a = summary(whole);
        ObjectNode b = summary(merged);
        a.remove("wallSeconds");
        b.remove("wallSeconds");
        assertEquals(a, b, "summary.json differs in wallSeconds only");
    }

    /** Runs the parts 0:1, 1:3 and 3:4 of {@code job}; returns their folders. */
    private List<String> runParts(Path job) {
        return runParts(job, PARTS);
    }

    /** Runs the parts of {@code job} with these replica ranges; returns their folders. */
    private List<String> runParts(Path job, List<String> ranges) {
        return ranges.stream().map(range -> {
            Path out = dir.resolve("part-" + range.replace(':', '-'));
            Cli cli = Cli.run("run", job.toString(), "--out", out.toString(), "--replica-range", range, "--quiet");
            assertTrue(cli.status() == Main.OK || cli.status() == Main.DIVERGED, cli.err());
            return out.toString();
        }).toList();
    }

    private static void assertSameFiles(Path expected, Path actual) throws IOException {
        for (String file : CSV_FILES) {
            assertEquals(Files.exists(expected.resolve(file)), Files.exists(actual.resolve(file)), file);
            if (Files.exists(expected.resolve(file))) {
                assertArrayEquals(Files.readAllBytes(expected.resolve(file)), Files.readAllBytes(actual.resolve(file)),
                        file + " differs");
            }
        }
    }

    private void refused(String line, String... args) {
        Path out = dir.resolve("out");
        Cli cli = Cli.run(args);
        assertEquals(Main.BAD_INPUT, cli.status(), cli.err());
        assertEquals(1, cli.err().lines().count(), cli.err());
        assertTrue(cli.err().startsWith(line), cli.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    private static Cli ok(String... args) {
        Cli cli = Cli.run(args);
        assertEquals(Main.OK, cli.status(), cli.err());
        return cli;
    }

    private static ObjectNode summary(Path run) throws IOException {
        return (ObjectNode) new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    }
}
