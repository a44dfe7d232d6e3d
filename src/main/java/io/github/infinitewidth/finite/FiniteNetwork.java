package io.github.infinitewidth.finite;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.MatrixScope;
import io.github.infinitewidth.engine.BackwardSeed;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;

/**
 * One finite-width network of LIMITS.md section 2 (one seed), trained on all m inputs at
 * once: every layer quantity is an {@code n x m} matrix, one column per input (train then test).
 * Weights: {@code u} (n x d), hidden {@code W^l} (n x n, l = 2..L), output {@code v} (n x k, one column
 * per output, LIMITS.md 2.4), and
 * with {@code network.bias} the biases {@code b^l} (n x 1, l = 1..L) of LIMITS.md section 8.
 * Each step costs {@code O(L n^2 m)}; memory is {@code (1 + stateSize) (L-1) n^2} weights plus
 * {@code O(L n m)} activations.
 */
final class FiniteNetwork implements AutoCloseable {
    /** Random stream of each tensor: v is 0, u is 1, W^l is l, b^l is BIAS_STREAM + l. */
    private static final long OUTPUT_STREAM = 0;
    private static final long INPUT_STREAM = 1;
    private static final long BIAS_STREAM = 1000;

    private final Backend backend;
    private final Activation phi;
    private final UpdateFunction q;
    private final OptimizerSpec optimizer;
    private final int steps;
    private final Scaling scaling;
    private final int layers;
    private final int m;
    private final int k;
    private final MatrixScope scope;

    private final DeviceMatrix inputs;         // d x m, column j = xi_j
    private final DeviceMatrix u;              // n x d
    private final DeviceMatrix[] w;            // w[l] for l = 2..L, n x n
    private final DeviceMatrix v;              // n x k
    private final DeviceMatrix[] b;            // b[l], l = 1..L, n x 1; null without biases
    private final DeviceMatrix ones;           // 1 x m of ones: h^l += b^l ones adds b^l to every column
    private final DeviceMatrix[] gradB;
    private final DeviceMatrix[][] stateB;
    private final DeviceMatrix[] h;            // h[l], l = 1..L, n x m
    private final DeviceMatrix[] x;            // x[l], l = 1..L, n x m
    private final DeviceMatrix dh;             // n x m, reused per layer
    private final DeviceMatrix dx;             // n x m, reused per layer
    private final DeviceMatrix dhChi;          // n x m: dh^l diag(chi)
    private final DeviceMatrix[] dhStore;      // dh[l] kept for the weight gradients
    private final DeviceMatrix gradU;          // n x d
    private final DeviceMatrix[] gradW;        // gradW[l], n x n
    private final DeviceMatrix gradV;          // n x k
    private final DeviceMatrix[] stateU;
    private final DeviceMatrix[][] stateW;
    private final DeviceMatrix[] stateV;

    FiniteNetwork(Experiment e, Scaling scaling, Backend backend, RandomKey key) {
        this.backend = backend;
        this.scope = new MatrixScope(backend);
        this.phi = e.network().activation();
        this.q = e.optimizer().update();
        this.optimizer = e.optimizer();
        this.steps = e.training().steps();
        this.scaling = scaling;
        this.layers = e.network().hiddenLayers();
        int n = e.network().width();
        int d = e.data().dimension();
        this.m = e.data().size();
        this.k = e.outputs();

        inputs = scope.upload(d, m, e.data().inputsColumnMajor());
        u = scope.allocate(n, d);
        backend.fillGaussian(u, key, INPUT_STREAM, scaling.inputStd());
        w = new DeviceMatrix[layers + 1];
        for (int l = 2; l <= layers; l++) {
            w[l] = scope.allocate(n, n);
            backend.fillGaussian(w[l], key, l, scaling.hiddenStd());
        }
        v = scope.allocate(n, k);
        backend.fillGaussian(v, key, OUTPUT_STREAM, scaling.outputStd());
        boolean biased = e.network().bias();
        b = biased ? new DeviceMatrix[layers + 1] : null;
        gradB = biased ? new DeviceMatrix[layers + 1] : null;
        stateB = biased ? new DeviceMatrix[layers + 1][] : null;
        ones = biased ? scope.allocate(1, m) : null;
        if (biased) {
            backend.fill(ones, 1.0);
            for (int l = 1; l <= layers; l++) {
                b[l] = scope.allocate(n, 1);
                backend.fillGaussian(b[l], key, BIAS_STREAM + l, scaling.biasStd());
                gradB[l] = scope.allocate(n, 1);
                stateB[l] = scope.allocate(q.stateSize(), n, 1);
            }
        }

        h = new DeviceMatrix[layers + 1];
        x = new DeviceMatrix[layers + 1];
        dhStore = new DeviceMatrix[layers + 1];
        for (int l = 1; l <= layers; l++) {
            h[l] = scope.allocate(n, m);
            x[l] = scope.allocate(n, m);
            dhStore[l] = scope.allocate(n, m);
        }
        dh = scope.allocate(n, m);
        dx = scope.allocate(n, m);
        dhChi = scope.allocate(n, m);
        gradU = scope.allocate(n, d);
        gradW = new DeviceMatrix[layers + 1];
        for (int l = 2; l <= layers; l++) {
            gradW[l] = scope.allocate(n, n);
        }
        gradV = scope.allocate(n, k);
        stateU = scope.allocate(q.stateSize(), n, d);
        stateV = scope.allocate(q.stateSize(), n, k);
        stateW = new DeviceMatrix[layers + 1][];
        for (int l = 2; l <= layers; l++) {
            stateW[l] = scope.allocate(q.stateSize(), n, n);
        }
    }

    /**
     * Forward pass (2.1 to 2.3): returns the k outputs {@code f(xi_j)} of all m inputs, {@code f[j k + c]},
     * accumulated in float64.
     * When a pre-activation is non-finite (weights blew up while a saturating activation keeps
     * the outputs finite) every output is NaN, so the run is seen to diverge.
     */
    double[] forward() {
        boolean finite = true;
        backend.gemm(false, false, 1.0, u, inputs, 0.0, h[1]);
        addBias(1);
        finite &= backend.allFinite(h[1]);
        backend.activation(phi, h[1], x[1]);
        for (int l = 2; l <= layers; l++) {
            backend.gemm(false, false, scaling.hiddenMultiplier(), w[l], x[l - 1], 0.0, h[l]);
            addBias(l);
            finite &= backend.allFinite(h[l]);
            backend.activation(phi, h[l], x[l]);
        }
        // f_{j,c} = c_out sum_a v_{a,c} x^L[a, j] = c_out n gram(v, x^L)_{c,j}, at c + j k
        double[] f = backend.gram(v, x[layers]);
        double scale = scaling.outputMultiplier() * v.rows();
        for (int i = 0; i < f.length; i++) {
            f[i] = finite ? f[i] * scale : Double.NaN;
        }
        return f;
    }

    /** {@code h^l <- h^l + b^l 1^T}, the bias of section 8, when the network has biases. */
    private void addBias(int l) {
        if (b != null) {
            backend.gemm(false, false, 1.0, b[l], ones, 1.0, h[l]);
        }
    }

    /**
     * Saves the weights and their optimizer state (a checkpoint): {@code finite/u},
     * {@code finite/w<l>} (l = 2..L), {@code finite/v}, with biases {@code finite/b<l>} (l = 1..L),
     * and {@code finite/state/<tensor>/<k>}. A network without biases writes no bias entries, so its
     * checkpoints are those of before. The activations are not state: the next {@link #forward()}
     * recomputes them.
     */
    void saveTo(StateWriter out) {
        out.matrix("finite/u", u);
        out.matrix("finite/v", v);
        for (int l = 2; l <= layers; l++) {
            out.matrix("finite/w" + l, w[l]);
        }
        for (int l = 1; b != null && l <= layers; l++) {
            out.matrix("finite/b" + l, b[l]);
        }
        for (int k = 0; k < q.stateSize(); k++) {
            out.matrix("finite/state/u/" + k, stateU[k]);
            out.matrix("finite/state/v/" + k, stateV[k]);
            for (int l = 2; l <= layers; l++) {
                out.matrix("finite/state/w" + l + "/" + k, stateW[l][k]);
            }
            for (int l = 1; b != null && l <= layers; l++) {
                out.matrix("finite/state/b" + l + "/" + k, stateB[l][k]);
            }
        }
    }

    /** Restores what {@link #saveTo} saved. */
    void restoreFrom(StateReader in) {
        in.matrix("finite/u", u);
        in.matrix("finite/v", v);
        for (int l = 2; l <= layers; l++) {
            in.matrix("finite/w" + l, w[l]);
        }
        for (int l = 1; b != null && l <= layers; l++) {
            in.matrix("finite/b" + l, b[l]);
        }
        for (int k = 0; k < q.stateSize(); k++) {
            in.matrix("finite/state/u/" + k, stateU[k]);
            in.matrix("finite/state/v/" + k, stateV[k]);
            for (int l = 2; l <= layers; l++) {
                in.matrix("finite/state/w" + l + "/" + k, stateW[l][k]);
            }
            for (int l = 1; b != null && l <= layers; l++) {
                in.matrix("finite/state/b" + l + "/" + k, stateB[l][k]);
            }
        }
    }

    /**
     * One update with error signal {@code chi} ({@code m k} entries) at step t, after {@link #forward()} at
     * the current weights: {@code theta <- kept theta - s_t rate Q_t(g_theta)} for every tensor, with
     * the schedule's {@code s_t = eta_t / eta} (LIMITS.md 1.1) and {@code kept = 1 - eta_t m lambda}
     * from the decoupled weight decay (LIMITS.md 1.2). The gradients are taken before the decay.
     */
    void update(double[] chi, int t) {
        computeGradients(chi);
        double s = optimizer.schedule().factor(t, steps);
        LayerMultipliers m = optimizer.multipliers();
        for (int l = 2; l <= layers; l++) {
            decay(w[l], t, m.hidden());
            backend.update(q, t, gradW[l], -s * scaling.hiddenRate(), w[l], stateW[l]);
        }
        decay(u, t, m.input());
        backend.update(q, t, gradU, -s * scaling.inputRate(), u, stateU);
        decay(v, t, m.output());
        backend.update(q, t, gradV, -s * scaling.outputRate(), v, stateV);
        for (int l = 1; b != null && l <= layers; l++) {
            decay(b[l], t, m.bias());
            backend.update(q, t, gradB[l], -s * scaling.biasRate(), b[l], stateB[l]);
        }
    }

    private void decay(DeviceMatrix weights, int t, double multiplier) {
        if (optimizer.weightDecay() > 0) {
            backend.scale(optimizer.kept(t, steps, multiplier), weights);
        }
    }

    /**
     * Backward pass and the normalized gradients of LIMITS.md 2.1, all at the current weights, with
     * the k outputs' error signals as one backward ket per input ({@link BackwardSeed}, LIMITS.md 2.4):
     * {@code g_v = x^L chi^T}, {@code g_u = dh^1 diag(s) Xi^T}, {@code g_W = dh^l diag(s) (x^{l-1})^T},
     * and of section 8 {@code g_b^l = dh^l s}.
     */
    private void computeGradients(double[] chi) {
        BackwardSeed seed = BackwardSeed.of(chi, k);
        double[] s = seed.scales();
        try (DeviceMatrix chiColumns = backend.upload(m, k, BackwardSeed.byOutput(chi, k));
             DeviceMatrix scaleColumn = backend.upload(m, 1, s);
             DeviceMatrix directions = backend.upload(k, m, seed.directions())) {
            // dx^L_j = sum_c w_{j,c} v_c: dh^L = dx^L (.) phi'(h^L)
            backend.gemm(false, false, 1.0, v, directions, 0.0, dx);
            backend.activationDerivative(phi, h[layers], dh);
            backend.hadamard(dx, dh, dhStore[layers]);
            for (int l = layers; l >= 2; l--) {
                backend.gemm(true, false, scaling.hiddenMultiplier(), w[l], dhStore[l], 0.0, dx);
                backend.activationDerivative(phi, h[l - 1], dh);
                backend.hadamard(dx, dh, dhStore[l - 1]);
            }
            backend.gemm(false, false, 1.0, x[layers], chiColumns, 0.0, gradV);
            for (int l = 1; b != null && l <= layers; l++) {
                backend.gemm(false, false, 1.0, dhStore[l], scaleColumn, 0.0, gradB[l]);
            }
            for (int l = layers; l >= 2; l--) {
                backend.scaleColumns(s, dhStore[l], dhChi);
                backend.gemm(false, true, 1.0, dhChi, x[l - 1], 0.0, gradW[l]);
            }
            backend.scaleColumns(s, dhStore[1], dhChi);
            backend.gemm(false, true, 1.0, dhChi, inputs, 0.0, gradU);
        }
    }

    /**
     * The normalized gradients for {@code chi} at the weights of the last {@link #forward()},
     * downloaded: u, then W^2..W^L, then v, then with biases b^1..b^L (test access).
     */
    double[][] normalizedGradients(double[] chi) {
        computeGradients(chi);
        double[][] g = new double[b == null ? layers + 1 : 2 * layers + 1][];
        g[0] = backend.download(gradU);
        for (int l = 2; l <= layers; l++) {
            g[l - 1] = backend.download(gradW[l]);
        }
        g[layers] = backend.download(gradV);
        for (int l = 1; b != null && l <= layers; l++) {
            g[layers + l] = backend.download(gradB[l]);
        }
        return g;
    }

    /**
     * Adds {@code delta} to one stored weight: tensor 0 is u, 1..L-1 are W^2..W^L, L is v, L + l is
     * b^l (test access).
     */
    void perturb(int tensor, int index, double delta) {
        DeviceMatrix target = tensor == 0 ? u : tensor == layers ? v : tensor > layers ? b[tensor - layers]
                : w[tensor + 1];
        double[] values = backend.download(target);
        values[index] += delta;
        backend.upload(values, target);
    }

    /** The typical entry size {@code sqrt(E[entry^2])} of {@code h^l}, {@code x^l} and {@code dh^l} (coordinate checks). */
    double[] typicalSizes(int l) {
        return new double[] {rms(h[l]), rms(x[l]), rms(dhStore[l])};
    }

    private double rms(DeviceMatrix a) {
        double[] g = backend.gram(a, a);
        double sum = 0;
        for (int j = 0; j < a.cols(); j++) {
            sum += g[j * a.cols() + j];
        }
        return Math.sqrt(sum / a.cols());
    }



    @Override
    public void close() {
        scope.close();
    }
}
