package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.data.TinyFashionMnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JOB-SPEC.md bad input for {@code data.fashionMnist}: exit status 2, one line naming the field, nothing
 * written. The data are {@link TinyFashionMnist}'s files in {@code data/} beside the job file (4
 * training and 2 test images per class), so no package is needed. In messages {@code {dir}} stands for
 * the test's temporary folder.
 */
class FashionMnistBadInputTest {
    @TempDir
    Path dir;

    private static final String VALID = """
            engine: finite
            parametrization: mup
            network: {hiddenLayers: 1, width: 8}
            optimizer: {learningRate: 0.1}
            data:
              fashionMnist:
                classes: [trouser, 8]
                trainSize: 6
                testSize: 2
                directory: data
            training: {steps: 2}
            simulation: {replicas: 2}
            """;

    private Cli run(String job) throws IOException {
        TinyFashionMnist.write(dir.resolve("data"), true);
        Path file = Files.writeString(dir.resolve("job.yaml"), job);
        return Cli.run("run", file.toString(), "--out", dir.resolve("out").toString(), "--quiet");
    }

    @Test
    void theValidJobRuns() throws IOException {
        Cli cli = run(VALID);
        assertEquals(Main.OK, cli.status(), cli.err());
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("directory: data", "directory: nowhere", "data.fashionMnist.directory has no"
                        + " {dir}/nowhere/train-labels-idx1-ubyte.gz (nor train-labels-idx1-ubyte): install Debian's"
                        + " package dataset-fashion-mnist, or set data.fashionMnist.directory to a folder with the four"
                        + " Fashion-MNIST IDX files"),
                Arguments.of("[trouser, 8]", "[trouser, boots]", "data.fashionMnist.classes[1] must be one of t-shirt (0),"
                        + " trouser (1), pullover (2), dress (3), coat (4), sandal (5), shirt (6), sneaker (7), bag (8),"
                        + " ankle-boot (9), got \"boots\""),
                Arguments.of("[trouser, 8]", "[trouser, 10]", "data.fashionMnist.classes[1] must be one of t-shirt (0),"
                        + " trouser (1), pullover (2), dress (3), coat (4), sandal (5), shirt (6), sneaker (7), bag (8),"
                        + " ankle-boot (9), got 10"),
                Arguments.of("[trouser, 8]", "[trouser]", "data.fashionMnist.classes must list at least two classes, got 1"),
                Arguments.of("[trouser, 8]", "[trouser, 1]", "data.fashionMnist.classes lists a class twice: trouser,"
                        + " trouser"),
                Arguments.of("[trouser, 8]", "[trouser, 8, coat]", "data.fashionMnist.targets is required for 3 classes"
                        + " (one number per class; only two classes default to +1 and -1, and loss cross-entropy to the labels 0..2)"),
                Arguments.of("classes: [trouser, 8]", "classes: [trouser, 8]\n    targets: [1]",
                        "data.fashionMnist.targets has 1 entries for 2 classes: give one target per class"),
                Arguments.of("trainSize: 6", "trainSize: 9", "data.fashionMnist.trainSize of 9 is more than the 8"
                        + " training images of classes trouser, bag"),
                Arguments.of("testSize: 2", "testSize: 5", "data.fashionMnist.testSize of 5 is more than the 4"
                        + " test images of classes trouser, bag"),
                Arguments.of("trainSize: 6", "trainSize: 0", "data.fashionMnist.trainSize must be > 0, got 0"),
                Arguments.of("directory: data", "directory: data\n    standardize: minmax", "data.fashionMnist.standardize"
                        + " must be one of none, global, per-pixel, got \"minmax\""),
                Arguments.of("directory: data", "directory: data\n    size: 3", "data.fashionMnist.size is not a known"
                        + " field of data.fashionMnist (allowed: classes, targets, trainSize, testSize, seed, standardize,"
                        + " directory)"),
                Arguments.of("  fashionMnist:", "  train: {inputs: [[1]], targets: [1]}\n  fashionMnist:",
                        "data.fashionMnist cannot be combined with data.train or data.test: it makes both splits"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("cases")
    void isRefusedWithOneLineNamingTheFieldAndNothingWritten(String from, String to, String message) throws IOException {
        Cli cli = run(VALID.replace(from, to));

        assertEquals(Main.BAD_INPUT, cli.status(), cli.err());
        assertEquals(message.replace("{dir}", dir.toString()) + System.lineSeparator(), cli.err());
        assertEquals("", cli.out());
        assertFalse(Files.exists(dir.resolve("out")), "--out was created");
    }

    @Test
    void aSweepWhoseDataWentMissingKeepsItsFinishedTasks() throws IOException {
        run(VALID);
        Files.writeString(dir.resolve("sweep.yaml"), "base: job.yaml\ngrid:\n  network.width: [4, 8]\n");
        Path out = dir.resolve("sweep");
        Cli first = Cli.run("sweep", dir.resolve("sweep.yaml").toString(), "--out", out.toString(), "--quiet");
        assertEquals(Main.OK, first.status(), first.err());
        String table = Files.readString(out.resolve("sweep.csv"));
        for (String name : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"}) {
            Files.delete(dir.resolve("data").resolve(name));
        }

        Cli again = Cli.run("sweep", dir.resolve("sweep.yaml").toString(), "--out", out.toString(), "--quiet");

        assertEquals(Main.BAD_INPUT, again.status(), again.err());
        assertEquals(1, again.err().lines().count(), again.err());
        assertTrue(again.err().contains("data.fashionMnist.directory has no"), again.err());
        assertEquals(table, Files.readString(out.resolve("sweep.csv")));
        assertTrue(Files.exists(out.resolve("tasks/0000_width=4/summary.json")));
        assertTrue(Files.exists(out.resolve("tasks/0001_width=8/summary.json")));
    }

    @Test
    void aTruncatedFileIsNamed() throws IOException {
        Path labels = dir.resolve("data").resolve("t10k-labels-idx1-ubyte.gz");
        TinyFashionMnist.write(dir.resolve("data"), true);
        Files.write(labels, java.util.Arrays.copyOf(Files.readAllBytes(labels), 12));
        Path file = Files.writeString(dir.resolve("job.yaml"), VALID);

        Cli cli = Cli.run("run", file.toString(), "--out", dir.resolve("out").toString(), "--quiet");

        assertEquals(Main.BAD_INPUT, cli.status(), cli.err());
        assertEquals("data.fashionMnist.directory holds " + labels + ", which cannot be read: truncated: it ends before"
                + " the values its header announces" + System.lineSeparator(), cli.err());
    }
}
