package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.infinitewidth.data.FashionMnist;
import io.github.infinitewidth.job.Comparison;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every job file in {@code examples/} runs (shortened to 2 steps and small ensembles so the test stays quick);
 * those with Fashion-MNIST data only where Debian's dataset-fashion-mnist is installed.
 */
class ExamplesTest {
    @TempDir
    Path dir;

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("examples"))) {
            List<Path> jobs = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            return jobs.stream();
        }
    }

    @Test
    void thereAreExamples() throws IOException {
        assertTrue(examples().count() >= 3);
    }

    /**
     * A job, a sweep or a comparison run without {@code --out} writes into {@code runs/<file name>} (a comparison
     * into {@code runs/<file name>-compare}): no two example files may share that folder, or a sweep's table
     * lands beside a run's files.
     */
    @Test
    void everyExampleHasAnOutputFolderOfItsOwn() throws IOException {
        Map<Path, Path> owners = new HashMap<>();
        try (Stream<Path> files = Files.walk(Path.of("examples"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                boolean sweep = Files.readString(file).lines().anyMatch(line -> line.startsWith("grid:"));
                List<Path> outs = sweep ? List.of(RunCommand.defaultOut(file))
                        : List.of(RunCommand.defaultOut(file), Comparison.defaultOut(file));
                for (Path out : outs) {
                    Path owner = owners.putIfAbsent(out, file);
                    assertNull(owner, file + " and " + owner + " both write into " + out + " by default");
                }
            }
        }
        assertTrue(owners.size() >= 8, owners.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void exampleRuns(Path job) throws IOException {
        if (Files.readString(job).contains("fashionMnist:")) {
            assumeTrue(FashionMnist.installedIn(FashionMnist.PACKAGE_DIRECTORY), "dataset-fashion-mnist is not installed");
        }
        Path out = dir.resolve("out");
        Cli cli = Cli.run("run", job.toString(), "--out", out.toString(), "--steps", "2", "--particles", "256",
                "--replicas", "2", "--quiet");
        assertEquals(Main.OK, cli.status(), cli.err());
        assertEquals("", cli.out() + cli.err());
        assertTrue(Files.exists(out.resolve("summary.json")));
        assertFalse(Files.exists(out.resolve("summary.json.tmp")));
    }
}
