package io.github.infinitewidth.backend.cpu;

import io.github.infinitewidth.optim.UpdateFunction;

/**
 * One optimizer step of a row of pairs, each with its own state (LIMITS.md sections 1 and 5), for
 * {@link CpuNonlinearOuterProduct#update}: {@code pairs[at + aa] += alpha Q_t(g[aa])} with the
 * arithmetic of {@link CpuBackend#update}. The step is memory bound (pairs and state are read and
 * written once per step), so float64 storage is read straight from its arrays; other storage goes
 * through {@link CpuMatrix#get} and {@link CpuMatrix#set}, with the same results.
 */
abstract class PairStep {
    final CpuMatrix pairs;
    final CpuMatrix[] state;
    final double alpha;

    private PairStep(CpuMatrix pairs, CpuMatrix[] state, double alpha) {
        this.pairs = pairs;
        this.state = state;
        this.alpha = alpha;
    }

    /** The step of memoryful Q (momentum: state b; adam: state m then v) at step {@code step}. */
    static PairStep of(UpdateFunction q, int step, double alpha, CpuMatrix pairs, CpuMatrix[] state) {
        boolean arrays = pairs.isDouble();
        for (CpuMatrix s : state) {
            arrays &= s.isDouble();
        }
        if (q.kind() == UpdateFunction.Kind.ADAM) {
            return arrays ? new AdamOnArrays(q, step, alpha, pairs, state) : new Adam(q, step, alpha, pairs, state);
        }
        if (q.kind() == UpdateFunction.Kind.MOMENTUM) {
            return arrays ? new MomentumOnArrays(q, alpha, pairs, state) : new Momentum(q, alpha, pairs, state);
        }
        throw new IllegalArgumentException("a pair step needs momentum or adam, got " + q.kind().spelling());
    }

    /** Steps the pairs {@code at .. at + length} with gradients {@code g[0 .. length)}. */
    abstract void row(double[] g, int length, int at);

    /** The pair and its state at {@code at}, for {@link #write}. */
    static double[] read(CpuMatrix pairs, CpuMatrix[] state, int at) {
        double[] out = new double[1 + state.length];
        out[0] = pairs.get(at);
        for (int s = 0; s < state.length; s++) {
            out[1 + s] = state[s].get(at);
        }
        return out;
    }

    /** Puts back what {@link #read} returned. */
    static void write(double[] values, CpuMatrix pairs, CpuMatrix[] state, int at) {
        pairs.set(at, values[0]);
        for (int s = 0; s < state.length; s++) {
            state[s].set(at, values[1 + s]);
        }
    }

    private static final class Adam extends PairStep {
        private final UpdateFunction q;
        private final double c1;
        private final double c2;

        Adam(UpdateFunction q, int step, double alpha, CpuMatrix pairs, CpuMatrix[] state) {
            super(pairs, state, alpha);
            this.q = q;
            this.c1 = q.firstBiasCorrection(step);
            this.c2 = q.secondBiasCorrection(step);
        }

        @Override
        void row(double[] g, int length, int at) {
            for (int aa = 0; aa < length; aa++) {
                double mi = q.beta1() * state[0].get(at + aa) + (1 - q.beta1()) * g[aa];
                double vi = q.beta2() * state[1].get(at + aa) + (1 - q.beta2()) * g[aa] * g[aa];
                state[0].set(at + aa, mi);
                state[1].set(at + aa, vi);
                pairs.set(at + aa, pairs.get(at + aa) + alpha * q.adamDirection(mi, vi, c1, c2));
            }
        }
    }

    private static final class AdamOnArrays extends PairStep {
        private final double beta1;
        private final double beta2;
        private final double epsilon;
        private final double c1;
        private final double c2;

        AdamOnArrays(UpdateFunction q, int step, double alpha, CpuMatrix pairs, CpuMatrix[] state) {
            super(pairs, state, alpha);
            this.beta1 = q.beta1();
            this.beta2 = q.beta2();
            this.epsilon = q.epsilon();
            this.c1 = q.firstBiasCorrection(step);
            this.c2 = q.secondBiasCorrection(step);
        }

        @Override
        void row(double[] g, int length, int at) {
            double[] p = pairs.doubles();
            double[] m = state[0].doubles();
            double[] v = state[1].doubles();
            int po = pairs.offset() + at;
            int mo = state[0].offset() + at;
            int vo = state[1].offset() + at;
            if (CpuGemm.VECTOR) {
                VectorAdam.row(g, length, p, po, m, mo, v, vo, beta1, beta2, epsilon, c1, c2, alpha);
                return;
            }
            adamEntries(g, 0, length, p, po, m, mo, v, vo, beta1, beta2, epsilon, c1, c2, alpha);
        }
    }

    /**
     * Adam's step on entries {@code from .. length - 1} of a row held in float64 arrays: the operations
     * of {@link UpdateFunction#adamDirection(double, double, double, double)} written out, in the same order.
     */
    static void adamEntries(double[] g, int from, int length, double[] p, int po, double[] m, int mo, double[] v,
                            int vo, double beta1, double beta2, double epsilon, double c1, double c2, double alpha) {
        for (int aa = from; aa < length; aa++) {
            double gi = g[aa];
            double mi = beta1 * m[mo + aa] + (1 - beta1) * gi;
            double vi = beta2 * v[vo + aa] + (1 - beta2) * gi * gi;
            m[mo + aa] = mi;
            v[vo + aa] = vi;
            p[po + aa] = p[po + aa] + alpha * ((mi / c1) / (Math.sqrt(vi / c2) + epsilon));
        }
    }

    private static final class Momentum extends PairStep {
        private final double beta1;

        Momentum(UpdateFunction q, double alpha, CpuMatrix pairs, CpuMatrix[] state) {
            super(pairs, state, alpha);
            this.beta1 = q.beta1();
        }

        @Override
        void row(double[] g, int length, int at) {
            for (int aa = 0; aa < length; aa++) {
                double b = beta1 * state[0].get(at + aa) + g[aa];
                state[0].set(at + aa, b);
                pairs.set(at + aa, pairs.get(at + aa) + alpha * b);
            }
        }
    }

    private static final class MomentumOnArrays extends PairStep {
        private final double beta1;

        MomentumOnArrays(UpdateFunction q, double alpha, CpuMatrix pairs, CpuMatrix[] state) {
            super(pairs, state, alpha);
            this.beta1 = q.beta1();
        }

        @Override
        void row(double[] g, int length, int at) {
            double[] p = pairs.doubles();
            double[] b = state[0].doubles();
            int po = pairs.offset() + at;
            int bo = state[0].offset() + at;
            for (int aa = 0; aa < length; aa++) {
                double bi = beta1 * b[bo + aa] + g[aa];
                b[bo + aa] = bi;
                p[po + aa] = p[po + aa] + alpha * bi;
            }
        }
    }
}
