package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.job.CheckpointFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * Checkpoints and {@code run --resume} (JOB-SPEC.md, "Checkpoints"): a run killed mid-way and
 * resumed writes the same files, byte for byte, as one that ran through, for every engine and every
 * kind of state (kernel steps, particle steps with Adam's moments, hat families, low-rank and pair
 * DeltaW, float32 storage); and a checkpoint that is missing, corrupt or another job's is refused
 * with one line. A run is killed by a step hook that throws after a given step, as if the process
 * died there (nothing after the last checkpoint survives).
 */
class ResumeTest {
    /** Two replicas of 7 steps, a checkpoint every 2 steps, every other step recorded. */
    static final String JOB = """
            engine: %s
            %s
            network: {hiddenLayers: %d, activation: %s%s}
            optimizer: {type: %s, learningRate: 0.05}
            data:
              train: {inputs: [[1.0, 0.4], [-0.6, 0.9], [0.3, -1.2]], targets: [0.8, -0.6, 0.5]}
              test: {inputs: [[0.6, 0.6]], targets: [0.4]}
            training: {steps: 7, batchSize: 2, recordEvery: 2}
            simulation: {particles: %d, replicas: 2, seed: 3, precision: %s, checkpointEvery: 2, centerOutput: %s}
            """;

    @TempDir
    Path dir;

    @AfterEach
    void removeHook() {
        RunCommand.afterStep = null;
    }

    static String job(String engine, int layers, String activation, String optimizer, String precision) {
        boolean finite = engine.equals("finite");
        return String.format(JOB, engine, finite ? "parametrization: ntp" : "", layers, activation,
                finite ? ", width: 32" : "", optimizer, engine.equals("mu-limit") ? 160 : 96, precision,
                engine.equals("finite") ? "true" : "false");
    }

    static Stream<Arguments> runs() {
        return Stream.of(
                Arguments.of("finite adam ntp centered", job("finite", 2, "tanh", "adam", "float64")),
                Arguments.of("nt-limit momentum (kernel step)", job("nt-limit", 2, "relu", "momentum", "float64")),
                Arguments.of("nt-limit adam (particle step)", job("nt-limit", 2, "tanh", "adam", "float64")),
                Arguments.of("nt-limit momentum with weight decay (time-indexed kets)",
                        job("nt-limit", 2, "tanh", "momentum, weightDecay: 0.5, schedule: {type: cosine, warmupSteps: 2}",
                                "float64")),
                Arguments.of("mu-limit shallow sign", job("mu-limit", 1, "tanh", "sign", "float64")),
                Arguments.of("mu-limit deep sgd (low-rank DeltaW)", job("mu-limit", 3, "tanh", "sgd", "float64")),
                Arguments.of("mu-limit deep adam (pair DeltaW), float32", job("mu-limit", 2, "relu", "adam", "float32")),
                Arguments.of("mu-limit deep AdamW with a cosine schedule",
                        job("mu-limit", 2, "tanh", "adam, weightDecay: 0.5, schedule: {type: cosine, warmupSteps: 2}",
                                "float64")),
                Arguments.of("finite sgd with weight decay and step decay",
                        job("finite", 2, "tanh", "sgd, weightDecay: 0.5, schedule: {type: step, stepEvery: 3}",
                                "float64")),
                Arguments.of("mu-limit deep adam, float32 pairs with float64 kets",
                        job("mu-limit", 2, "relu", "adam", "float64, pairPrecision: float32")),
                // biases and their optimizer state (LIMITS.md section 8)
                Arguments.of("finite adam ntp with biases", job("finite", 2, "tanh, bias: true", "adam", "float64")),
                Arguments.of("nt-limit adam with biases", job("nt-limit", 2, "tanh, bias: true", "adam", "float64")),
                Arguments.of("mu-limit deep adam with biases", job("mu-limit", 2, "relu, bias: true", "adam", "float64")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void aKilledRunResumesToTheSameFiles(String name, String text) throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), text);
        Path whole = dir.resolve("whole");
        assertEquals(Main.OK, Cli.run("run", job.toString(), "--out", whole.toString(), "--quiet").status());
        assertFalse(Files.exists(whole.resolve(CheckpointFiles.FOLDER)), "a finished run removes its checkpoint");

        // killed in replica 0 after step 4 (last checkpoint: step 4), then in replica 1 after step 2
        Path killed = dir.resolve("killed");
        killAfter(job, killed, 0, 4);
        JsonNode header = header(killed);
        assertEquals(0, header.at("/position/replica").intValue());
        assertEquals(4, header.at("/position/step").intValue());
        assertFalse(Files.exists(killed.resolve("trajectory.csv")), "a killed run has written no outputs");

        RunCommand.afterStep = dieAfter(1, 2);
        Cli second = Cli.run("run", job.toString(), "--out", killed.toString(), "--resume", "--quiet");
        assertEquals(Main.FAILED, second.status(), "killed again");
        RunCommand.afterStep = null;
        assertEquals(1, header(killed).at("/position/replica").intValue());
        assertEquals(2, header(killed).at("/position/step").intValue());

        Cli resumed = Cli.run("run", job.toString(), "--out", killed.toString(), "--resume");
        assertEquals(Main.OK, resumed.status(), resumed.err());
        assertEquals("resuming from the checkpoint at replica 2 of 2, step 2 of 7", resumed.out().lines().toList().get(1));
        for (String file : List.of("trajectory.csv", "loss.csv", "features.csv", "kernels.csv")) {
            assertEquals(Files.exists(whole.resolve(file)), Files.exists(killed.resolve(file)), file);
            if (Files.exists(whole.resolve(file))) {
                assertArrayEquals(Files.readAllBytes(whole.resolve(file)), Files.readAllBytes(killed.resolve(file)),
                        file + " differs after resuming");
            }
        }
        assertFalse(Files.exists(killed.resolve(CheckpointFiles.FOLDER)));
        JsonNode a = new ObjectMapper().readTree(whole.resolve("summary.json").toFile());
        JsonNode b = new ObjectMapper().readTree(killed.resolve("summary.json").toFile());
        assertEquals(a.get("finalLoss"), b.get("finalLoss"));
        assertEquals(a.get("job"), b.get("job"));
    }

    @Test
    void theCheckpointIsAVersionedHeaderAndLittleEndianArrays() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), job("finite", 2, "tanh", "sgd", "float64"));
        Path out = dir.resolve("out");
        killAfter(job, out, 0, 2);
        JsonNode header = header(out);
        assertEquals(CheckpointFiles.FORMAT, header.get("format").textValue());
        assertEquals(2, header.get("version").intValue());
        assertEquals(64, header.get("headerSha256").textValue().length());
        assertEquals("finite", header.get("engine").textValue());
        assertEquals(64, header.get("jobSha256").textValue().length());
        assertEquals(0.05, header.at("/job/optimizer/learningRate").doubleValue());
        assertFalse(header.get("job").has("data"), "the data are in the header as a hash only");
        String data = header.at("/data/file").textValue();
        assertEquals("state-r0-s2.bin", data);
        List<String> files;
        try (Stream<Path> list = Files.list(out.resolve(CheckpointFiles.FOLDER))) {
            files = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("checkpoint.json", data), files, "older data files and .tmp files are gone");
        byte[] bytes = Files.readAllBytes(out.resolve(CheckpointFiles.FOLDER).resolve(data));
        assertEquals(header.at("/data/bytes").longValue(), bytes.length);
        for (JsonNode array : header.get("arrays")) {
            if (array.get("name").textValue().equals("position")) {
                assertEquals("int32", array.get("type").textValue());
                ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                int at = array.get("offset").intValue();
                assertEquals(0, b.getInt(at), "replica");
                assertEquals(2, b.getInt(at + 4), "step");
            }
            if (array.get("name").textValue().equals("finite/v")) {
                assertEquals("float64", array.get("type").textValue());
                assertEquals(32, array.get("rows").intValue());
                assertEquals(1, array.get("cols").intValue());
            }
        }
    }

    @Test
    void resumingAFinishedRunDoesNothing() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), job("finite", 1, "tanh", "sgd", "float64"));
        Path out = dir.resolve("out");
        assertEquals(Main.OK, Cli.run("run", job.toString(), "--out", out.toString(), "--quiet").status());
        byte[] before = Files.readAllBytes(out.resolve("summary.json"));
        Cli again = Cli.run("run", job.toString(), "--out", out.toString(), "--resume");
        assertEquals(Main.OK, again.status(), again.err());
        assertEquals("nothing to resume: " + out + " holds this job's finished run", again.out().strip());
        assertArrayEquals(before, Files.readAllBytes(out.resolve("summary.json")));
    }

    @Test
    void aRunSavesEveryCheckpointMinutesWithoutCheckpointEvery() throws IOException {
        // a tiny interval makes a save due after every update: the last one before the kill is kept
        String text = job("finite", 2, "tanh", "adam", "float64")
                .replace("checkpointEvery: 2", "checkpointEvery: 0, checkpointMinutes: 1.0e-9");
        Path job = Files.writeString(dir.resolve("job.yaml"), text);
        Path whole = dir.resolve("whole");
        assertEquals(Main.OK, Cli.run("run", job.toString(), "--out", whole.toString(), "--quiet").status());
        Path out = dir.resolve("out");
        killAfter(job, out, 0, 2);
        assertEquals(3, header(out).at("/position/step").intValue(), "saved after update 3, the last before the kill");
        Cli resumed = Cli.run("run", job.toString(), "--out", out.toString(), "--resume", "--quiet");
        assertEquals(Main.OK, resumed.status(), resumed.err());
        assertArrayEquals(Files.readAllBytes(whole.resolve("trajectory.csv")),
                Files.readAllBytes(out.resolve("trajectory.csv")));
    }

    @Test
    void resumingWithoutACheckpointStartsAtStep0AndSaysSo() throws IOException {
        // checkpointMinutes 0 and checkpointEvery 0: a killed run leaves nothing to continue from
        String text = job("finite", 2, "tanh", "sgd", "float64")
                .replace("checkpointEvery: 2", "checkpointEvery: 0, checkpointMinutes: 0");
        Path job = Files.writeString(dir.resolve("job.yaml"), text);
        Path whole = dir.resolve("whole");
        assertEquals(Main.OK, Cli.run("run", job.toString(), "--out", whole.toString(), "--quiet").status());
        Path out = dir.resolve("out");
        killAfter(job, out, 1, 3);
        assertFalse(Files.exists(out.resolve(CheckpointFiles.FOLDER)));
        Cli resumed = Cli.run("run", job.toString(), "--out", out.toString(), "--resume");
        assertEquals(Main.OK, resumed.status(), resumed.err());
        assertEquals("nothing to resume: no checkpoint in " + out.resolve("checkpoint") + "; starting at step 0",
                resumed.out().lines().toList().get(0));
        assertArrayEquals(Files.readAllBytes(whole.resolve("trajectory.csv")),
                Files.readAllBytes(out.resolve("trajectory.csv")));
        // and once finished, --resume does nothing
        Cli again = Cli.run("run", job.toString(), "--out", out.toString(), "--resume");
        assertEquals(Main.OK, again.status(), again.err());
        assertEquals("nothing to resume: " + out + " holds this job's finished run", again.out().strip());
    }

    @Test
    void aFreshRunRemovesAnEarlierCheckpoint() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), job("finite", 1, "tanh", "sgd", "float64"));
        Path out = dir.resolve("out");
        killAfter(job, out, 1, 3);
        Cli fresh = Cli.run("run", job.toString(), "--out", out.toString());
        assertEquals(Main.OK, fresh.status(), fresh.err());
        assertTrue(fresh.out().startsWith("starting over: removed the checkpoint of an earlier run in "
                + out.resolve("checkpoint")), fresh.out());
        assertFalse(Files.exists(out.resolve(CheckpointFiles.FOLDER)));
    }

    @Test
    void aCorruptCheckpointIsRefusedWithOneLineAndKept() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), job("finite", 2, "tanh", "sgd", "float64"));
        Path out = dir.resolve("out");
        killAfter(job, out, 0, 2);
        Path data = out.resolve("checkpoint").resolve(header(out).at("/data/file").textValue());
        byte[] bytes = Files.readAllBytes(data);
        int at = bytes.length / 2;
        bytes[at] ^= 1;
        Files.write(data, bytes);
        String array = null;
        for (JsonNode a : header(out).get("arrays")) {
            long offset = a.get("offset").longValue();
            if (offset <= at && at < offset + a.get("count").longValue() * (a.get("type").textValue().endsWith("64") ? 8 : 4)) {
                array = a.get("name").textValue();
            }
        }

        Cli cli = Cli.run("run", job.toString(), "--out", out.toString(), "--resume");
        assertEquals(Main.BAD_INPUT, cli.status());
        assertEquals("--resume cannot continue: checkpoint " + out.resolve("checkpoint") + " is corrupt ("
                + data.getFileName() + " does not match the crc32c of array " + array + " in the header); run without"
                + " --resume to start over" + System.lineSeparator(), cli.err());
        assertEquals("", cli.out());
        assertTrue(Files.exists(data), "a refused checkpoint is left alone");

        Files.writeString(out.resolve("checkpoint").resolve("checkpoint.json"), "{\"format\": ");
        cli = Cli.run("run", job.toString(), "--out", out.toString(), "--resume");
        assertEquals(Main.BAD_INPUT, cli.status());
        assertTrue(cli.err().contains("is corrupt (checkpoint.json is not valid JSON)"), cli.err());
        assertEquals(1, cli.err().lines().count());
    }

    @Test
    void aTruncatedDataFileAndAnotherVersionAreRefused() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), job("finite", 2, "tanh", "sgd", "float64"));
        Path out = dir.resolve("out");
        killAfter(job, out, 0, 2);
        Path headerFile = out.resolve("checkpoint").resolve("checkpoint.json");
        ObjectNode header = (ObjectNode) header(out);
        header.put("version", 3);
        new ObjectMapper().writeValue(headerFile.toFile(), header);
        Cli cli = Cli.run("run", job.toString(), "--out", out.toString(), "--resume");
        assertEquals(Main.BAD_INPUT, cli.status());
        assertTrue(cli.err().contains("has format version 3, this version of infinitewidth reads versions 1 and 2 only"),
                cli.err());

        header.put("version", 2);
        new ObjectMapper().writeValue(headerFile.toFile(), header);
        Path data = out.resolve("checkpoint").resolve(header.at("/data/file").textValue());
        Files.write(data, java.util.Arrays.copyOf(Files.readAllBytes(data), 100));
        cli = Cli.run("run", job.toString(), "--out", out.toString(), "--resume");
        assertEquals(Main.BAD_INPUT, cli.status());
        assertTrue(cli.err().contains("is corrupt (state-r0-s2.bin has 100 bytes, the header says "), cli.err());
    }

    @Test
    void aVersion1CheckpointWithoutChecksumsIsResumedWithAWarning() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), job("finite", 2, "tanh", "sgd", "float64"));
        Path whole = dir.resolve("whole");
        assertEquals(Main.OK, Cli.run("run", job.toString(), "--out", whole.toString(), "--quiet").status());
        Path out = dir.resolve("out");
        killAfter(job, out, 0, 2);
        // what earlier versions saved: no headerSha256, no crc32c
        ObjectNode header = (ObjectNode) header(out);
        header.put("version", 1);
        header.remove("headerSha256");
        header.get("arrays").forEach(a -> ((ObjectNode) a).remove("crc32c"));
        new ObjectMapper().writeValue(out.resolve("checkpoint").resolve("checkpoint.json").toFile(), header);

        Cli cli = Cli.run("run", job.toString(), "--out", out.toString(), "--resume", "--quiet");
        assertEquals(Main.OK, cli.status(), cli.err());
        assertEquals("warning: checkpoint " + out.resolve("checkpoint") + " is format version 1, saved without"
                + " per-array checksums: only its data file's SHA-256 and layout were checked" + System.lineSeparator(),
                cli.err());
        assertArrayEquals(Files.readAllBytes(whole.resolve("trajectory.csv")),
                Files.readAllBytes(out.resolve("trajectory.csv")));
    }

    @Test
    void anotherJobsCheckpointIsRefusedNamingTheField() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), job("finite", 2, "tanh", "sgd", "float64"));
        Path out = dir.resolve("out");
        killAfter(job, out, 0, 2);

        Files.writeString(job, job("finite", 2, "tanh", "sgd", "float64").replace("learningRate: 0.05",
                "learningRate: 0.1"));
        Cli cli = Cli.run("run", job.toString(), "--out", out.toString(), "--resume");
        assertEquals(Main.BAD_INPUT, cli.status());
        assertEquals("--resume cannot continue: checkpoint " + out.resolve("checkpoint") + " was saved by a different"
                + " job (optimizer.learningRate is 0.05 there and 0.1 here); run without --resume to start over"
                + System.lineSeparator(), cli.err());

        Files.writeString(job, job("finite", 2, "tanh", "sgd", "float64").replace("targets: [0.4]", "targets: [0.3]"));
        cli = Cli.run("run", job.toString(), "--out", out.toString(), "--resume", "--seed", "3");
        assertEquals(Main.BAD_INPUT, cli.status());
        assertTrue(cli.err().contains("was saved by a different job (the data differ)"), cli.err());

        // where it runs and how often it saves do not make it another job
        Files.writeString(job, job("finite", 2, "tanh", "sgd", "float64").replace("checkpointEvery: 2",
                "checkpointEvery: 3, backend: cpu, memoryLimitMiB: 512"));
        cli = Cli.run("run", job.toString(), "--out", out.toString(), "--resume", "--quiet");
        assertEquals(Main.OK, cli.status(), cli.err());
    }

    /** Runs the job into {@code out} and kills it right after update {@code step} of {@code replica}. */
    private static void killAfter(Path job, Path out, int replica, int step) {
        RunCommand.afterStep = dieAfter(replica, step);
        try {
            Cli cli = Cli.run("run", job.toString(), "--out", out.toString(), "--quiet");
            assertEquals(Main.FAILED, cli.status(), "the hook killed it: " + cli.err());
            assertTrue(cli.err().startsWith("internal error: java.lang.IllegalStateException: killed"), cli.err());
        } finally {
            RunCommand.afterStep = null;
        }
    }

    /** A step hook that "kills the process" (throws) after update {@code step} of {@code replica}. */
    static StepListener dieAfter(int replica, int step) {
        return (r, t, steps) -> {
            if (r == replica && t == step) {
                throw new IllegalStateException("killed after replica " + r + " step " + t);
            }
        };
    }

    private static JsonNode header(Path out) throws IOException {
        return new ObjectMapper().readTree(out.resolve("checkpoint").resolve("checkpoint.json").toFile());
    }
}
