package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.MatrixScope;
import io.github.infinitewidth.engine.BackwardSeed;
import io.github.infinitewidth.ket.CovarianceFactor;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The NT-limit step for nonlinear Q (sign, smoothsign, adam), over the particles of the frozen
 * kets (LIMITS.md section 3):
 * <pre>
 * K_t(i) = mv E[x^L_i Q(sum_j chi_j x^L_j)]
 *        + sum_{l=2..L} mW E_{a != b}[dh^l_{a,i} Q(sum_j chi_j dh^l_{a,j} x^{l-1}_{b,j}) x^{l-1}_{b,i}]
 *        + mu E[dh1_i sum_k Q(sum_j chi_j dh1_j xi_k(j)) xi_k(i)]
 *        + sum_{l=1..L} mb E[dh^l_i Q(sum_j chi_j dh^l_j)]      (with biases, LIMITS.md 8.2)
 * </pre>
 * The output and input weights and the biases of a particle are ordinary entries with their own optimizer
 * state ({@code N x 1} and {@code N x d}). A hidden entry is a pair (a, b): its term is the
 * nonlinear outer product over all ordered pairs {@code a != b}, {@code O(N^2 m)} per layer and step,
 * never an N x N matrix. For adam the pairs keep no state either: with frozen kets every pair's
 * moments are forms in the history of chi (Theorem 2.4.9), {@code m_t = sum_j M_tj P_j} and
 * {@code v_t = P^T V_t P} with {@code P_j = dh_{a,j} x_{b,j}},
 * {@code M_t = beta1 M_{t-1} + (1 - beta1) chi_t} and {@code V_t = beta2 V_{t-1} + (1 - beta2) chi_t chi_t^T},
 * which {@link Backend#adamOuterProduct} evaluates from a factor of V_t ({@code O(N^2 m rank(V_t))}).
 *
 * <p>With k outputs (LIMITS.md 2.4) each output c has its own backward kets {@code dh^l_c}. Inside Q
 * the one-output {@code chi_j dh^l_j} becomes the combined ket {@code D^l_j = sum_c chi_{j,c} dh^l_{c,j}},
 * formed as {@code s_j sum_c w_{j,c} dh^l_{c,j}} from the {@link BackwardSeed} so that one output is the
 * one-output arithmetic exactly; output c's term has {@code dh^l_{c,i}} outside Q. The output weights
 * are {@code N x k}, column c trained by {@code chi_{.,c}}. Adam's pair moments run over the
 * {@code m k} pairs (input, output), {@code P_{(j,c)} = dh^l_{c,a,j} x^{l-1}_{b,j}}: the kets stacked
 * column {@code j k + c}, in the layout of chi.
 */
final class ParticleStep implements FunctionSpaceStep {
    /** Eigen-directions of V_t below this fraction of the largest carry no second moment (rounding). */
    private static final double RANK_TOLERANCE = 1e-15;

    private final Backend backend;
    private final NeuralTangentKets kets;
    private final UpdateFunction q;
    private final LayerMultipliers mult;
    private final int n;
    private final int m;
    private final int outputs;
    private final int layers;
    private final MatrixScope scope;
    private final DeviceMatrix gradV;      // N x k
    private final DeviceMatrix directionV;
    private final DeviceMatrix gradU;      // N x d
    private final DeviceMatrix directionU;
    private final DeviceMatrix[] stateV;
    private final DeviceMatrix[] stateU;
    private final DeviceMatrix gradB;       // N x 1, one bias layer at a time
    private final DeviceMatrix directionB;
    private final DeviceMatrix[][] stateB;  // [l][s], null without biases
    private final DeviceMatrix scaled;     // N x m scratch
    private final DeviceMatrix pairTerm;   // N x m scratch
    private final DeviceMatrix combined;   // N x m, the combined backward ket; null with one output
    private final DeviceMatrix dhStack;    // N x m k, Adam's (input, output) columns; null unless adam with k > 1
    private final DeviceMatrix xStack;
    private final double[] firstMoment;
    private final double[] secondMoment;

    ParticleStep(NeuralTangentKets kets, UpdateFunction q, LayerMultipliers mult, Backend backend) {
        if (q.isLinear() || q.kind() == UpdateFunction.Kind.MOMENTUM) {
            throw new IllegalArgumentException("use the kernel step for " + q.kind().spelling());
        }
        this.backend = backend;
        this.scope = new MatrixScope(backend);
        this.kets = kets;
        this.q = q;
        this.mult = mult;
        this.layers = kets.layers();
        this.n = kets.v.rows();
        this.m = kets.xi.cols();
        this.outputs = kets.outputs();
        int d = kets.xi.rows();
        gradV = scope.allocate(n, outputs);
        directionV = scope.allocate(n, outputs);
        gradU = scope.allocate(n, d);
        directionU = scope.allocate(n, d);
        stateV = new DeviceMatrix[q.stateSize()];
        stateU = new DeviceMatrix[q.stateSize()];
        for (int s = 0; s < q.stateSize(); s++) {
            stateV[s] = scope.allocate(n, outputs);
            stateU[s] = scope.allocate(n, d);
        }
        gradB = scope.allocate(n, 1);
        directionB = scope.allocate(n, 1);
        stateB = kets.bias() ? new DeviceMatrix[layers + 1][] : null;
        for (int l = 1; stateB != null && l <= layers; l++) {
            stateB[l] = scope.allocate(q.stateSize(), n, 1);
        }
        scaled = scope.allocate(n, m);
        pairTerm = scope.allocate(n, m);
        combined = outputs > 1 ? scope.allocate(n, m) : null;
        boolean stacks = outputs > 1 && q.kind() == UpdateFunction.Kind.ADAM;
        dhStack = stacks ? scope.allocate(n, m * outputs) : null;
        xStack = stacks ? scope.allocate(n, m * outputs) : null;
        firstMoment = new double[m * outputs];
        secondMoment = new double[m * outputs * m * outputs];
    }

    @Override
    public double[] kernel(double[] chi, int t) {
        double[] k = new double[m * outputs];
        BackwardSeed seed = BackwardSeed.of(chi, outputs);
        double[] scales = seed.scales();
        try (DeviceMatrix chiByOutput = backend.upload(m, outputs, BackwardSeed.byOutput(chi, outputs));
             DeviceMatrix scaleColumn = backend.upload(m, 1, scales)) {
            // output weights, column c: g_{v_c}[a] = sum_j chi_{j,c} x^L[a, j]
            backend.gemm(false, false, 1.0, kets.x[layers], chiByOutput, 0.0, gradV);
            direction(t, gradV, directionV, stateV);
            double[] outputTerm = backend.gram(kets.x[layers], directionV);   // m x k
            for (int c = 0; c < outputs; c++) {
                addScaled(k, c, java.util.Arrays.copyOfRange(outputTerm, c * m, (c + 1) * m), mult.output());
            }

            // input weights: g_u[a, k] = sum_j D^1[a, j] xi_k(j); output c's term E[dh1_{c,i} (Q(g_u) xi)_i]
            backend.scaleColumns(scales, combinedDirection(1, seed), scaled);
            backend.gemm(false, true, 1.0, scaled, kets.xi, 0.0, gradU);
            direction(t, gradU, directionU, stateU);
            backend.gemm(false, false, 1.0, directionU, kets.xi, 0.0, pairTerm);
            addPairTerm(k, 1, mult.input());

            // biases: g_b[a] = sum_j D^l[a, j]; output c's term E[dh^l_{c,i} Q(g_b)]
            for (int l = 1; stateB != null && l <= layers; l++) {
                backend.gemm(false, false, 1.0, combinedDirection(l, seed), scaleColumn, 0.0, gradB);
                direction(t, gradB, directionB, stateB[l]);
                for (int c = 0; c < outputs; c++) {
                    addScaled(k, c, backend.gram(kets.backward[c][l], directionB), mult.bias());
                }
            }

            // hidden weights: the pair terms
            double[][] secondFactors = q.kind() == UpdateFunction.Kind.ADAM ? advanceMoments(chi) : null;
            for (int l = 2; l <= layers; l++) {
                double alpha = 1.0 / (n - 1);
                if (secondFactors == null) {
                    pairTermOverTheBatch(scales, combinedDirection(l, seed), l, alpha);
                } else if (outputs == 1) {
                    backend.adamOuterProduct(q, t, firstMoment, secondFactors, kets.dh[l], kets.x[l - 1],
                            kets.x[l - 1], alpha, true, pairTerm);
                } else {
                    stackPairColumns(l);
                    backend.adamOuterProduct(q, t, firstMoment, secondFactors, dhStack, xStack, kets.x[l - 1], alpha,
                            true, pairTerm);
                }
                addPairTerm(k, l, mult.hidden());
            }
        }
        return k;
    }

    /**
     * {@code sum_c w_{j,c} dh^l_{c,j}} for every input j, so that {@code D^l_j} is {@code s_j} times it:
     * with one output the backward ket itself. Uses {@code scaled} as scratch.
     */
    private DeviceMatrix combinedDirection(int l, BackwardSeed seed) {
        if (outputs == 1) {
            return kets.dh[l];
        }
        double[] w = new double[m];
        for (int c = 0; c < outputs; c++) {
            for (int j = 0; j < m; j++) {
                w[j] = seed.directions()[j * outputs + c];
            }
            backend.scaleColumns(w, kets.backward[c][l], c == 0 ? combined : scaled);
            if (c > 0) {
                backend.axpy(1.0, scaled, combined);
            }
        }
        return combined;
    }

    /** {@code dhStack[:, j k + c] = dh^l_c[:, j]} and {@code xStack[:, j k + c] = x^{l-1}[:, j]}. */
    private void stackPairColumns(int l) {
        for (int j = 0; j < m; j++) {
            for (int c = 0; c < outputs; c++) {
                int column = j * outputs + c;
                backend.copy(kets.backward[c][l].columns(j, j + 1), dhStack.columns(column, column + 1));
                backend.copy(kets.x[l - 1].columns(j, j + 1), xStack.columns(column, column + 1));
            }
        }
    }

    /** Adds {@code factor E[dh^l_{c,i} pairTerm_i]} to every output c's kernel: the backward ket outside Q. */
    private void addPairTerm(double[] k, int l, double factor) {
        for (int c = 0; c < outputs; c++) {
            addScaled(k, c, diagonalMean(kets.backward[c][l], pairTerm), factor);
        }
    }

    /**
     * {@code pairTerm = alpha sum_{b != a} Q(G_t(a, b)) x^{l-1}_b} for memoryless Q, where the pair
     * gradient {@code G_t(a, b) = sum_j s_j W_{a,j} x^{l-1}_{b,j}} ({@code s_j W_j = D^l_j}, with one
     * output {@code chi_j dh^l_j}) sums over the inputs with {@code s_j != 0} only (the batch; LIMITS.md
     * section 5.1), so its cost is {@code N^2 (B + m)} rather than {@code 2 N^2 m}.
     */
    private void pairTermOverTheBatch(double[] chi, DeviceMatrix backwardKet, int l, double alpha) {
        int[] batch = java.util.stream.IntStream.range(0, m).filter(j -> chi[j] != 0).toArray();
        if (batch.length == 0) {
            backend.fill(pairTerm, 0.0); // G = 0 for every pair, and Q(0) = 0 for sign and smoothsign
            return;
        }
        double[] chiBatch = new double[batch.length];
        try (MatrixScope scratch = new MatrixScope(backend)) {
            DeviceMatrix dh = scratch.allocate(n, batch.length);
            DeviceMatrix x = scratch.allocate(n, batch.length);
            for (int k = 0; k < batch.length; k++) {
                chiBatch[k] = chi[batch[k]];
                backend.copy(backwardKet.columns(batch[k], batch[k] + 1), dh.columns(k, k + 1));
                backend.copy(kets.x[l - 1].columns(batch[k], batch[k] + 1), x.columns(k, k + 1));
            }
            backend.nonlinearOuterProduct(q, chiBatch, dh, x, kets.x[l - 1], alpha, true, pairTerm);
        }
    }

    /** {@code out = Q_t(grad)} entrywise with the entries' own state. */
    private void direction(int t, DeviceMatrix grad, DeviceMatrix out, DeviceMatrix[] state) {
        backend.fill(out, 0.0);
        backend.update(q, t, grad, 1.0, out, state);
    }

    /** {@code E[a_i b_i]} for every column i. */
    private double[] diagonalMean(DeviceMatrix a, DeviceMatrix b) {
        backend.hadamard(a, b, scaled);
        return backend.columnMeans(scaled);
    }

    /**
     * Advances Adam's pair moments by chi_t (its {@code p = m k} entries, one per (input, output) pair);
     * returns the factors {@code f_r} with {@code V_t = sum_r f_r f_r^T}.
     */
    private double[][] advanceMoments(double[] chi) {
        int p = chi.length;
        for (int i = 0; i < p; i++) {
            firstMoment[i] = q.beta1() * firstMoment[i] + (1 - q.beta1()) * chi[i];
            for (int j = 0; j < p; j++) {
                secondMoment[i * p + j] = q.beta2() * secondMoment[i * p + j] + (1 - q.beta2()) * chi[i] * chi[j];
            }
        }
        double[] f = CovarianceFactor.of(secondMoment, p);
        double largest = 0;
        double[] norms = new double[p];
        for (int r = 0; r < p; r++) {
            for (int i = 0; i < p; i++) {
                norms[r] += f[i + r * p] * f[i + r * p];
            }
            largest = Math.max(largest, norms[r]);
        }
        List<double[]> factors = new ArrayList<>();
        for (int r = 0; r < p; r++) {
            if (norms[r] > RANK_TOLERANCE * largest) {
                double[] column = new double[p];
                System.arraycopy(f, r * p, column, 0, p);
                factors.add(column);
            }
        }
        return factors.toArray(new double[0][]);
    }

    /** {@code K(i, c) += factor term_i} for every input i. */
    private void addScaled(double[] k, int c, double[] term, double factor) {
        for (int i = 0; i < m; i++) {
            k[i * outputs + c] += factor * term[i];
        }
    }

    /**
     * {@code nt/state/v/<k>} and {@code nt/state/u/<k>}: the optimizer state of the output and
     * input weights, with biases {@code nt/state/b<l>/<k>}; {@code nt/adam/first} and {@code nt/adam/second}: Adam's pair moments
     * {@code M_t} and {@code V_t}.
     */
    @Override
    public void saveTo(StateWriter out) {
        for (int s = 0; s < stateV.length; s++) {
            out.matrix("nt/state/v/" + s, stateV[s]);
            out.matrix("nt/state/u/" + s, stateU[s]);
            for (int l = 1; stateB != null && l <= layers; l++) {
                out.matrix("nt/state/b" + l + "/" + s, stateB[l][s]);
            }
        }
        out.doubles("nt/adam/first", firstMoment);
        out.doubles("nt/adam/second", secondMoment);
    }

    @Override
    public void restoreFrom(StateReader in) {
        for (int s = 0; s < stateV.length; s++) {
            in.matrix("nt/state/v/" + s, stateV[s]);
            in.matrix("nt/state/u/" + s, stateU[s]);
            for (int l = 1; stateB != null && l <= layers; l++) {
                in.matrix("nt/state/b" + l + "/" + s, stateB[l][s]);
            }
        }
        copyInto(in.doubles("nt/adam/first"), firstMoment, "nt/adam/first");
        copyInto(in.doubles("nt/adam/second"), secondMoment, "nt/adam/second");
    }

    private static void copyInto(double[] saved, double[] into, String name) {
        if (saved.length != into.length) {
            throw new io.github.infinitewidth.state.SavedStateException("the saved " + name + " has " + saved.length + " entries, not "
                    + into.length);
        }
        System.arraycopy(saved, 0, into, 0, into.length);
    }

    @Override
    public void close() {
        scope.close();
    }
}
