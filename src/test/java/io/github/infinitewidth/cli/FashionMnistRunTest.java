package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.data.TinyFashionMnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A finished run on Fashion-MNIST data is recognized as this job's by {@code --resume} and by a sweep. */
class FashionMnistRunTest {
    @TempDir
    Path dir;

    private static final String JOB = """
            engine: nt-limit
            network: {hiddenLayers: 1, activation: relu}
            optimizer: {learningRate: 0.1}
            data:
              fashionMnist: {classes: [coat, bag], trainSize: 4, testSize: 2, directory: data, seed: 3}
            training: {steps: 3}
            simulation: {particles: 64, replicas: 2}
            """;

    @Test
    void resumingAFinishedRunDoesNothing() throws IOException {
        TinyFashionMnist.write(dir.resolve("data"), true);
        Path job = Files.writeString(dir.resolve("job.yaml"), JOB);
        Path out = dir.resolve("out");
        Cli first = Cli.run("run", job.toString(), "--out", out.toString(), "--quiet");
        assertEquals(Main.OK, first.status(), first.err());

        Cli again = Cli.run("run", job.toString(), "--out", out.toString(), "--resume");

        assertEquals(Main.OK, again.status(), again.err());
        assertEquals("nothing to resume: " + out + " holds this job's finished run" + System.lineSeparator(), again.out());
    }

    @Test
    void aSweepSkipsItsFinishedTasks() throws IOException {
        TinyFashionMnist.write(dir.resolve("data"), true);
        Files.writeString(dir.resolve("job.yaml"), JOB);
        Path sweep = Files.writeString(dir.resolve("sweep.yaml"), "base: job.yaml\ngrid:\n  training.steps: [2, 3]\n");
        Path out = dir.resolve("sweep");
        Cli first = Cli.run("sweep", sweep.toString(), "--out", out.toString(), "--quiet");
        assertEquals(Main.OK, first.status(), first.err());

        Cli again = Cli.run("sweep", sweep.toString(), "--out", out.toString());

        assertEquals(Main.OK, again.status(), again.err());
        assertTrue(again.out().contains("2 finished already, 0 to run"), again.out());
    }
}
