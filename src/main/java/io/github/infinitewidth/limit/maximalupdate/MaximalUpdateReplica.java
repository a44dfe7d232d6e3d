package io.github.infinitewidth.limit.maximalupdate;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.MatrixScope;
import io.github.infinitewidth.engine.BackwardSeed;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;

/**
 * One replica of the maximal update limit: N particles of the input and output weights {@code (u_a, v_a)} with their
 * optimizer state, and the hidden matrices (LIMITS.md sections 4 and 5). With k outputs each particle carries k
 * output weights {@code v_{a,1..k}} (LIMITS.md 2.4). With one hidden layer this is the exact particle system of
 * Theorem 2.5.2; with more, each hidden matrix acts on kets through hats, dot terms and {@code DeltaW} ({@link
 * HiddenMatrix}). With biases every layer also has N particles of its bias {@code b^l} with their optimizer state, a
 * vector-like parameter updated per particle (LIMITS.md 8.3).
 *
 * <p>A step is {@link #forward} (a training pass over the batch, and at recorded steps an evaluation pass over the
 * other inputs), then {@link #train} on the batch: the backward pass runs on the batch columns only, since inputs
 * outside the batch have {@code chi = 0} and their backward kets influence nothing. Both hat families thus grow by B
 * per step, not by m (LIMITS.md section 5.1).
 */
final class MaximalUpdateReplica implements AutoCloseable {
    private final Backend backend;
    private final Activation phi;
    private final UpdateFunction q;
    private final LayerMultipliers mult;
    private final OptimizerSpec optimizer;
    private final int steps;
    private final double eta;
    /** {@code c_t} of LIMITS.md 1.2: the factor weight decay has left on the hidden matrices at step t. */
    private final double[] hiddenKept;
    private final int layers;
    private final int n;
    private final int m;
    private final int k;
    private final MatrixScope scope;
    private final DeviceMatrix inputs;       // d x m
    private final DeviceMatrix u;            // N x d
    private final DeviceMatrix v;            // N x k, column c = v_c
    private final DeviceMatrix[] stateU;
    private final DeviceMatrix[] stateV;
    private final DeviceMatrix[] bias;       // bias[l] = b^l, N x 1, l = 1..L; null without biases
    private final DeviceMatrix[][] stateB;
    private final DeviceMatrix[] h;          // h[l], N x m
    private final DeviceMatrix[] x;
    private final HiddenMatrix[] hidden;     // hidden[l], l = 2..L

    /**
     * @param forwardCapacity the most columns a forward family holds at once: its final rank plus
     *     the widest evaluation pass, so that its buffers never grow
     */
    MaximalUpdateReplica(Experiment e, Backend backend, RandomKey key, boolean dotTerms, int forwardCapacity) {
        this.backend = backend;
        this.scope = new MatrixScope(backend);
        this.phi = e.network().activation();
        this.q = e.optimizer().update();
        this.mult = e.optimizer().multipliers();
        this.optimizer = e.optimizer();
        this.steps = e.training().steps();
        this.eta = e.optimizer().learningRate();
        this.hiddenKept = optimizer.keptSinceStart(steps, mult.hidden());
        this.layers = e.network().hiddenLayers();
        this.n = e.simulation().particles();
        this.m = e.data().size();
        this.k = e.outputs();
        int d = e.data().dimension();
        InitStd init = e.network().initStd();

        inputs = scope.upload(d, m, e.data().inputsColumnMajor());
        u = scope.allocate(n, d);
        backend.fillGaussian(u, key, MaximalUpdateStreams.INPUT_WEIGHTS, init.input() / Math.sqrt(d));
        // column-major from one stream: v_1 is the one-output v of the same key
        v = scope.allocate(n, k);
        backend.fillGaussian(v, key, MaximalUpdateStreams.OUTPUT_WEIGHTS, init.output());
        stateU = new DeviceMatrix[q.stateSize()];
        stateV = new DeviceMatrix[q.stateSize()];
        for (int s = 0; s < q.stateSize(); s++) {
            stateU[s] = scope.allocate(n, d);
            stateV[s] = scope.allocate(n, k);
        }
        bias = e.network().bias() ? new DeviceMatrix[layers + 1] : null;
        stateB = e.network().bias() ? new DeviceMatrix[layers + 1][] : null;
        for (int l = 1; bias != null && l <= layers; l++) {
            bias[l] = scope.allocate(n, 1);
            backend.fillGaussian(bias[l], key, MaximalUpdateStreams.biases(l), init.bias());
            stateB[l] = scope.allocate(q.stateSize(), n, 1);
        }
        h = new DeviceMatrix[layers + 1];
        x = new DeviceMatrix[layers + 1];
        for (int l = 1; l <= layers; l++) {
            h[l] = scope.allocate(n, m);
            x[l] = scope.allocate(n, m);
        }
        hidden = new HiddenMatrix[layers + 1];
        int batch = MaximalUpdateEngine.batchSize(e);
        for (int l = 2; l <= layers; l++) {
            hidden[l] = new HiddenMatrix(backend, n, init.hidden(), key, l, q, eta * mult.hidden(),
                    e.simulation().pairPrecision(), forwardCapacity, steps * batch, dotTerms);
        }
    }

    /**
     * The forward pass of step t at the current state (LIMITS.md section 5.1). The {@code trained} inputs (step t's
     * batch) run as a training pass: their hats join the forward families, which {@link #train} and every later step
     * build on. The {@code evaluated} inputs run as an evaluation pass: their hats are drawn jointly Gaussian with
     * the families but stay outside them, so training never depends on them. Returns {@code f_{t,c}(xi_j) = E[v_c
     * x^L_j]} at {@code j k + c} for the inputs of both passes and NaN at the others; a pass whose pre-activation
     * kets are non-finite gives NaN at all of its inputs (the run diverged even if a saturating activation keeps the
     * outputs finite).
     */
    double[] forward(int[] trained, int[] evaluated, int t) {
        double[] f = new double[m * k];
        java.util.Arrays.fill(f, Double.NaN);
        pass(trained, true, t, f);
        pass(evaluated, false, t, f);
        return f;
    }

    /** One pass over the given input columns; writes their h, x and outputs. */
    private void pass(int[] columns, boolean training, int t, double[] f) {
        if (columns.length == 0) {
            return;
        }
        try (MatrixScope scratch = new MatrixScope(backend)) {
            DeviceMatrix hc = scratch.allocate(n, columns.length);
            DeviceMatrix xc = scratch.allocate(n, columns.length);
            backend.gemm(false, false, 1.0, u, gather(inputs, columns, scratch), 0.0, hc);
            DeviceMatrix ones = bias == null ? null : scratch.allocate(1, columns.length);
            if (ones != null) {
                backend.fill(ones, 1.0);
            }
            addBias(1, ones, hc);
            boolean finite = backend.allFinite(hc);
            backend.activation(phi, hc, xc);
            scatter(hc, columns, h[1]);
            scatter(xc, columns, x[1]);
            for (int l = 2; l <= layers; l++) {
                if (training) {
                    hidden[l].forward(xc, hc, hiddenKept[t]);
                } else {
                    hidden[l].evaluate(xc, hc, t * m, hiddenKept[t]);
                }
                addBias(l, ones, hc);
                finite &= backend.allFinite(hc);
                backend.activation(phi, hc, xc);
                scatter(hc, columns, h[l]);
                scatter(xc, columns, x[l]);
            }
            // gram(v, xc) is k x columns, column-major: output c of column i at i k + c
            double[] outputs = backend.gram(v, xc);
            for (int i = 0; i < columns.length; i++) {
                for (int c = 0; c < k; c++) {
                    f[columns[i] * k + c] = finite ? outputs[i * k + c] : Double.NaN;
                }
            }
        }
    }

    /** {@code hc <- hc + b^l 1^T} with biases (LIMITS.md 8.3): the bias ket added to the pre-activation. */
    private void addBias(int l, DeviceMatrix ones, DeviceMatrix hc) {
        if (bias != null) {
            backend.gemm(false, false, 1.0, bias[l], ones, 1.0, hc);
        }
    }

    /**
     * Saves the replica's state before the forward pass of its next step (a checkpoint):
     * {@code mu/u}, {@code mu/v} (N x k), their optimizer state {@code mu/state/u/<k>} and {@code mu/state/v/<k>},
     * with biases {@code mu/b<l>} and {@code mu/state/b<l>/<k>} (none without, so that checkpoints of
     * networks without biases are those of before), and every hidden matrix under {@code mu/layer<l>}. The pre-activations and activations are
     * recomputed by the next forward pass.
     */
    void saveTo(StateWriter out) {
        out.matrix("mu/u", u);
        out.matrix("mu/v", v);
        for (int s = 0; s < stateU.length; s++) {
            out.matrix("mu/state/u/" + s, stateU[s]);
            out.matrix("mu/state/v/" + s, stateV[s]);
        }
        for (int l = 1; bias != null && l <= layers; l++) {
            out.matrix("mu/b" + l, bias[l]);
            for (int s = 0; s < q.stateSize(); s++) {
                out.matrix("mu/state/b" + l + "/" + s, stateB[l][s]);
            }
        }
        for (int l = 2; l <= layers; l++) {
            hidden[l].saveTo(out, "mu/layer" + l);
        }
    }

    /** Restores what {@link #saveTo} saved. */
    void restoreFrom(StateReader in) {
        in.matrix("mu/u", u);
        in.matrix("mu/v", v);
        for (int s = 0; s < stateU.length; s++) {
            in.matrix("mu/state/u/" + s, stateU[s]);
            in.matrix("mu/state/v/" + s, stateV[s]);
        }
        for (int l = 1; bias != null && l <= layers; l++) {
            in.matrix("mu/b" + l, bias[l]);
            for (int s = 0; s < q.stateSize(); s++) {
                in.matrix("mu/state/b" + l + "/" + s, stateB[l][s]);
            }
        }
        for (int l = 2; l <= layers; l++) {
            hidden[l].restoreFrom(in, "mu/layer" + l);
        }
    }

    /** The feature kernel {@code E[x^l_i x^l_j]} after a forward pass over every input (m x m). */
    double[] features(int l) {
        return backend.gram(x[l], x[l]);
    }

    /**
     * The backward pass and the updates of step t, after a {@link #forward} whose training pass covered {@code
     * batch}: {@code chi} over all inputs ({@code chi[j k + c]}), {@code batch} the indices of its nonzero entries.
     * The k error signals of batch input j become one backward ket, started at {@code dx^L_j = sum_c w_{j,c} v_c},
     * and its scale {@code s_j} stands where one output has {@code chi_j} ({@link BackwardSeed}, LIMITS.md 2.4); each
     * {@code v_c} has the gradient {@code sum_j chi_{j,c} x^L_j}. The rate is {@code eta_t = s_t eta} (LIMITS.md
     * 1.1); with weight decay each tensor keeps {@code 1 - eta_t m lambda} of itself before its update (LIMITS.md
     * 1.2).
     */
    void train(double[] chi, int[] batch, int t) {
        int b = batch.length;
        BackwardSeed seed = BackwardSeed.ofBatch(chi, k, batch);
        double[] scales = seed.scales();
        // chi of the batch as a b x k column-major matrix: chi_{batch[i],c} at i + c b
        double[] chiBatch = new double[b * k];
        for (int i = 0; i < b; i++) {
            for (int c = 0; c < k; c++) {
                chiBatch[i + c * b] = chi[batch[i] * k + c];
            }
        }
        try (MatrixScope scratch = new MatrixScope(backend)) {
            DeviceMatrix[] hb = new DeviceMatrix[layers + 1];
            DeviceMatrix[] xb = new DeviceMatrix[layers + 1];
            DeviceMatrix[] dh = new DeviceMatrix[layers + 1];
            for (int l = 1; l <= layers; l++) {
                hb[l] = gather(h[l], batch, scratch);
                xb[l] = gather(x[l], batch, scratch);
                dh[l] = scratch.allocate(n, b);
            }
            DeviceMatrix derivative = scratch.allocate(n, b);
            DeviceMatrix dx = scratch.allocate(n, b);
            // dx^L_i = sum_c w_{i,c} v_c (with one output v): dh^L = dx^L (.) phi'(h^L)
            backend.gemm(false, false, 1.0, v, scratch.upload(k, b, seed.directions()), 0.0, dx);
            backend.activationDerivative(phi, hb[layers], derivative);
            backend.hadamard(dx, derivative, dh[layers]);
            for (int l = layers; l >= 2; l--) {
                hidden[l].backward(dh[l], dx, hiddenKept[t]);
                backend.activationDerivative(phi, hb[l - 1], derivative);
                backend.hadamard(dx, derivative, dh[l - 1]);
            }
            double s = optimizer.schedule().factor(t, steps);
            // updates (LIMITS.md sections 4 and 5), all from step t's kets
            // g_{v_c} = sum_j chi_{j,c} x^L_j: g_v = x^L chi^T, N x k
            DeviceMatrix gradV = scratch.allocate(n, k);
            backend.gemm(false, false, 1.0, xb[layers], scratch.upload(b, k, chiBatch), 0.0, gradV);
            DeviceMatrix scaleColumn = scratch.upload(b, 1, scales);
            DeviceMatrix scaled = scratch.allocate(n, b);
            backend.scaleColumns(scales, dh[1], scaled);
            DeviceMatrix gradU = scratch.allocate(n, u.cols());
            backend.gemm(false, true, 1.0, scaled, gather(inputs, batch, scratch), 0.0, gradU);
            for (int l = 2; l <= layers; l++) {
                // DeltaW is stored divided by c_{t+1} (LIMITS.md 1.2)
                hidden[l].update(scales, dh[l], xb[l - 1], t, s / hiddenKept[t + 1]);
            }
            decay(v, t, mult.output());
            // entrywise Q: each v_c with its own state, column c of stateV
            backend.update(q, t, gradV, -s * eta * mult.output(), v, stateV);
            decay(u, t, mult.input());
            backend.update(q, t, gradU, -s * eta * mult.input(), u, stateU);
            // biases (LIMITS.md 8.3): g_b = sum_j s_j dh^l_j per particle, like u with the input 1
            DeviceMatrix gradB = bias == null ? null : scratch.allocate(n, 1);
            for (int l = 1; bias != null && l <= layers; l++) {
                backend.gemm(false, false, 1.0, dh[l], scaleColumn, 0.0, gradB);
                decay(bias[l], t, mult.bias());
                backend.update(q, t, gradB, -s * eta * mult.bias(), bias[l], stateB[l]);
            }
        }
    }

    /** Decoupled weight decay of a vector-like tensor: its particles keep {@code 1 - eta_t m lambda} (LIMITS.md 1.2). */
    private void decay(DeviceMatrix particles, int t, double multiplier) {
        if (optimizer.weightDecay() > 0) {
            backend.scale(optimizer.kept(t, steps, multiplier), particles);
        }
    }

    /** Ranks of the hat families of hidden layer l: forward, backward. */
    int[] ranks(int l) {
        return hidden[l].ranks();
    }

    /** Copies the given columns of {@code source} into a new matrix. */
    private DeviceMatrix gather(DeviceMatrix source, int[] columns, MatrixScope scratch) {
        DeviceMatrix out = scratch.allocate(source.rows(), columns.length);
        for (int i = 0; i < columns.length; i++) {
            backend.copy(source.columns(columns[i], columns[i] + 1), out.columns(i, i + 1));
        }
        return out;
    }

    /** Copies the columns of {@code source} into the given columns of {@code target}. */
    private void scatter(DeviceMatrix source, int[] columns, DeviceMatrix target) {
        for (int i = 0; i < columns.length; i++) {
            backend.copy(source.columns(i, i + 1), target.columns(columns[i], columns[i] + 1));
        }
    }

    @Override
    public void close() {
        for (int l = 2; l <= layers; l++) {
            hidden[l].close();
        }
        scope.close();
    }
}
