package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The NT-limit function with decoupled weight decay for sgd and momentum (LIMITS.md 1.2, "NT limit"):
 * <pre>
 * f_t = f^init_t - sum_{r<t} sum_tau m_tau w^tau_{t,r} K^tau_{t,r} chi_r
 * w^tau_{t,r} = C^tau_t sum_{s=r}^{t-1} eta_s beta1^(s-r) / C^tau_{s+1}        (beta1 = 0 for sgd)
 * K^v_{t,r}(i,j)   = E[x^L_{t,i} x^L_{r,j}]
 * K^W_{t,r}(i,j)   = sum_{l=2..L} E[dh^l_{t,i} dh^l_{r,j}] E[x^{l-1}_{t,i} x^{l-1}_{r,j}]
 * K^u_{t,r}(i,j)   = E[dh^1_{t,i} dh^1_{r,j}] xi_i . xi_j
 * K^b_{t,r}(i,j)   = sum_{l=1..L} E[dh^l_{t,i} dh^l_{r,j}]                       (with biases)
 * </pre>
 * with the time-indexed kets of {@link DecayedKets}; with {@code centerOutput}, {@code f^init_0} is
 * subtracted. With k outputs every output has this kernel and none couples two (LIMITS.md 2.4): output
 * c's {@code f^init} and {@code chi_r(., c)} enter as above. The function is recomputed from the whole history of error signals at every step (the
 * kets move with t, so no running sum carries over): {@code O(L N t m^2)} for the two-time kernels of
 * step t and {@code O(t m^2)} for the sum. The state is the error signals so far.
 */
final class DecayedKernelStep implements DecayedStep {
    private final DecayedKets kets;
    private final DecayFactors c;
    private final double[] eta;
    private final double beta;
    private final LayerMultipliers mult;
    private final boolean center;
    private final int m;
    private final int outputs;
    private final int layers;
    private final double[] inputDots;
    private final List<double[]> history = new ArrayList<>();

    /**
     * @param eta {@code eta_t} for t = 0..T-1 (the schedule's rates)
     * @param center whether the outputs are {@code f - f_0} ({@code simulation.centerOutput})
     */
    DecayedKernelStep(DecayedKets kets, DecayFactors c, double[] eta, UpdateFunction q, LayerMultipliers mult,
                      boolean center) {
        if (!q.isLinear() && q.kind() != UpdateFunction.Kind.MOMENTUM) {
            throw new IllegalArgumentException("a kernel step needs sgd or momentum, got " + q.kind().spelling());
        }
        this.kets = kets;
        this.c = c;
        this.eta = eta.clone();
        this.beta = q.kind() == UpdateFunction.Kind.MOMENTUM ? q.beta1() : 0.0;
        this.mult = mult;
        this.center = center;
        this.m = kets.inputs();
        this.outputs = kets.outputs();
        this.layers = kets.layers();
        double[][] xi = kets.inputVectors();
        inputDots = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int k = 0; k < xi[i].length; k++) {
                    s += xi[i][k] * xi[j][k];
                }
                inputDots[i * m + j] = s;
            }
        }
    }

    @Override
    public void learn(double[] chi) {
        history.add(chi.clone());
    }

    /** The steps learned so far. */
    int learned() {
        return history.size();
    }

    /** {@code f_t} at every input ({@code [i k + c]}), after the {@code t = learned()} steps recorded so far. */
    @Override
    public double[] outputs() {
        int t = history.size();
        double[] f = kets.initialOutputs(t, center);
        if (t == 0) {
            return f;
        }
        Backend backend = kets.backend();
        double[][] xGram = new double[layers + 1][];
        double[][] dhGram = new double[layers + 1][];
        for (int l = 1; l <= layers; l++) {
            xGram[l] = twoTime(backend, kets.x[l], t);
            dhGram[l] = twoTime(backend, kets.dh[l], t);
        }
        double[] wu = weights(c.input(), t);
        double[] ww = weights(c.hidden(), t);
        double[] wv = weights(c.output(), t);
        double[] wb = kets.bias() ? weights(c.bias(), t) : null;
        for (int r = 0; r < t; r++) {
            double[] chi = history.get(r);
            for (int j = 0; j < m; j++) {
                for (int i = 0; i < m; i++) {
                    int at = i + (r * m + j) * m;   // gram's column-major m x (t m) layout
                    double k = mult.output() * wv[r] * xGram[layers][at]
                            + mult.input() * wu[r] * dhGram[1][at] * inputDots[i * m + j];
                    for (int l = 2; l <= layers; l++) {
                        k += mult.hidden() * ww[r] * dhGram[l][at] * xGram[l - 1][at];
                    }
                    for (int l = 1; wb != null && l <= layers; l++) {
                        k += mult.bias() * wb[r] * dhGram[l][at];
                    }
                    // the same kernel for every output, none between outputs (LIMITS.md 2.4)
                    for (int c = 0; c < outputs; c++) {
                        if (chi[j * outputs + c] != 0) {
                            f[i * outputs + c] -= k * chi[j * outputs + c];
                        }
                    }
                }
            }
        }
        return f;
    }

    /** {@code E[ket_{t,i} ket_{r,j}]} for r < t: m x (t m), column-major. */
    private double[] twoTime(Backend backend, DeviceMatrix ket, int t) {
        return backend.gram(kets.block(ket, t), ket.columns(0, t * m));
    }

    /**
     * {@code w_{t,r}} for r < t: the weight with which the gradient of step r reaches {@code f_t} through
     * a tensor with decay factors {@code cs}; momentum spreads it over the steps r..t-1 that reuse it.
     */
    private double[] weights(double[] cs, int t) {
        double[] w = new double[t];
        double later = 0;
        for (int r = t - 1; r >= 0; r--) {
            later = eta[r] / cs[r + 1] + beta * later;
            w[r] = cs[t] * later;
        }
        return w;
    }

    @Override
    public void saveTo(StateWriter out) {
        SavedErrorSignals.save(out, history, m * outputs);
    }

    @Override
    public void restoreFrom(StateReader in, int steps) {
        history.clear();
        history.addAll(SavedErrorSignals.read(in, steps, m * outputs));
    }

    /** The kernel step holds no matrix of its own. */
    @Override
    public void close() {
    }
}
