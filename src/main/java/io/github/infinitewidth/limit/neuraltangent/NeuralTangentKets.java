package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.MatrixScope;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.ket.CovarianceFactor;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.random.RandomKey;

/**
 * The frozen kets of the NT limit for one replica (LIMITS.md section 3), N particles by m
 * inputs (train then test): {@code h^l, x^l, dh^l} for l = 1..L, the output weights v and the
 * inputs. Built once; nothing here changes during training (no feature learning).
 *
 * <p>{@code h^1 = u xi} with particle-wise {@code u ~ N(0, su^2/d)}; {@code h^{l+1}} a fresh
 * Gaussian with covariance {@code sw^2 E[x^l x^l]}; {@code dx^L = v ~ N(0, sv^2)};
 * {@code dx^{l-1}} a fresh Gaussian, independent of the forward kets, with covariance
 * {@code sw^2 E[dh^l dh^l]}; {@code dh^l = dx^l (.) phi'(h^l)}. With biases (LIMITS.md 8.2)
 * {@code h^1} gains a particle-wise {@code b^1 ~ N(0, sb^2)} and the fresh {@code h^{l+1}} the
 * covariance {@code sb^2} of its independent bias. The covariances are the
 * particle estimates of the layer below, or the closed forms when {@code exact} is given.
 * With k outputs (LIMITS.md 2.4) {@code v} has k independent columns {@code v_c} and each output
 * has its own backward kets {@code dh^l_c} from {@code dx^L_c = v_c}, fresh Gaussians independent
 * across c, each output's with its own covariance {@code sw^2 E[dh^l_c dh^l_c]}.
 * Memory {@code N ((2 + k) L m + d + k)} stored values.
 */
final class NeuralTangentKets implements AutoCloseable {
    /** Random streams of one replica: v, u, then one per fresh forward and backward Gaussian. */
    private static final long OUTPUT_STREAM = 0;
    private static final long INPUT_STREAM = 1;
    private static final long FORWARD_STREAM = 100;
    private static final long BACKWARD_STREAM = 200;
    private static final long INPUT_BIAS_STREAM = 300;

    private final Backend backend;
    private final int layers;
    private final int m;
    private final double[][] inputs;
    private final boolean bias;
    private final MatrixScope scope;
    final DeviceMatrix xi;          // d x m
    final DeviceMatrix v;           // N x k, column c the output weights v_c
    final DeviceMatrix[] h;         // h[l], l = 1..L
    final DeviceMatrix[] x;
    /** {@code backward[c][l] = dh^l_c}, the backward kets started from {@code dx^L_c = v_c} (LIMITS.md 2.4). */
    final DeviceMatrix[][] backward;
    /** The backward kets of output 0: those of a one-output network. */
    final DeviceMatrix[] dh;
    /** False when a ket is non-finite (huge initial scales): the replica diverged at step 0. */
    private boolean finite = true;

    /** The kets with the backward kets of every output of {@code e}. */
    NeuralTangentKets(Experiment e, Backend backend, RandomKey key, ExactKernels exact) {
        this(e, backend, key, exact, e.outputs());
    }

    /**
     * The kets with the output weights and backward kets of the first {@code outputs} outputs only
     * (a kernel step needs those of output 0 alone: the NTK is the same for every output).
     */
    NeuralTangentKets(Experiment e, Backend backend, RandomKey key, ExactKernels exact, int outputs) {
        this.backend = backend;
        this.scope = new MatrixScope(backend);
        this.layers = e.network().hiddenLayers();
        this.inputs = e.data().allInputs();
        this.m = inputs.length;
        int n = e.simulation().particles();
        int d = e.data().dimension();
        Activation phi = e.network().activation();
        InitStd init = e.network().initStd();
        double sw2 = init.hidden() * init.hidden();
        this.bias = e.network().bias();
        double sb2 = bias ? init.bias() * init.bias() : 0.0;

        xi = scope.upload(d, m, e.data().inputsColumnMajor());
        h = new DeviceMatrix[layers + 1];
        x = new DeviceMatrix[layers + 1];
        try (DeviceMatrix u = backend.allocate(n, d)) {
            backend.fillGaussian(u, key, INPUT_STREAM, init.input() / Math.sqrt(d));
            h[1] = scope.allocate(n, m);
            backend.gemm(false, false, 1.0, u, xi, 0.0, h[1]);
        }
        if (bias) {
            try (DeviceMatrix b1 = backend.allocate(n, 1); DeviceMatrix ones = backend.allocate(1, m)) {
                backend.fillGaussian(b1, key, INPUT_BIAS_STREAM, init.bias());
                backend.fill(ones, 1.0);
                backend.gemm(false, false, 1.0, b1, ones, 1.0, h[1]);
            }
        }
        finite &= backend.allFinite(h[1]);
        x[1] = scope.allocate(n, m);
        backend.activation(phi, h[1], x[1]);
        for (int l = 2; l <= layers; l++) {
            double[] cov = exact != null ? exact.covariance(l) : shifted(scaled(backend.gram(x[l - 1], x[l - 1]), sw2), sb2);
            h[l] = scope.allocate(n, m);
            freshGaussian(cov, key, FORWARD_STREAM + l, h[l]);
            finite &= backend.allFinite(h[l]);
            x[l] = scope.allocate(n, m);
            backend.activation(phi, h[l], x[l]);
        }

        v = scope.allocate(n, outputs);
        backend.fillGaussian(v, key, OUTPUT_STREAM, init.output());
        finite &= backend.allFinite(v);
        backward = new DeviceMatrix[outputs][layers + 1];
        try (DeviceMatrix derivative = backend.allocate(n, m)) {
            backend.activationDerivative(phi, h[layers], derivative);
            for (int c = 0; c < outputs; c++) {
                backward[c][layers] = scope.allocate(n, m);
                backend.scaleRows(v.columns(c, c + 1), derivative, backward[c][layers]);
            }
            for (int l = layers; l >= 2; l--) {
                backend.activationDerivative(phi, h[l - 1], derivative);
                for (int c = 0; c < outputs; c++) {
                    DeviceMatrix[] dhc = backward[c];
                    double[] cov = exact != null ? scaled(exact.backward(l), sw2) : scaled(backend.gram(dhc[l], dhc[l]), sw2);
                    dhc[l - 1] = scope.allocate(n, m);
                    freshGaussian(cov, key, ofOutput(BACKWARD_STREAM + l, c), dhc[l - 1]);
                    backend.hadamard(dhc[l - 1], derivative, dhc[l - 1]);
                    finite &= backend.allFinite(dhc[l - 1]);
                }
            }
        }
        dh = backward[0];
    }

    /**
     * The random stream of output c that plays the role of the one-output {@code stream}: the same
     * stream for output 0 (so that a one-output run and output 0 of a k-output run draw the same
     * numbers), and c in the stream's high 32 bits for the others, where no one-output stream lies.
     */
    static long ofOutput(long stream, int c) {
        return stream + ((long) c << 32);
    }

    /**
     * {@code out = Z F^T} with Z standard Gaussian from {@code stream} and {@code F F^T = cov}; a
     * non-finite {@code cov} (the layer below is) leaves {@code out} zero and the kets non-finite.
     */
    private void freshGaussian(double[] cov, RandomKey key, long stream, DeviceMatrix out) {
        if (!io.github.infinitewidth.engine.Divergence.finite(cov)) {
            finite = false;
            return;
        }
        try (DeviceMatrix z = backend.allocate(out.rows(), m);
             DeviceMatrix factor = backend.upload(m, m, CovarianceFactor.of(cov, m))) {
            backend.fillGaussian(z, key, stream, 1.0);
            backend.gemm(false, true, 1.0, z, factor, 0.0, out);
        }
    }

    /** The particle estimate of {@code E[x^l_i x^l_j]} (m x m, symmetric). */
    double[] features(int l) {
        return backend.gram(x[l], x[l]);
    }

    /** The particle estimate of the NNGP kernel {@code sv^2 E[x^L x^L]} ({@code sv^2} exact). */
    double[] nngp(double outputVariance) {
        return scaled(features(layers), outputVariance);
    }

    /**
     * The particle estimate of the NTK (LIMITS.md section 3) from output 0's backward kets: the NTK is
     * the same for every output (LIMITS.md 2.4), and output 0's is the one-output estimate.
     */
    double[] ntk(LayerMultipliers mult) {
        double[][] features = new double[layers + 1][];
        double[][] backward = new double[layers + 1][];
        for (int l = 1; l <= layers; l++) {
            features[l] = features(l);
            backward[l] = backend.gram(dh[l], dh[l]);
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

    /** The outputs whose backward kets were built. */
    int outputs() {
        return backward.length;
    }

    boolean bias() {
        return bias;
    }

    private static double[] shifted(double[] k, double c) {
        double[] out = k.clone();
        for (int i = 0; i < k.length; i++) {
            out[i] += c;
        }
        return out;
    }

    private static double[] scaled(double[] k, double factor) {
        double[] out = new double[k.length];
        for (int i = 0; i < k.length; i++) {
            out[i] = factor * k[i];
        }
        return out;
    }


    @Override
    public void close() {
        scope.close();
    }
}
