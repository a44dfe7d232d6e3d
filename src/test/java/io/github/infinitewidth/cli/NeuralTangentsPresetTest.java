package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.api.Datasets;
import io.github.infinitewidth.api.Optimizers;
import io.github.infinitewidth.api.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code optimizer.layerMultipliers: neural-tangents} (docs/for-neural-tangents-users.md): the NTK of
 * kernels.csv is the one neural-tangents' stax computes for {@code Dense(W_std=su), Relu(),
 * Dense(W_std=sw), ..., Dense(1, W_std=sv)} with {@code parameterization='ntk'}, here recomputed by
 * stax's own recursion (independent of the engine's, which sums layer terms with multipliers).
 */
class NeuralTangentsPresetTest {
    private static final double[][] INPUTS = {{1.0, 0.4}, {-0.6, 0.9}, {0.3, -1.2}, {0.6, 0.6}};

    @TempDir
    Path dir;

    @Test
    void theExampleJobHasTheNtkAndNngpOfStax() throws IOException {
        Path out = dir.resolve("out");
        Cli cli = Cli.run("run", "examples/neural-tangents-relu.yaml", "--out", out.toString(), "--quiet");
        assertEquals(Main.OK, cli.status(), cli.err());

        assertKernelsOfStax(out.resolve("kernels.csv"), 2, 1.5, 1.2, 0.8);
    }

    @Test
    void theApiPresetGivesTheSameKernelsAtAnotherDepth() throws IOException {
        double[][] train = {INPUTS[0], INPUTS[1], INPUTS[2]};
        Simulation simulation = Simulation.ntLimit().hiddenLayers(3).activation("relu").initStd(0.7, 1.4, 2.0)
                .optimizer(Optimizers.sgd(0.1).layerMultipliers("neural-tangents"))
                .data(Datasets.inline(train, new double[] {0.8, -0.6, 0.5})
                        .test(new double[][] {INPUTS[3]}, new double[] {0.4}))
                .kernels("closed-form").steps(2).particles(256).replicas(1).seed(3);
        simulation.run().save(dir.resolve("api"));

        assertKernelsOfStax(dir.resolve("api").resolve("kernels.csv"), 3, 0.7, 1.4, 2.0);
    }

    /**
     * With biases (LIMITS.md 8.2) the preset adds {@code mb = sb^2}, and the kernels are those of stax's
     * {@code Dense(W_std, b_std=sb)} hidden layers and a readout without bias.
     */
    @Test
    void theApiPresetWithBiasesGivesTheKernelsOfStaxWithBStd() throws IOException {
        double[][] train = {INPUTS[0], INPUTS[1], INPUTS[2]};
        Simulation simulation = Simulation.ntLimit().hiddenLayers(2).activation("relu").initStd(0.9, 1.3, 1.1)
                .bias(0.6)
                .optimizer(Optimizers.sgd(0.1).layerMultipliers("neural-tangents"))
                .data(Datasets.inline(train, new double[] {0.8, -0.6, 0.5})
                        .test(new double[][] {INPUTS[3]}, new double[] {0.4}))
                .kernels("closed-form").steps(2).particles(256).replicas(1).seed(3);
        simulation.run().save(dir.resolve("api"));

        assertKernelsOfStax(dir.resolve("api").resolve("kernels.csv"), 2, 0.9, 1.3, 1.1, 0.6);
    }

    @Test
    void anUnknownPresetIsRefusedWithOneLine() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), Files.readString(Path.of("examples/neural-tangents-relu.yaml"))
                .replace("layerMultipliers: neural-tangents", "layerMultipliers: neural-tangent"));
        Path out = dir.resolve("out");
        Cli cli = Cli.run("run", job.toString(), "--out", out.toString(), "--quiet");

        assertEquals(Main.BAD_INPUT, cli.status());
        assertEquals(List.of("optimizer.layerMultipliers must be {input, hidden, output} or neural-tangents,"
                + " got \"neural-tangent\""), cli.err().lines().toList());
        assertFalse(Files.exists(out));
    }

    @Test
    void thePresetIsRefusedForMup() throws IOException {
        Path job = Files.writeString(dir.resolve("job.yaml"), Files.readString(Path.of("examples/neural-tangents-relu.yaml"))
                .replace("engine: nt-limit", "engine: mu-limit").replace("kernels: closed-form", "particles: 256"));
        Cli cli = Cli.run("run", job.toString(), "--out", dir.resolve("out").toString(), "--quiet");

        assertEquals(Main.BAD_INPUT, cli.status());
        assertEquals(1, cli.err().lines().count(), cli.err());
        assertTrue(cli.err().contains("optimizer.layerMultipliers neural-tangents applies to ntp"), cli.err());
    }

    @Test
    void aSweepCannotVaryOneMultiplierOfThePreset() throws IOException {
        Files.copy(Path.of("examples/neural-tangents-relu.yaml"), dir.resolve("base.yaml"));
        Path sweep = Files.writeString(dir.resolve("sweep.yaml"),
                "base: base.yaml\ngrid:\n  optimizer.layerMultipliers.input: [0.5, 1.0]\n");
        Path out = dir.resolve("out");
        Cli cli = Cli.run("sweep", sweep.toString(), "--out", out.toString(), "--quiet");

        assertEquals(Main.BAD_INPUT, cli.status());
        assertEquals(List.of("optimizer.layerMultipliers.input cannot be varied: the base job sets"
                + " optimizer.layerMultipliers to \"neural-tangents\" (give it as a mapping of numbers instead)"),
                cli.err().lines().toList());
        assertFalse(Files.exists(out));
    }

    /** kernels.csv against {@link #stax}: every entry of both kernels, train and test inputs. */
    private static void assertKernelsOfStax(Path kernels, int hiddenLayers, double su, double sw, double sv)
            throws IOException {
        assertKernelsOfStax(kernels, hiddenLayers, su, sw, sv, 0.0);
    }

    /** As above for hidden layers with biases of std sb ({@code b_std}; 0: none). */
    private static void assertKernelsOfStax(Path kernels, int hiddenLayers, double su, double sw, double sv, double sb)
            throws IOException {
        List<String> rows = Files.readAllLines(kernels);
        assertEquals(1 + 2 * INPUTS.length * INPUTS.length, rows.size());
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            double[] expected = stax(INPUTS[Integer.parseInt(cells[1])], INPUTS[Integer.parseInt(cells[2])],
                    hiddenLayers, su, sw, sv, sb);
            double value = Double.parseDouble(cells[3]);
            double want = cells[0].equals("nngp") ? expected[0] : expected[1];
            assertEquals(want, value, 1e-12 * Math.abs(want), row);
        }
    }

    /**
     * {nngp, ntk} of a pair of inputs as stax computes them for a ReLU network with standardized weights:
     * Sigma_1 = su^2 x.x'/d, Theta_1 = Sigma_1; through each Relu the arc-cosine kernels
     * E[relu relu] = sqrt(s s')/(2 pi) (sin t + (pi - t) cos t) and E[step step] = (pi - t)/(2 pi);
     * each following Dense(W_std = s): Sigma = s^2 E[relu relu], Theta = Sigma + s^2 E[step step] Theta.
     * With {@code b_std = sb} on the hidden layers (not the readout) every hidden Sigma gains sb^2, and
     * so does Theta through it.
     */
    static double[] stax(double[] x, double[] y, int hiddenLayers, double su, double sw, double sv, double sb) {
        double d = x.length;
        double b2 = sb * sb;
        double sxy = su * su * dot(x, y) / d + b2;
        double sxx = su * su * dot(x, x) / d + b2;
        double syy = su * su * dot(y, y) / d + b2;
        double theta = sxy;
        for (int l = 1; l <= hiddenLayers; l++) {
            double s = l < hiddenLayers ? sw : sv;
            double b = l < hiddenLayers ? b2 : 0.0;
            // an input with itself: angle 0 exactly (acos of a rounded 1 would be off by 1e-8)
            double t = x == y ? 0 : Math.acos(Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy))));
            double relu = Math.sqrt(sxx * syy) / (2 * Math.PI) * (Math.sin(t) + (Math.PI - t) * Math.cos(t));
            double step = (Math.PI - t) / (2 * Math.PI);
            sxy = s * s * relu + b;
            sxx = s * s * sxx / 2 + b;   // E[relu(a)^2] = Var(a) / 2
            syy = s * s * syy / 2 + b;
            theta = sxy + s * s * step * theta;
        }
        return new double[] {sxy, theta};
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += a[k] * b[k];
        }
        return sum;
    }
}
