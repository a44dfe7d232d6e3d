package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.MatrixScope;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.ket.GaussianFamily;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.random.RandomKey;

/**
 * The kets of the NT limit with decoupled weight decay for one replica (LIMITS.md 1.2, "NT limit"):
 * the kets of the network at its decayed initial weights {@code C_t theta_0}, for every step
 * t = 0..T. Each ket is an {@code N x (T+1) m} matrix whose column {@code t m + i} is input i at step t.
 *
 * <pre>
 * h^1_t     = C^u_t u xi + C^b_t b^1                      (per particle, u ~ N(0, su^2/d), b^l ~ N(0, sb^2))
 * h^{l+1}_t = C^W_t What^{l+1} x^l_t + C^b_t b^{l+1}      (What x^l_t jointly Gaussian over (t, i):
 *                                                          Cov = sw^2 E[x^l_t x^l_s])
 * dx^L_t    = C^v_t v,   dh^l_t = dx^l_t (.) phi'(h^l_t)
 * dx^{l-1}_t = C^W_t What^{l T} dh^l_t                     (jointly Gaussian over (t, i), independent of the
 *                                                          forward kets: Cov = sw^2 E[dh^l_t dh^l_s])
 * </pre>
 *
 * The hats of every layer and direction are one {@link GaussianFamily} fed with all steps' inputs at
 * once, so their joint law across steps is exact in the particle measure. The initial function at the
 * decayed weights, {@code f^init_t(xi_i) = C^v_t (1/sqrt n) v . x^L_t}, is a Gaussian over (t, i) with
 * covariance {@code C^v_t C^v_s sv^2 E[x^L_t x^L_s]}, independent of the kernels in the limit; it is
 * drawn as {@code C^v_t (1/sqrt N) sum_a z_a x^L_{t,a}} with a fresh {@code z ~ N(0, sv^2)} per
 * particle, which has exactly the particle estimate of that covariance. With k outputs (LIMITS.md 2.4)
 * each output has its own independent {@code z}. Each output c also has its own backward kets
 * {@code dh^l_{c,t}}, started from {@code dx^L_{c,t} = C^v_t v_c} and built as for one output with
 * hats independent across c (the streams of {@link NeuralTangentKets#ofOutput}, so output 0's are the
 * one-output kets bit for bit); a kernel step needs output 0's only (the outputs' kernels are the same
 * and block-diagonal), a particle step every output's (Q sees the combined ket).
 * Memory: {@code N ((2 + k') L (T + 1) m + d + L + 1 + k')} stored values with k' outputs' backward
 * kets, plus one family ({@code 3 N (T + 1) m}) while the kets are built.
 */
final class DecayedKets implements AutoCloseable {
    /** Random streams of one replica, as in {@link NeuralTangentKets} where the ket is the same. */
    private static final long OUTPUT_STREAM = 0;
    private static final long INPUT_STREAM = 1;
    private static final long INITIAL_FUNCTION_STREAM = 2;
    private static final long FORWARD_STREAM = 100;
    private static final long BACKWARD_STREAM = 200;
    private static final long BIAS_STREAM = 300;

    private final Backend backend;
    private final MatrixScope scope;
    private final int layers;
    private final int m;
    private final int steps;
    private final int outputs;
    private final double[][] inputs;
    private final boolean bias;
    /** x[l], l = 1..L: {@code N x (T+1) m}. */
    final DeviceMatrix[] x;
    /** {@code backward[c][l] = dh^l_c}, l = 1..L, for the outputs whose backward kets were built. */
    final DeviceMatrix[][] backward;
    /** The backward kets of output 0: those of a one-output network. */
    final DeviceMatrix[] dh;
    /** {@code f^init_t(xi_i)} of output c at {@code [(t m + i) k + c]}. */
    private final double[] initialFunction;
    private boolean finite = true;

    /** The kets with the backward kets of every output of {@code e}. */
    DecayedKets(Experiment e, Backend backend, RandomKey key, DecayFactors c) {
        this(e, backend, key, c, e.outputs());
    }

    /** The kets with the backward kets of the first {@code backwardOutputs} outputs only. */
    DecayedKets(Experiment e, Backend backend, RandomKey key, DecayFactors c, int backwardOutputs) {
        this.backend = backend;
        this.scope = new MatrixScope(backend);
        this.layers = e.network().hiddenLayers();
        this.inputs = e.data().allInputs();
        this.m = inputs.length;
        this.steps = e.training().steps();
        this.outputs = e.outputs();
        this.bias = e.network().bias();
        int n = e.simulation().particles();
        int d = e.data().dimension();
        int columns = (steps + 1) * m;
        Activation phi = e.network().activation();
        InitStd init = e.network().initStd();

        x = new DeviceMatrix[layers + 1];
        backward = new DeviceMatrix[backwardOutputs][layers + 1];
        // derivative[l] = phi'(h^l), kept for the backward pass
        DeviceMatrix[] derivative = new DeviceMatrix[layers + 1];
        DeviceMatrix[] b = new DeviceMatrix[layers + 1];
        try (MatrixScope build = new MatrixScope(backend)) {
            DeviceMatrix ones = build.allocate(1, m);
            backend.fill(ones, 1.0);
            for (int l = 1; bias && l <= layers; l++) {
                b[l] = build.allocate(n, 1);
                backend.fillGaussian(b[l], key, BIAS_STREAM + l, init.bias());
            }
            DeviceMatrix h = build.allocate(n, columns);
            DeviceMatrix xi = build.upload(d, m, e.data().inputsColumnMajor());
            DeviceMatrix u = build.allocate(n, d);
            backend.fillGaussian(u, key, INPUT_STREAM, init.input() / Math.sqrt(d));
            for (int t = 0; t <= steps; t++) {
                backend.gemm(false, false, c.input(t), u, xi, 0.0, block(h, t));
            }
            for (int l = 1; l <= layers; l++) {
                if (l > 1) {
                    hats(x[l - 1], h, n, init.hidden(), key, FORWARD_STREAM + l);
                    for (int t = 0; t <= steps; t++) {
                        backend.scale(c.hidden(t), block(h, t));
                    }
                }
                for (int t = 0; bias && t <= steps; t++) {
                    backend.gemm(false, false, c.bias(t), b[l], ones, 1.0, block(h, t));
                }
                finite &= backend.allFinite(h);
                x[l] = scope.allocate(n, columns);
                backend.activation(phi, h, x[l]);
                derivative[l] = build.allocate(n, columns);
                backend.activationDerivative(phi, h, derivative[l]);
            }

            // column c is v_c; column 0 is the one-output v (the same stream, LIMITS.md 2.4)
            DeviceMatrix v = build.allocate(n, backwardOutputs);
            backend.fillGaussian(v, key, OUTPUT_STREAM, init.output());
            for (int o = 0; o < backwardOutputs; o++) {
                DeviceMatrix[] dhc = backward[o];
                dhc[layers] = scope.allocate(n, columns);
                backend.scaleRows(v.columns(o, o + 1), derivative[layers], dhc[layers]);
                for (int t = 0; t <= steps; t++) {
                    backend.scale(c.output(t), block(dhc[layers], t));
                }
                for (int l = layers; l >= 2; l--) {
                    dhc[l - 1] = scope.allocate(n, columns);
                    hats(dhc[l], dhc[l - 1], n, init.hidden(), key, NeuralTangentKets.ofOutput(BACKWARD_STREAM + l, o));
                    for (int t = 0; t <= steps; t++) {
                        backend.scale(c.hidden(t), block(dhc[l - 1], t));
                    }
                    backend.hadamard(dhc[l - 1], derivative[l - 1], dhc[l - 1]);
                    finite &= backend.allFinite(dhc[l - 1]);
                }
                finite &= backend.allFinite(dhc[layers]);
            }
            dh = backward[0];

            // one column per output (LIMITS.md 2.4: independent draws; output 0's is the one-output draw)
            DeviceMatrix z = build.allocate(n, outputs);
            backend.fillGaussian(z, key, INITIAL_FUNCTION_STREAM, init.output());
            // gram is (1/N) z^T x^L (k x (T+1) m, column-major: [c + (t m + i) k], which is the outputs'
            // layout [i k + c] step after step), so sqrt(N) gram is (1/sqrt N) sum_a z_a x^L_a
            initialFunction = backend.gram(z, x[layers]);
            for (int t = 0; t <= steps; t++) {
                for (int at = t * m * outputs; at < (t + 1) * m * outputs; at++) {
                    initialFunction[at] *= Math.sqrt(n) * c.output(t);
                }
            }
        }
    }

    /**
     * {@code out = What y} for all columns of y at once, one family of hats of scale {@code sw}; a
     * non-finite y (the layer below diverged) leaves {@code out} zero and the kets non-finite.
     */
    private void hats(DeviceMatrix y, DeviceMatrix out, int n, double sw, RandomKey key, long stream) {
        if (!finite || !backend.allFinite(y)) {
            finite = false;
            backend.fill(out, 0.0);
            return;
        }
        try (GaussianFamily family = new GaussianFamily(backend, n, sw, key, stream, y.cols())) {
            family.sample(y, out);
        }
    }

    /** The columns of step t: {@code N x m}. */
    DeviceMatrix block(DeviceMatrix ket, int t) {
        return ket.columns(t * m, (t + 1) * m);
    }

    /** {@code f^init_t(xi_i)} of output c at {@code [i k + c]}: the network at the decayed initial weights. */
    double[] initialFunction(int t) {
        return java.util.Arrays.copyOfRange(initialFunction, t * m * outputs, (t + 1) * m * outputs);
    }

    /**
     * The first term of {@code f_t} (LIMITS.md 1.2): {@code f^init_t}, minus {@code f^init_0} when the
     * outputs are centered ({@code f - f_0} of the undecayed frozen copy).
     */
    double[] initialOutputs(int t, boolean center) {
        double[] f = initialFunction(t);
        if (center) {
            double[] f0 = initialFunction(0);
            for (int i = 0; i < f.length; i++) {
                f[i] -= f0[i];
            }
        }
        return f;
    }

    /** The particle estimate of {@code E[x^l_{t,i} x^l_{t,j}]} (m x m). */
    double[] features(int l, int t) {
        return backend.gram(block(x[l], t), block(x[l], t));
    }

    /** The NNGP kernel at initialization, {@code sv^2 E[x^L_0 x^L_0]}. */
    double[] nngp(double outputVariance) {
        double[] k = features(layers, 0);
        for (int i = 0; i < k.length; i++) {
            k[i] *= outputVariance;
        }
        return k;
    }

    /** The NTK at initialization (step 0, before any decay: LIMITS.md section 3). */
    double[] ntk(LayerMultipliers mult) {
        double[][] features = new double[layers + 1][];
        double[][] backward = new double[layers + 1][];
        for (int l = 1; l <= layers; l++) {
            features[l] = features(l, 0);
            backward[l] = backend.gram(block(dh[l], 0), block(dh[l], 0));
        }
        return NeuralTangentKernel.assemble(m, inputs, features, backward, mult, bias);
    }

    /** True when every ket is finite; otherwise the replica diverged at initialization. */
    boolean finite() {
        return finite;
    }

    int layers() {
        return layers;
    }

    int inputs() {
        return m;
    }

    int outputs() {
        return outputs;
    }

    /** The outputs whose backward kets were built. */
    int backwardOutputs() {
        return backward.length;
    }

    double[][] inputVectors() {
        return inputs;
    }

    boolean bias() {
        return bias;
    }

    Backend backend() {
        return backend;
    }

    @Override
    public void close() {
        scope.close();
    }
}
