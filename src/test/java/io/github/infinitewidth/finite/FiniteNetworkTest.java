package io.github.infinitewidth.finite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.MemoryCheckpoints;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.train.Loss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The finite networks of LIMITS.md section 2: gradients and coordinate sizes. */
class FiniteNetworkTest {

    /**
     * The normalized gradients of LIMITS.md 2.1/2.2 are the raw gradients of
     * {@code F = sum_j chi_j f_j} times a width factor: muP n for every tensor; NTP sqrt(n)
     * for u and v and n for w; SP 1 (raw). The biases of LIMITS.md section 8 have the input
     * weights' factor (muP n, NTP sqrt(n), SP 1). Checked against central finite differences of F,
     * with and without biases, and with k = 3 outputs ({@code F = sum_{j,c} chi_{j,c} f_{j,c}}, LIMITS.md
     * 2.4: the backward pass starts from {@code sum_c chi_{j,c} v_c}).
     */
    @ParameterizedTest
    @CsvSource({"MUP,false,1", "NTP,false,1", "SP,false,1", "MUP,true,1", "NTP,true,1", "SP,true,1", "MUP,true,3",
            "NTP,false,3", "SP,true,3"})
    void normalizedGradientsMatchFiniteDifferences(Parametrization p, boolean bias, int outputs) {
        int n = 24;
        int layers = 3;
        Experiment e = withOutputs(withBias(Experiments.regression(p, layers, Activation.TANH, n,
                UpdateFunction.of(UpdateFunction.Kind.SGD), 0.1, 1, 1), bias), outputs);
        double[] chi = outputs == 1 ? new double[] {0.3, -0.7, 0.2, 0.5, -0.1, 0, 0}
                : new double[] {0.3, -0.7, 0.2, 0.5, -0.1, 0.4, 0, 0, 0, 0.2, 0.6, -0.3, -0.8, 0.1, 0.05, 0, 0, 0,
                    0, 0, 0};
        Scaling s = Scaling.of(p, e.network().initStd(), n, 2, 0.1, e.optimizer().multipliers());
        try (Backend backend = Backends.cpu(Precision.FLOAT64, 2);
             FiniteNetwork net = new FiniteNetwork(e, s, backend, new RandomKey(3, 0))) {
            net.forward();
            double[][] g = net.normalizedGradients(chi);
            assertEquals(bias ? 2 * layers + 1 : layers + 1, g.length);
            for (int tensor = 0; tensor < g.length; tensor++) {
                double factor = widthFactor(p, tensor, layers, n);
                double largest = 0;
                for (double x : g[tensor]) {
                    largest = Math.max(largest, Math.abs(x));
                }
                for (int index = 0; index < g[tensor].length; index += 1 + g[tensor].length / 7) {
                    double h = 1e-5;
                    net.perturb(tensor, index, h);
                    double up = weighted(net.forward(), chi);
                    net.perturb(tensor, index, -2 * h);
                    double down = weighted(net.forward(), chi);
                    net.perturb(tensor, index, h);
                    double numeric = factor * (up - down) / (2 * h);
                    // central differences have O(h^2) truncation and O(eps/h) rounding error
                    assertEquals(numeric, g[tensor][index], 1e-6 * largest + 1e-9,
                            p + " tensor " + tensor + " entry " + index);
                }
            }
        }
    }

    /**
     * Decoupled weight decay (LIMITS.md 1.2) with a zero error signal: a step only scales each
     * tensor by {@code kappa = 1 - eta m lambda}, and a relu network is positively homogeneous in
     * each tensor, so its outputs scale by {@code kappa_u kappa_W^(L-1) kappa_v}, in every
     * parametrization.
     */
    @ParameterizedTest
    @EnumSource(Parametrization.class)
    void weightDecayScalesEveryTensor(Parametrization p) {
        int layers = 3;
        LayerMultipliers m = new LayerMultipliers(0.5, 1.0, 2.0);
        double eta = 0.1;
        double lambda = 0.3;
        Experiment base = Experiments.regression(p, layers, Activation.RELU, 32, UpdateFunction.of(UpdateFunction.Kind.ADAM),
                eta, 1, 1);
        Experiment e = new Experiment(base.network(), p, new OptimizerSpec(base.optimizer().update(), eta, m,
                Schedule.CONSTANT, lambda), base.loss(), base.data(), base.training(), base.simulation());
        Scaling s = Scaling.of(p, e.network().initStd(), 32, 2, eta, m);
        try (Backend backend = Backends.cpu(Precision.FLOAT64);
             FiniteNetwork net = new FiniteNetwork(e, s, backend, new RandomKey(5, 0))) {
            double[] before = net.forward();
            net.update(new double[before.length], 0);
            double[] after = net.forward();
            double expected = (1 - eta * 0.5 * lambda) * Math.pow(1 - eta * lambda, layers - 1) * (1 - eta * 2.0 * lambda);
            for (int j = 0; j < before.length; j++) {
                assertEquals(expected * before[j], after[j], 1e-12 * Math.abs(before[j]), p + " input " + j);
            }
        }
    }

    /**
     * A checkpoint of a network with biases (section 8) restores its biases and their Adam state: a
     * network drawn from another seed, restored from the checkpoint after two steps, takes the same
     * third step to the last bit.
     */
    @ParameterizedTest
    @EnumSource(Parametrization.class)
    void checkpointRestoresBiasesAndTheirState(Parametrization p) {
        Experiment e = withBias(Experiments.regression(p, 2, Activation.TANH, 16,
                UpdateFunction.of(UpdateFunction.Kind.ADAM), 0.05, 3, 1), true);
        Scaling s = Scaling.of(p, e.network().initStd(), 16, 2, 0.05, e.optimizer().multipliers());
        double[] targets = e.data().allTargets();
        int[] batch = {0, 1, 2, 3, 4};
        try (Backend backend = Backends.cpu(Precision.FLOAT64);
             FiniteNetwork net = new FiniteNetwork(e, s, backend, new RandomKey(5, 0));
             FiniteNetwork other = new FiniteNetwork(e, s, backend, new RandomKey(6, 0))) {
            MemoryCheckpoints.Saved saved = new MemoryCheckpoints.Saved(backend);
            for (int t = 0; t < 2; t++) {
                net.update(e.loss().errorSignal(net.forward(), targets, batch), t);
            }
            net.saveTo(saved.writer());
            assertTrue(saved.has("finite/b1") && saved.has("finite/state/b2/1"));
            other.restoreFrom(saved);
            net.update(e.loss().errorSignal(net.forward(), targets, batch), 2);
            other.update(e.loss().errorSignal(other.forward(), targets, batch), 2);
            assertArrayEquals(net.forward(), other.forward());
        }
    }

    /** The experiment with k outputs and the cross-entropy loss of labels 0..k-1 (the same experiment for k = 1). */
    private static Experiment withOutputs(Experiment e, int k) {
        if (k == 1) {
            return e;
        }
        double[][] inputs = e.data().allInputs();
        int train = e.data().train().size();
        double[] labels = new double[inputs.length];
        for (int j = 0; j < labels.length; j++) {
            labels[j] = j % k;
        }
        Data data = new Data(new Dataset(java.util.Arrays.copyOf(inputs, train), java.util.Arrays.copyOf(labels, train)),
                new Dataset(java.util.Arrays.copyOfRange(inputs, train, inputs.length),
                        java.util.Arrays.copyOfRange(labels, train, inputs.length)));
        return new Experiment(e.network().withOutputs(k), e.parametrization(), e.optimizer(), Loss.CROSS_ENTROPY, data,
                e.training(), e.simulation());
    }

    /** The experiment with biases of std 0.7 and multiplier 1.5 when {@code bias}, else unchanged. */
    private static Experiment withBias(Experiment e, boolean bias) {
        if (!bias) {
            return e;
        }
        InitStd std = e.network().initStd();
        LayerMultipliers m = e.optimizer().multipliers();
        OptimizerSpec o = e.optimizer();
        return new Experiment(new NetworkSpec(e.network().hiddenLayers(), e.network().activation(), e.network().width(),
                new InitStd(std.input(), std.hidden(), std.output(), 0.7), true, e.network().outputs()), e.parametrization(),
                new OptimizerSpec(o.update(), o.learningRate(), new LayerMultipliers(m.input(), m.hidden(), m.output(), 1.5),
                        o.schedule(), o.weightDecay()), e.loss(), e.data(), e.training(), e.simulation());
    }

    private static double widthFactor(Parametrization p, int tensor, int layers, int n) {
        boolean hidden = tensor > 0 && tensor < layers;
        switch (p) {
            case MUP: return n;
            case NTP: return hidden ? n : Math.sqrt(n);
            default: return 1;
        }
    }

    private static double weighted(double[] f, double[] chi) {
        double s = 0;
        for (int j = 0; j < f.length; j++) {
            s += chi[j] * f[j];
        }
        return s;
    }

    /**
     * Coordinate check (muP's defining property): after 10 Adam steps the typical entry size of
     * h, x and dh in every hidden layer is the same at widths 128 and 4096 (ratio within
     * [0.75, 1.33]; finite-width fluctuations at 128 are about 1/sqrt(128) = 9%), while in SP
     * the pre-activations of the hidden layer grow with the width (ratio above 4; in SP
     * Adam moves each of the n inputs to a unit by about the learning rate, so
     * {@code Delta h = O(n lr)}).
     *
     * <p>Measured (seed 7, widths 128 / 512 / 1024 / 4096): muP {@code |h^2|} 0.694 / 0.706 /
     * 0.740 / 0.705, {@code |x^2|} 0.517 / 0.525 / 0.539 / 0.519, {@code |dh^2|} 0.658 / 0.621 /
     * 0.624 / 0.629; SP {@code |h^2|} 2.35 / 12.0 / 25.1 / 103.5 (ratio 44) while its
     * {@code |dh^2|} collapses, 0.0188 / 0.0033 / 0.0020 / 0.0005.
     */
    @ParameterizedTest
    @EnumSource(value = Parametrization.class, names = {"MUP", "SP"})
    void typicalSizesStayFlatInMupAndGrowInSp(Parametrization p) {
        double[][] small = sizesAfterAdam(p, 128);
        double[][] large = sizesAfterAdam(p, 4096);
        if (p == Parametrization.MUP) {
            for (int l = 1; l <= 2; l++) {
                for (int k = 0; k < 3; k++) {
                    double ratio = large[l][k] / small[l][k];
                    assertTrue(ratio > 0.75 && ratio < 1.33, "muP layer " + l + " quantity " + k + " ratio " + ratio);
                }
            }
        } else {
            double ratio = large[2][0] / small[2][0];
            assertTrue(ratio > 4, "SP h^2 should grow with width, ratio " + ratio);
        }
    }

    /** {@code sizes[l] = {|h^l|, |x^l|, |dh^l|}} after 10 full-batch Adam steps at width n. */
    private static double[][] sizesAfterAdam(Parametrization p, int n) {
        Experiment e = Experiments.regression(p, 2, Activation.TANH, n, UpdateFunction.of(UpdateFunction.Kind.ADAM),
                0.02, 10, 1);
        Scaling s = Scaling.of(p, e.network().initStd(), n, 2, 0.02, e.optimizer().multipliers());
        double[] targets = e.data().allTargets();
        int[] batch = {0, 1, 2, 3, 4};
        try (Backend backend = Backends.cpu(Precision.FLOAT64);
             FiniteNetwork net = new FiniteNetwork(e, s, backend, new RandomKey(7, 0))) {
            for (int t = 0; t < 10; t++) {
                double[] f = net.forward();
                net.update(e.loss().errorSignal(f, targets, batch), t);
            }
            net.forward();
            net.normalizedGradients(new double[7]);
            return new double[][] {null, net.typicalSizes(1), net.typicalSizes(2)};
        }
    }
}
