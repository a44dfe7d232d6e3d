package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test, literally: a real JVM running {@code run} with checkpoints is killed with
 * SIGKILL in the middle of a replica, then {@code run --resume} finishes it, and
 * {@code trajectory.csv} is byte for byte that of an uninterrupted run.
 */
class KilledProcessTest {
    @TempDir
    Path dir;

    @Test
    void aRunKilledWithSigkillResumesToTheSameTrajectory() throws Exception {
        Path job = Files.writeString(dir.resolve("job.yaml"),
                ResumeTest.job("mu-limit", 2, "tanh", "adam", "float64"));
        Path whole = dir.resolve("whole");
        assertEquals(Main.OK, Cli.run("run", job.toString(), "--out", whole.toString(), "--quiet").status());

        Path killed = dir.resolve("killed");
        Process child = start(1, 4, "run", job.toString(), "--out", killed.toString(), "--quiet");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertEquals(KillableRun.READY, line, "the child reached replica 1, step 4");
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child is gone");
        } finally {
            child.destroyForcibly();
        }
        assertTrue(child.exitValue() != 0, "killed, exit " + child.exitValue());
        assertFalse(Files.exists(killed.resolve("trajectory.csv")));
        assertTrue(Files.readString(killed.resolve("checkpoint/checkpoint.json")).contains("\"step\" : 4"));

        Cli resumed = Cli.run("run", job.toString(), "--out", killed.toString(), "--resume", "--quiet");
        assertEquals(Main.OK, resumed.status(), resumed.err());
        assertArrayEquals(Files.readAllBytes(whole.resolve("trajectory.csv")),
                Files.readAllBytes(killed.resolve("trajectory.csv")));
        assertArrayEquals(Files.readAllBytes(whole.resolve("features.csv")),
                Files.readAllBytes(killed.resolve("features.csv")));
    }

    /** {@link KillableRun} in a new JVM with this test's class path; stderr is discarded. */
    private Process start(int replica, int step, String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, KillableRun.class.getName(), Integer.toString(replica), Integer.toString(step)));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
