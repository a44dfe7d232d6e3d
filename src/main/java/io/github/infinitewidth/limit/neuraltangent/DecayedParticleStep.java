package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.MatrixScope;
import io.github.infinitewidth.engine.BackwardSeed;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The NT-limit function with decoupled weight decay for sign, smoothsign and adam
 * (LIMITS.md 1.2, "NT limit", nonlinear Q). Step s updates every entry of a tensor tau by
 * {@code delta_s = -eta_s m_tau Q_s(g_0 .. g_s)} with its gradients taken with the kets of their own
 * steps, and that update reaches {@code f_t} with the factor {@code C_t / C_{s+1}}. The factor splits,
 * so each tensor keeps the running sum {@code A_t = sum_{s<t} (eta_s / C_{s+1}) Q_s} and
 * <pre>
 * f_t(i) = f^init_t(i) - mv C^v_t E[x^L_{t,a,i} A^v_a]
 *                      - mu C^u_t E[dh^1_{t,a,i} sum_k A^u_{a,k} xi_k(i)]
 *                      - sum_{l=2..L} mW C^W_t E_{a != b}[dh^l_{t,a,i} A^l(a, b) x^{l-1}_{t,b,i}]
 *                      - sum_{l=1..L} mb C^b_t E[dh^l_{t,a,i} A^{b,l}_a]                  (with biases)
 * </pre>
 * with {@code g^v_s(a) = sum_j chi_sj x^L_{s,a,j}}, {@code g^u_s(a, k) = sum_j chi_sj dh^1_{s,a,j} xi_k(j)},
 * {@code g^{b,l}_s(a) = sum_j chi_sj dh^l_{s,a,j}} and the pair gradients
 * {@code G^l_s(a, b) = sum_j chi_sj dh^l_{s,a,j} x^{l-1}_{s,b,j}}. The kets move, so Adam's pair moments
 * are no forms in the history of chi with one fixed P (as {@link ParticleStep} uses without decay):
 * every pair (a, b), a != b, keeps its sum and its optimizer state in N x N matrices (3 per hidden
 * matrix for adam, 1 for sign and smoothsign), every particle entry of u, v and b likewise.
 * With k outputs (LIMITS.md 2.4 with the time index of 1.2) each output c has its own backward kets
 * {@code dh^l_{c,s}}: inside Q the one-output {@code chi_sj dh^l_{s,j}} becomes the combined ket
 * {@code D^l_{s,j} = sum_c chi_{sj,c} dh^l_{c,s,j}}, formed as {@code s_j sum_c w_{j,c} dh^l_{c,s,j}}
 * from the {@link BackwardSeed} so that one output is the one-output arithmetic exactly, and output c's
 * term has {@code dh^l_{c,t,i}} outside Q; the output weights are {@code N x k}, column c trained by
 * {@code chi_{.,c}} (every entry its own state).
 * Cost per step: {@code O(L N^2 m)} for the pair updates and the pair terms. Checkpoints hold the
 * error signals so far; a restore replays them, which rebuilds the state exactly.
 */
final class DecayedParticleStep implements DecayedStep {
    private final DecayedKets kets;
    private final DecayFactors c;
    private final double[] eta;
    private final UpdateFunction q;
    private final LayerMultipliers mult;
    private final boolean center;
    private final Backend backend;
    private final MatrixScope scope;
    private final int n;
    private final int m;
    private final int layers;
    private final DeviceMatrix xi;          // d x m
    private final int outputs;
    private final DeviceMatrix gradV;       // N x k
    private final DeviceMatrix sumV;
    private final DeviceMatrix[] stateV;
    private final DeviceMatrix gradU;       // N x d
    private final DeviceMatrix sumU;
    private final DeviceMatrix[] stateU;
    private final DeviceMatrix gradB;       // N x 1, one bias layer at a time
    private final DeviceMatrix[] sumB;      // [l], null without biases
    private final DeviceMatrix[][] stateB;
    private final DeviceMatrix[] sumW;      // [l] N x N, l = 2..L
    private final DeviceMatrix[][] stateW;
    private final DeviceMatrix scaled;      // N x m scratch
    private final DeviceMatrix pairTerm;    // N x m scratch
    private final DeviceMatrix combined;    // N x m, the combined backward ket; null with one output
    private final List<double[]> history = new ArrayList<>();

    /**
     * @param eta {@code eta_t} for t = 0..T-1 (the schedule's rates)
     * @param center whether the outputs are {@code f - f_0} ({@code simulation.centerOutput})
     */
    DecayedParticleStep(DecayedKets kets, DecayFactors c, double[] eta, UpdateFunction q, LayerMultipliers mult,
                        boolean center) {
        if (q.isLinear() || q.kind() == UpdateFunction.Kind.MOMENTUM) {
            throw new IllegalArgumentException("use the decayed kernel step for " + q.kind().spelling());
        }
        if (kets.backwardOutputs() != kets.outputs()) {
            throw new IllegalArgumentException("the kets need every output's backward kets, got " + kets.backwardOutputs()
                    + " of " + kets.outputs());
        }
        this.kets = kets;
        this.c = c;
        this.eta = eta.clone();
        this.q = q;
        this.mult = mult;
        this.center = center;
        this.backend = kets.backend();
        this.scope = new MatrixScope(backend);
        this.layers = kets.layers();
        this.n = kets.x[1].rows();
        this.m = kets.inputs();
        this.outputs = kets.outputs();
        double[][] inputs = kets.inputVectors();
        int d = inputs[0].length;
        double[] columnMajor = new double[d * m];
        for (int j = 0; j < m; j++) {
            System.arraycopy(inputs[j], 0, columnMajor, j * d, d);
        }
        xi = scope.upload(d, m, columnMajor);
        int states = q.stateSize();
        gradV = scope.allocate(n, outputs);
        sumV = zeros(n, outputs);
        stateV = zeros(states, n, outputs);
        gradU = scope.allocate(n, d);
        sumU = zeros(n, d);
        stateU = zeros(states, n, d);
        gradB = scope.allocate(n, 1);
        sumB = kets.bias() ? new DeviceMatrix[layers + 1] : null;
        stateB = kets.bias() ? new DeviceMatrix[layers + 1][] : null;
        for (int l = 1; sumB != null && l <= layers; l++) {
            sumB[l] = zeros(n, 1);
            stateB[l] = zeros(states, n, 1);
        }
        sumW = new DeviceMatrix[layers + 1];
        stateW = new DeviceMatrix[layers + 1][];
        for (int l = 2; l <= layers; l++) {
            sumW[l] = zeros(n, n);
            stateW[l] = zeros(states, n, n);
        }
        scaled = scope.allocate(n, m);
        pairTerm = scope.allocate(n, m);
        combined = outputs > 1 ? scope.allocate(n, m) : null;
    }

    private DeviceMatrix zeros(int rows, int cols) {
        DeviceMatrix z = scope.allocate(rows, cols);
        backend.fill(z, 0.0);
        return z;
    }

    private DeviceMatrix[] zeros(int count, int rows, int cols) {
        DeviceMatrix[] z = new DeviceMatrix[count];
        for (int s = 0; s < count; s++) {
            z[s] = zeros(rows, cols);
        }
        return z;
    }

    /** Step s = learned so far: every entry's optimizer takes its gradient of step s, and its sum gains the update. */
    @Override
    public void learn(double[] chi) {
        int s = history.size();
        history.add(chi.clone());
        BackwardSeed seed = BackwardSeed.of(chi, outputs);
        double[] scales = seed.scales();
        try (DeviceMatrix chiByOutput = backend.upload(m, outputs, BackwardSeed.byOutput(chi, outputs));
             DeviceMatrix scaleColumn = backend.upload(m, 1, scales)) {
            // output weights, column c: g_{v_c}[a] = sum_j chi_{j,c} x^L_{s,a,j}
            backend.gemm(false, false, 1.0, kets.block(kets.x[layers], s), chiByOutput, 0.0, gradV);
            backend.update(q, s, gradV, eta[s] / c.output(s + 1), sumV, stateV);

            // g_u[a, k] = sum_j D^1_{s,a,j} xi_k(j)
            backend.scaleColumns(scales, combinedDirection(1, s, seed), scaled);
            backend.gemm(false, true, 1.0, scaled, xi, 0.0, gradU);
            backend.update(q, s, gradU, eta[s] / c.input(s + 1), sumU, stateU);

            for (int l = 1; sumB != null && l <= layers; l++) {
                backend.gemm(false, false, 1.0, combinedDirection(l, s, seed), scaleColumn, 0.0, gradB);
                backend.update(q, s, gradB, eta[s] / c.bias(s + 1), sumB[l], stateB[l]);
            }
        }
        for (int l = 2; l <= layers; l++) {
            // the diagonal pairs (a, a) stay 0: the pair terms run over a != b (LIMITS.md section 3)
            backend.updatePairs(q, s, scales, combinedDirection(l, s, seed), kets.block(kets.x[l - 1], s),
                    eta[s] / c.hidden(s + 1), true, sumW[l], stateW[l]);
        }
    }

    /**
     * {@code sum_c w_{j,c} dh^l_{c,s,j}} for every input j, so that {@code D^l_{s,j}} is {@code s_j} times
     * it: with one output the backward ket of step s itself. Uses {@code scaled} as scratch.
     */
    private DeviceMatrix combinedDirection(int l, int s, BackwardSeed seed) {
        if (outputs == 1) {
            return kets.block(kets.dh[l], s);
        }
        double[] w = new double[m];
        for (int o = 0; o < outputs; o++) {
            for (int j = 0; j < m; j++) {
                w[j] = seed.directions()[j * outputs + o];
            }
            backend.scaleColumns(w, kets.block(kets.backward[o][l], s), o == 0 ? combined : scaled);
            if (o > 0) {
                backend.axpy(1.0, scaled, combined);
            }
        }
        return combined;
    }

    @Override
    public double[] outputs() {
        int t = history.size();
        double[] f = kets.initialOutputs(t, center);
        if (t == 0) {
            return f;
        }
        double[] outputTerm = backend.gram(kets.block(kets.x[layers], t), sumV);   // m x k
        for (int o = 0; o < outputs; o++) {
            subtract(f, o, java.util.Arrays.copyOfRange(outputTerm, o * m, (o + 1) * m), mult.output() * c.output(t));
        }

        // output c's terms have its own backward ket of step t outside Q (LIMITS.md 2.4)
        backend.gemm(false, false, 1.0, sumU, xi, 0.0, pairTerm);
        for (int o = 0; o < outputs; o++) {
            subtract(f, o, diagonalMean(kets.block(kets.backward[o][1], t), pairTerm), mult.input() * c.input(t));
        }

        for (int l = 1; sumB != null && l <= layers; l++) {
            for (int o = 0; o < outputs; o++) {
                subtract(f, o, backend.gram(kets.block(kets.backward[o][l], t), sumB[l]), mult.bias() * c.bias(t));
            }
        }
        for (int l = 2; l <= layers; l++) {
            backend.gemm(false, false, 1.0 / (n - 1), sumW[l], kets.block(kets.x[l - 1], t), 0.0, pairTerm);
            for (int o = 0; o < outputs; o++) {
                subtract(f, o, diagonalMean(kets.block(kets.backward[o][l], t), pairTerm), mult.hidden() * c.hidden(t));
            }
        }
        return f;
    }

    /** {@code f(i, o) -= factor term_i} for every input i. */
    private void subtract(double[] f, int o, double[] term, double factor) {
        for (int i = 0; i < m; i++) {
            f[i * outputs + o] -= factor * term[i];
        }
    }

    /** {@code E[a_i b_i]} for every column i. */
    private double[] diagonalMean(DeviceMatrix a, DeviceMatrix b) {
        backend.hadamard(a, b, scaled);
        return backend.columnMeans(scaled);
    }

    @Override
    public void saveTo(StateWriter out) {
        SavedErrorSignals.save(out, history, m * outputs);
    }

    /** Replays the saved error signals from a fresh state: the same arithmetic, so the same state bit for bit. */
    @Override
    public void restoreFrom(StateReader in, int steps) {
        if (!history.isEmpty()) {
            throw new IllegalStateException("a step continues from a checkpoint before its first step only");
        }
        for (double[] chi : SavedErrorSignals.read(in, steps, m * outputs)) {
            learn(chi);
        }
    }

    @Override
    public void close() {
        scope.close();
    }
}
