package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
 * JOB-SPEC.md bad input for {@code network.outputs}, {@code loss: cross-entropy} and vector targets: exit
 * status 2, one line naming the field, nothing written. Each case changes one thing in a valid 3-class
 * job, or in a valid mse job with two targets per input from a CSV file.
 */
class OutputsBadInputTest {
    @TempDir
    Path dir;

    private static final String THREE_CLASSES = """
            engine: finite
            parametrization: mup
            network: {hiddenLayers: 1, width: 8, outputs: 3}
            optimizer: {learningRate: 0.1}
            loss: cross-entropy
            data:
              train: {inputs: [[1, 0], [0, 1], [-1, 0]], targets: [0, 1, 2]}
              test: {inputs: [[1, 1]], targets: [2]}
            training: {steps: 2}
            simulation: {replicas: 2}
            """;

    private static final String TWO_TARGETS = """
            engine: finite
            parametrization: mup
            network: {hiddenLayers: 1, width: 8, outputs: 2}
            optimizer: {learningRate: 0.1}
            data:
              train: {csv: train.csv, targetColumns: [y1, y2]}
              test: {inputs: [[0.5, 0.5]], targets: [[1, 0]]}
            training: {steps: 2}
            simulation: {replicas: 2}
            """;

    private static final String FASHION = """
            engine: finite
            parametrization: mup
            network: {hiddenLayers: 1, width: 8, outputs: 10}
            optimizer: {learningRate: 0.1}
            loss: cross-entropy
            data:
              fashionMnist: {classes: all, trainSize: 20, testSize: 10, directory: data}
            training: {steps: 2}
            simulation: {replicas: 2}
            """;

    private Cli run(String job) throws IOException {
        Files.writeString(dir.resolve("train.csv"), "a,b,y1,y2\n1,0,1,0\n0,1,0,1\n-1,0,0.5,0.5\n");
        TinyFashionMnist.write(dir.resolve("data"), true);
        Path file = Files.writeString(dir.resolve("job.yaml"), job);
        return Cli.run("run", file.toString(), "--out", dir.resolve("out").toString(), "--quiet");
    }

    @Test
    void theValidJobsRun() throws IOException {
        for (String job : new String[] {THREE_CLASSES, TWO_TARGETS, FASHION}) {
            Cli cli = run(job);
            assertEquals(Main.OK, cli.status(), cli.err());
        }
    }

    @Test
    void anMseJobWithVectorTargetsAndNoTestDataRuns() throws IOException {
        Cli cli = run(TWO_TARGETS.replace("  test: {inputs: [[0.5, 0.5]], targets: [[1, 0]]}\n", ""));
        assertEquals(Main.OK, cli.status(), cli.err());
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(THREE_CLASSES, "targets: [0, 1, 2]", "targets: [0, 3, 2]", "data.train.targets[1] must be"
                        + " a class label 0..2 for loss cross-entropy with network.outputs 3, got 3"),
                Arguments.of(THREE_CLASSES, "targets: [2]", "targets: [-1]", "data.test.targets[0] must be"
                        + " a class label 0..2 for loss cross-entropy with network.outputs 3, got -1"),
                Arguments.of(THREE_CLASSES, "targets: [0, 1, 2]", "targets: [0, 1.5, 2]", "data.train.targets[1] must be"
                        + " a class label 0..2 for loss cross-entropy with network.outputs 3, got 1.5"),
                Arguments.of(THREE_CLASSES.replace("targets: [2]", "targets: [[0, 0, 1]]"), "targets: [0, 1, 2]",
                        "targets: [[1, 0, 0], [0, 1, 0], [0, 0, 1]]",
                        "data.train.targets must hold one class label per input for loss cross-entropy, got 3 numbers"
                                + " per input"),
                Arguments.of(THREE_CLASSES, "outputs: 3", "outputs: 1", "network.outputs must be >= 2 for loss"
                        + " cross-entropy (one output per class), got 1; use loss logistic for two classes with one"
                        + " output"),
                Arguments.of(THREE_CLASSES, "outputs: 3", "outputs: 0", "network.outputs must be > 0, got 0"),
                Arguments.of(THREE_CLASSES.replace("[0, 1, 2]", "[1, -1, 1]").replace("[2]", "[-1]"),
                        "loss: cross-entropy", "loss: logistic", "network.outputs must be 1 for loss logistic (labels"
                                + " +1/-1), got 3; use loss cross-entropy for 3 classes"),
                Arguments.of(TWO_TARGETS, "targets: [[1, 0]]", "targets: [[1, 0, 0]]", "data.test.targets have 3"
                        + " number(s) per input but data.train.targets have 2"),
                Arguments.of(TWO_TARGETS, "outputs: 2", "outputs: 3", "data.train.targets has 2 number(s) per input"
                        + " but network.outputs is 3: give one target per output"),
                Arguments.of(TWO_TARGETS, "targets: [[1, 0]]", "targets: [1]", "data.test.targets have 1 number(s) per"
                        + " input but data.train.targets have 2"),
                Arguments.of(TWO_TARGETS, "{csv: train.csv, targetColumns: [y1, y2]}",
                        "{inputs: [[1, 0], [0, 1]], targets: [[1, 0], 1]}", "data.train.targets[1] must be a list of"
                                + " numbers, got 1"),
                Arguments.of(TWO_TARGETS, "{csv: train.csv, targetColumns: [y1, y2]}",
                        "{inputs: [[1, 0], [0, 1]], targets: [1, [1, 0]]}", "data.train.targets[1] must be a finite"
                                + " number, got a list"),
                Arguments.of(TWO_TARGETS, "{csv: train.csv, targetColumns: [y1, y2]}",
                        "{inputs: [[1, 0], [0, 1]], targets: [[1, 0], [1]]}", "data.train.targets[1] has 1 numbers,"
                                + " expected 2 like data.train.targets[0]"),
                Arguments.of(TWO_TARGETS, "targetColumns: [y1, y2]", "targetColumns: [y1, y3]",
                        "data.train.targetColumns \"y3\" is not a column of {dir}/train.csv (columns: a, b, y1, y2)"),
                Arguments.of(TWO_TARGETS, "targetColumns: [y1, y2]", "targetColumns: [y1, y1]",
                        "data.train.targetColumns names column \"y1\" twice"),
                Arguments.of(TWO_TARGETS, "targetColumns: [y1, y2]", "targetColumns: [a, b, y1, y2]",
                        "data.train.targetColumns leaves no input column in {dir}/train.csv"),
                Arguments.of(TWO_TARGETS, "targetColumns: [y1, y2]", "targetColumns: []",
                        "data.train.targetColumns must be a non-empty list of column names, got a list"),
                Arguments.of(TWO_TARGETS, "targetColumns: [y1, y2]", "targetColumns: [y1, y2], targetColumn: y2",
                        "data.train.targetColumns cannot be combined with targetColumn: name one target column or a"
                                + " list of them"),
                Arguments.of(TWO_TARGETS, "{inputs: [[0.5, 0.5]], targets: [[1, 0]]}",
                        "{inputs: [[0.5, 0.5]], targets: [[1, 0]], targetColumns: [y1]}",
                        "data.test.targetColumns applies to csv data only"),
                Arguments.of(FASHION, "outputs: 10", "outputs: 3", "data.train.targets[0] must be a class label 0..2"
                        + " for loss cross-entropy with network.outputs 3, got 3"),
                Arguments.of(FASHION, "loss: cross-entropy", "loss: logistic", "data.fashionMnist.targets is required"
                        + " for 10 classes with loss logistic, which separates two groups: +1 or -1 per class (one class"
                        + " against the rest, say), or use loss cross-entropy with network.outputs 10 to tell them all"
                        + " apart"),
                Arguments.of(FASHION, "loss: cross-entropy", "loss: mse", "data.fashionMnist.targets is required for 10"
                        + " classes (one number per class; only two classes default to +1 and -1, and loss"
                        + " cross-entropy to the labels 0..9)"),
                Arguments.of(FASHION, "classes: all", "classes: most", "data.fashionMnist.classes must be all or a list"
                        + " of class names or labels 0..9, got the string \"most\""));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("cases")
    void isRefusedWithOneLineNamingTheFieldAndNothingWritten(String job, String from, String to, String message)
            throws IOException {
        String changed = job.replace(from, to);
        org.junit.jupiter.api.Assertions.assertNotEquals(job, changed, "the case changes the job");
        Cli cli = run(changed);

        assertEquals(Main.BAD_INPUT, cli.status(), cli.err());
        assertEquals(message.replace("{dir}", dir.toString()) + System.lineSeparator(), cli.err());
        assertEquals("", cli.out());
        assertFalse(Files.exists(dir.resolve("out")), "--out was created");
    }
}
