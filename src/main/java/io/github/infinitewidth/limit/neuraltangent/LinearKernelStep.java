package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;

/**
 * The NT-limit step for update functions that are linear in the gradient history, with the
 * NTK computed once, {@code O(m^2)} per step (LIMITS.md section 3, "Special case Q = sgd").
 * sgd: {@code K_t = Theta chi_t}. momentum: every entry's {@code Q_t = b_t = sum_s beta1^(t-s) g_s},
 * and with frozen kets each g_s is linear in {@code chi_s}, so {@code K_t = Theta B_t} with
 * {@code B_t = beta1 B_{t-1} + chi_t}: exact, with no per-entry state.
 */
final class LinearKernelStep implements FunctionSpaceStep {
    private final double[] theta;
    private final int m;
    private final UpdateFunction q;
    private final double[] history;

    LinearKernelStep(double[] theta, int m, UpdateFunction q) {
        if (!q.isLinear() && q.kind() != UpdateFunction.Kind.MOMENTUM) {
            throw new IllegalArgumentException("a kernel step needs sgd or momentum, got " + q.kind().spelling());
        }
        this.theta = theta.clone();
        this.m = m;
        this.q = q;
        this.history = new double[m];
    }

    @Override
    public double[] kernel(double[] chi, int t) {
        double decay = q.kind() == UpdateFunction.Kind.MOMENTUM ? q.beta1() : 0.0;
        for (int j = 0; j < m; j++) {
            history[j] = decay * history[j] + chi[j];
        }
        double[] k = new double[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < m; j++) {
                s += theta[i * m + j] * history[j];
            }
            k[i] = s;
        }
        return k;
    }

    /** {@code nt/history}: the accumulated error signal {@code B_t}. */
    @Override
    public void saveTo(StateWriter out) {
        out.doubles("nt/history", history);
    }

    @Override
    public void restoreFrom(StateReader in) {
        double[] saved = in.doubles("nt/history");
        if (saved.length != m) {
            throw new io.github.infinitewidth.state.SavedStateException("the saved nt/history has " + saved.length + " entries, not " + m);
        }
        System.arraycopy(saved, 0, history, 0, m);
    }

    @Override
    public void close() {
        // nothing held outside the Java heap
    }
}
