package io.github.infinitewidth.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One run of the command-line tool with its output captured, so that tests print nothing. */
record Cli(int status, String out, String err) {

    /**
     * Progress as in a log file, with a clock that never moves: however slow the machine, no progress
     * line appears, so tests can expect stderr to hold exactly the lines they name.
     */
    static final ProgressSettings STOPPED_CLOCK = new ProgressSettings(false, () -> 0L);

    static Cli run(String... args) {
        return run(STOPPED_CLOCK, args);
    }

    static Cli run(ProgressSettings progress, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.execute(o, e, progress, args);
        }
        return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The valid job the bad-input cases break one field at a time: a width-8 finite network, 2 steps. */
    static final String VALID_JOB = """
            engine: finite
            parametrization: mup
            network:
              hiddenLayers: 1
              activation: tanh
              width: 8
              initStd: {input: 1.0, hidden: 1.0, output: 1.0}
            optimizer:
              type: sgd
              learningRate: 0.1
              epsilon: 1.0e-8
              layerMultipliers: {input: 1.0, hidden: 1.0, output: 1.0}
            loss: mse
            data:
              train:
                inputs: [[0.5, 1.0], [-0.5, 0.25]]
                targets: [1.0, -1.0]
              test:
                inputs: [[0.1, 0.2]]
                targets: [0.0]
            training:
              steps: 2
              shuffle: true
            simulation:
              particles: 16
              replicas: 2
              backend: cpu
              precision: float64
            """;
}
