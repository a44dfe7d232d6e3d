package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The test, literally: a real JVM running {@code run} with checkpoints is killed with
 * SIGKILL in the middle of a replica, then {@code run --resume} finishes it, and
 * {@code trajectory.csv} is byte for byte that of an uninterrupted run. And a run that saves no
 * checkpoint of its own, stopped by SIGTERM or SIGINT: it finishes its step, saves, exits with
 * 128 + the signal's number and one line saying how to continue, and resumes to the same files.
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

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"TERM, 143", "INT, 130"})
    void aRunStoppedBySigtermOrSigintSavesAndResumesToTheSameFiles(String signal, int status) throws Exception {
        assumeFalse(ignoredHere(signal), "SIG" + signal + " is ignored in this process (a shell starts background"
                + " jobs so), and the child inherits that: the JVM cannot handle it");
        String text = ResumeTest.job("mu-limit", 2, "tanh", "adam", "float64")
                .replace("checkpointEvery: 2", "checkpointEvery: 0, checkpointMinutes: 0");
        Path job = Files.writeString(dir.resolve("job.yaml"), text);
        Path whole = dir.resolve("whole");
        assertEquals(Main.OK, Cli.run("run", job.toString(), "--out", whole.toString(), "--quiet").status());

        // the child waits after update 3 of replica 1 (0-based step 2) until the signal has been handled
        Path stopped = dir.resolve("stopped");
        Path go = dir.resolve("go");
        Process child = start(go, 1, 2, "run", job.toString(), "--out", stopped.toString(), "--quiet");
        List<String> err = new ArrayList<>();
        try (BufferedReader out = reader(child.getInputStream()); BufferedReader errors = reader(child.getErrorStream())) {
            assertEquals(KillableRun.READY, out.readLine(), "the child reached replica 1, step 2");
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor());
            String line = lineWithin(errors, 120);
            assertEquals("received SIG" + signal + ": stopping after this step to save a checkpoint (SIG" + signal
                    + " again stops at once)", line);
            Files.createFile(go);
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child stopped");
            for (String l; (l = errors.readLine()) != null; ) {
                err.add(l);
            }
        } finally {
            child.destroyForcibly();
        }
        assertEquals(status, child.exitValue(), String.join("\n", err));
        assertEquals(List.of("stopped by SIG" + signal + " with a checkpoint at replica 2 of 2, step 4 of 7 in "
                + stopped.resolve("checkpoint") + "; run the same command with --resume to continue"), err);
        assertFalse(Files.exists(stopped.resolve("trajectory.csv")));

        Cli resumed = Cli.run("run", job.toString(), "--out", stopped.toString(), "--resume");
        assertEquals(Main.OK, resumed.status(), resumed.err());
        assertEquals("resuming from the checkpoint at replica 2 of 2, step 4 of 7", resumed.out().lines().toList().get(1));
        for (String file : List.of("trajectory.csv", "loss.csv", "features.csv")) {
            assertArrayEquals(Files.readAllBytes(whole.resolve(file)), Files.readAllBytes(stopped.resolve(file)), file);
        }
    }

    @Test
    void aSweepStoppedBySigtermSavesItsRunningTaskAndContinuesToTheSameTable() throws Exception {
        Files.writeString(dir.resolve("base.yaml"), ResumeTest.job("finite", 2, "tanh", "adam", "float64")
                .replace("checkpointEvery: 2", "checkpointEvery: 0, checkpointMinutes: 0"));
        Path sweep = Files.writeString(dir.resolve("sweep.yaml"), """
                base: base.yaml
                grid:
                  optimizer.learningRate: [0.05, 0.02]
                """);
        Path whole = dir.resolve("whole");
        assertEquals(Main.OK, Cli.run("sweep", sweep.toString(), "--out", whole.toString(), "--quiet").status());

        Path stopped = dir.resolve("stopped");
        Path go = dir.resolve("go");
        Process child = start(go, 1, 2, "sweep", sweep.toString(), "--out", stopped.toString(), "--quiet");
        List<String> err = new ArrayList<>();
        try (BufferedReader out = reader(child.getInputStream()); BufferedReader errors = reader(child.getErrorStream())) {
            assertEquals(KillableRun.READY, out.readLine(), "the first task reached replica 1, step 2");
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start().waitFor());
            assertTrue(lineWithin(errors, 120).startsWith("received SIGTERM: "));
            Files.createFile(go);
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child stopped");
            for (String l; (l = errors.readLine()) != null; ) {
                err.add(l);
            }
        } finally {
            child.destroyForcibly();
        }
        assertEquals(143, child.exitValue(), String.join("\n", err));
        assertEquals(List.of("stopped by SIGTERM: running tasks saved checkpoints; run the same command again to"
                + " continue"), err);
        Path task = stopped.resolve("tasks").resolve("0000_learningRate=0.05");
        assertTrue(Files.readString(task.resolve("checkpoint/checkpoint.json")).contains("\"step\" : 4"));
        assertFalse(Files.exists(task.resolve("summary.json")));

        Cli again = Cli.run("sweep", sweep.toString(), "--out", stopped.toString(), "--quiet");
        assertEquals(Main.OK, again.status(), again.err());
        assertArrayEquals(Files.readAllBytes(whole.resolve("sweep.csv")), Files.readAllBytes(stopped.resolve("sweep.csv")));
        assertArrayEquals(Files.readAllBytes(whole.resolve("tasks/0000_learningRate=0.05/trajectory.csv")),
                Files.readAllBytes(task.resolve("trajectory.csv")));
    }

    /** The next line, or a failure after {@code seconds} (a signal not handled must not hang the build). */
    private static String lineWithin(BufferedReader in, int seconds) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return in.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return line.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail("no line from the child within " + seconds + " s");
        }
    }

    /**
     * Whether this process ignores the signal (Linux: the {@code SigIgn} mask of /proc/self/status); a
     * child inherits the disposition, and a JVM started with a signal ignored leaves it ignored.
     */
    private static boolean ignoredHere(String signal) throws IOException {
        int number = signal.equals("INT") ? 2 : 15;
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String l : Files.readAllLines(status)) {
            if (l.startsWith("SigIgn:")) {
                return new java.math.BigInteger(l.substring(7).strip(), 16).testBit(number - 1);
            }
        }
        return false;
    }

    private static BufferedReader reader(java.io.InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** {@link KillableRun} in a new JVM with this test's class path; stderr is discarded. */
    private Process start(int replica, int step, String... args) throws IOException {
        return new ProcessBuilder(command(null, replica, step, args)).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** {@link KillableRun} that goes on once {@code go} exists; stderr is read by the caller. */
    private Process start(Path go, int replica, int step, String... args) throws IOException {
        return new ProcessBuilder(command(go, replica, step, args)).start();
    }

    private static List<String> command(Path go, int replica, int step, String... args) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath));
        if (go != null) {
            command.add("-D" + KillableRun.CONTINUE_WHEN + "=" + go);
        }
        command.addAll(List.of(KillableRun.class.getName(), Integer.toString(replica), Integer.toString(step)));
        command.addAll(List.of(args));
        return command;
    }
}
