package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile cases of JOB-SPEC.md, "Sizes, hostile input and output folders": sizes refused
 * through the plan, YAML aliases, output folders in use or dangling, unreadable tables.
 */
class HostileInputTest {
    @TempDir
    Path dir;

    private Cli run(String job, String... more) throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, job);
        String[] args = new String[3 + more.length];
        args[0] = "run";
        args[1] = file.toString();
        args[2] = "--quiet";
        System.arraycopy(more, 0, args, 3, more.length);
        return Cli.run(args);
    }

    /** Bad input: status 2, the one line expected, nothing in --out. */
    private void refused(Cli cli, String line, Path out) {
        assertEquals(Main.BAD_INPUT, cli.status(), cli.err());
        assertEquals(line, cli.err().strip());
        assertFalse(Files.exists(out), out + " was created");
    }

    @Test
    void sizesThatCannotFitAreRefusedBeforeAllocation() throws IOException {
        Path out = dir.resolve("out");
        refused(run(Cli.VALID_JOB.replace("steps: 2", "steps: 2147483647"), "--out", out.toString()),
                "training.steps of 2147483647 makes a list of the outputs at every recorded step of every replica (a"
                        + " checkpoint saves one) of 4.29e+09 entries, more than one array holds (2147483639); record"
                        + " fewer steps with training.recordEvery", out);
        refused(run(Cli.VALID_JOB.replace("replicas: 2", "replicas: 2147483647"), "--out", out.toString()),
                "simulation.replicas of 2147483647 makes a list of the outputs of every replica at every recorded"
                        + " step (a checkpoint saves one) of 6.44e+09 entries, more than one array holds (2147483639)",
                out);
        Cli wide = run(Cli.VALID_JOB.replace("width: 8", "width: 2147483647"), "--out", out.toString());
        assertEquals(Main.BAD_INPUT, wide.status(), wide.err());
        assertTrue(wide.err().startsWith("network.width of 2147483647 needs "), wide.err());
        String inputs = IntStream.range(0, 46341).mapToObj(i -> "[" + i + "]").collect(Collectors.joining(", "));
        String targets = IntStream.range(0, 46341).mapToObj(i -> "0").collect(Collectors.joining(", "));
        refused(run(Cli.VALID_JOB.replace("engine: finite\nparametrization: mup", "engine: nt-limit")
                        .replace("inputs: [[0.5, 1.0], [-0.5, 0.25]]", "inputs: [" + inputs + "]")
                        .replace("targets: [1.0, -1.0]", "targets: [" + targets + "]")
                        .replace("  test:\n    inputs: [[0.1, 0.2]]\n    targets: [0.0]\n", ""),
                "--out", out.toString()),
                "data has 46341 inputs (train and test): the NNGP and NTK would have 2147488281 entries, more than one"
                        + " array holds (2147483639); use at most 46340 inputs", out);
    }

    @Test
    void anInfiniteCovarianceIsADivergenceNotALibraryError() throws IOException {
        Cli cli = run(Cli.VALID_JOB.replace("engine: finite\nparametrization: mup", "engine: nt-limit")
                .replace("  width: 8\n", "").replaceFirst("output: 1.0\\}", "output: 1.0e308}") + "  centerOutput: false\n", "--out",
                dir.resolve("out").toString());
        assertEquals(Main.DIVERGED, cli.status(), cli.err());
        assertTrue(cli.err().startsWith("run diverged at step 0 "), cli.err());
    }

    @Test
    void anchorsAndAliasesStandForTheirValues() throws IOException {
        Path out = dir.resolve("out");
        Cli cli = run(Cli.VALID_JOB.replace("learningRate: 0.1", "learningRate: &lr 0.1")
                .replace("layerMultipliers: {input: 1.0,", "layerMultipliers: {input: *lr,")
                .replace("network:\n", "network: &net\n"), "--out", out.toString());
        assertEquals(Main.OK, cli.status(), cli.err());
        JsonNode job = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).path("job");
        assertEquals(0.1, job.path("optimizer").path("layerMultipliers").path("input").doubleValue());
    }

    @Test
    void aliasesThatExpandBeyondTheBoundAreRefused() throws IOException {
        StringBuilder bomb = new StringBuilder(Cli.VALID_JOB).append("x0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n");
        for (int d = 1; d <= 9; d++) {
            bomb.append('x').append(d).append(": &a").append(d).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (d - 1)))).append("]\n");
        }
        Path out = dir.resolve("out");
        refused(run(bomb.toString(), "--out", out.toString()), "job file " + dir.resolve("job.yaml")
                + " expands to more than 2000000 values through its aliases (*name); write the values out or use"
                + " fewer aliases", out);
    }

    @Test
    void aLongValueIsRefusedWithoutParsingAndQuotedShort() throws IOException {
        Path out = dir.resolve("out");
        refused(run("engine: " + "x".repeat(4_000_000) + "\n", "--out", out.toString()), "job file "
                + dir.resolve("job.yaml") + " is longer than 3145728 characters (put large data into a csv file:"
                + " data.train.csv)", out);
        Cli cli = run(Cli.VALID_JOB.replace("engine: finite", "engine: " + "x".repeat(100_000)), "--out",
                out.toString());
        assertEquals(Main.BAD_INPUT, cli.status());
        assertTrue(cli.err().strip().length() < 2100, "an error line of " + cli.err().length() + " characters");
    }

    @Test
    void aSecondWriterIsRefusedAndALockOfAnEndedProcessTakenOver() throws IOException {
        Path out = dir.resolve("out");
        try (OutputLock held = OutputLock.acquire("--out", out, line -> { })) {
            Cli second = run(Cli.VALID_JOB, "--out", out.toString());
            assertEquals(Main.BAD_INPUT, second.status(), second.err());
            assertEquals("--out " + out + " is in use by process " + ProcessHandle.current().pid() + " (lock file "
                    + out.resolve(OutputLock.FILE) + "); wait for it to finish or give another --out",
                    second.err().strip());
        }
        assertFalse(Files.exists(out), "the lock's folder, created for it, stays only while held");
        Files.createDirectories(out);
        Files.writeString(out.resolve(OutputLock.FILE), "999999999\n");
        Path file = dir.resolve("job.yaml");
        Cli cli = Cli.run("run", file.toString(), "--out", out.toString());
        assertEquals(Main.OK, cli.status(), cli.err());
        assertTrue(cli.out().startsWith("took over " + out.resolve(OutputLock.FILE) + " from process 999999999,"),
                cli.out());
        assertFalse(Files.exists(out.resolve(OutputLock.FILE)));
    }

    @Test
    void aDanglingSymbolicLinkIsRefusedBeforeTheRun() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("nowhere"));
        Cli cli = run(Cli.VALID_JOB, "--out", link.toString());
        assertEquals(Main.BAD_INPUT, cli.status(), cli.err());
        assertEquals("--out " + link + " is a symbolic link to " + dir.resolve("nowhere") + ", which does not exist;"
                + " create it or give another --out", cli.err().strip());
        assertFalse(Files.exists(dir.resolve("nowhere")));
    }

    @Test
    void mergeOfATableThatIsNotUtf8IsBadInput() throws IOException {
        Path shard = Files.createDirectories(dir.resolve("shard"));
        Files.writeString(shard.resolve("sweep.json"), "{\"format\": \"infinitewidth-sweep\", \"tasks\": []}");
        Files.write(shard.resolve("sweep.csv"), new byte[] {'t', 'a', 's', 'k', '\n', (byte) 0xff, (byte) 0xfe, '\n'});
        Path out = dir.resolve("merged");
        Cli cli = Cli.run("merge", shard.toString(), "--out", out.toString());
        assertEquals(Main.BAD_INPUT, cli.status(), cli.err());
        assertTrue(cli.err().startsWith("merge " + shard.resolve("sweep.csv") + " is not UTF-8 text"), cli.err());
        assertEquals(1, cli.err().lines().count());
        assertFalse(Files.exists(out));
    }

    @Test
    void anInternalErrorIsOneLineWithTheTraceInAFile() throws IOException {
        java.io.StringWriter err = new java.io.StringWriter();
        int status = Main.internalError(new IllegalStateException("a bug"), new java.io.PrintWriter(err, true));
        assertEquals(Main.FAILED, status);
        String line = err.toString().strip();
        assertEquals(1, line.lines().count());
        String prefix = "internal error: java.lang.IllegalStateException: a bug; the details are in ";
        assertTrue(line.startsWith(prefix), line);
        Path trace = Path.of(line.substring(prefix.length(), line.indexOf(" (please attach")));
        assertTrue(Files.readString(trace).contains("at io.github.infinitewidth.cli.HostileInputTest"));
        Files.delete(trace);
    }
}
