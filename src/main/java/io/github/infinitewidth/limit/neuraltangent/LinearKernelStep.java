package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;

/**
 * The NT-limit step for update functions that are linear in the gradient history, with the
 * NTK computed once, {@code O(m^2)} per step (LIMITS.md section 3, "Special case Q = sgd").
 * sgd: {@code K_t = Theta chi_t}. momentum: every entry's {@code Q_t = b_t = sum_s beta1^(t-s) g_s},
 * and with frozen kets each g_s is linear in {@code chi_s}, so {@code K_t = Theta B_t} with
 * {@code B_t = beta1 B_{t-1} + chi_t}: exact, with no per-entry state. With k outputs the kernel
 * is block diagonal (LIMITS.md 2.4): {@code K_t(i, c) = sum_j Theta_ij B_t(j, c)}, each output
 * on its own with the same Theta.
 */
final class LinearKernelStep implements FunctionSpaceStep {
    private final double[] theta;
    private final int m;
    private final int outputs;
    private final UpdateFunction q;
    private final double[] history;    // B_t, m k entries in the layout of chi

    /** @param outputs k, the outputs per input */
    LinearKernelStep(double[] theta, int m, int outputs, UpdateFunction q) {
        if (!q.isLinear() && q.kind() != UpdateFunction.Kind.MOMENTUM) {
            throw new IllegalArgumentException("a kernel step needs sgd or momentum, got " + q.kind().spelling());
        }
        this.theta = theta.clone();
        this.m = m;
        this.outputs = outputs;
        this.q = q;
        this.history = new double[m * outputs];
    }

    @Override
    public double[] kernel(double[] chi, int t) {
        double decay = q.kind() == UpdateFunction.Kind.MOMENTUM ? q.beta1() : 0.0;
        for (int j = 0; j < history.length; j++) {
            history[j] = decay * history[j] + chi[j];
        }
        double[] k = new double[m * outputs];
        for (int i = 0; i < m; i++) {
            for (int c = 0; c < outputs; c++) {
                double s = 0;
                for (int j = 0; j < m; j++) {
                    s += theta[i * m + j] * history[j * outputs + c];
                }
                k[i * outputs + c] = s;
            }
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
        if (saved.length != history.length) {
            throw new io.github.infinitewidth.state.SavedStateException("the saved nt/history has " + saved.length
                    + " entries, not " + history.length);
        }
        System.arraycopy(saved, 0, history, 0, history.length);
    }

    @Override
    public void close() {
        // nothing held outside the Java heap
    }
}
