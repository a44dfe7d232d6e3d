package io.github.infinitewidth.limit.maximalupdate;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;

/**
 * {@code DeltaW} for nonlinear Q (LIMITS.md section 5): the {@code N x N} pair matrix
 * {@code P = sum_{s<t} Q_s(G_s(a, b))} with the diagonal excluded (a particle is never paired
 * with itself), applied as {@code DeltaW y = -(eta mW / N) P y}. Memoryful Q (momentum, adam)
 * also keep the optimizer state of every pair, {@code stateSize} more N x N matrices (adam: three
 * in all). Every Q updates through the fused pair kernel ({@link Backend#updatePairs}), which
 * forms {@code G_t(a, b)} tile by tile and never stores it. Each step costs {@code O(N^2 B)} to
 * update and {@code O(N^2 m)} to apply. At N = 16384 one float64 N x N matrix is 2 GiB, one float32
 * matrix ({@code simulation.pairPrecision: float32}) 1 GiB.
 */
final class PairDeltaW implements DeltaW {
    private final Backend backend;
    private final UpdateFunction q;
    private final double rate;
    private final DeviceMatrix pairs;
    private final DeviceMatrix[] state;

    /**
     * @param rate {@code eta mW}
     * @param storage how the pair matrix and the pairs' state are stored ({@code simulation.pairPrecision});
     *     the arithmetic is float64 either way
     */
    PairDeltaW(Backend backend, int particles, UpdateFunction q, double rate, Precision storage) {
        this.backend = backend;
        this.q = q;
        this.rate = rate;
        this.pairs = backend.allocate(particles, particles, storage);
        this.state = new DeviceMatrix[q.stateSize()];
        for (int s = 0; s < state.length; s++) {
            state[s] = backend.allocate(particles, particles, storage);
        }
    }

    /** Number of N x N matrices this representation holds for update function q. */
    static int matrices(UpdateFunction q) {
        return 1 + q.stateSize();
    }

    @Override
    public void apply(DeviceMatrix y, DeviceMatrix out) {
        backend.gemm(false, false, -rate / pairs.rows(), pairs, y, 1.0, out);
    }

    @Override
    public void applyTransposed(DeviceMatrix z, DeviceMatrix out) {
        backend.gemm(true, false, -rate / pairs.rows(), pairs, z, 1.0, out);
    }

    @Override
    public void update(double[] chi, DeviceMatrix dh, DeviceMatrix x, int t, double weight) {
        // P stays in units of eta: step t adds weight Q_t(G_t); the diagonal stays 0
        backend.updatePairs(q, t, chi, dh, x, weight, true, pairs, state);
    }

    /**
     * {@code prefix/pairs} (the N x N pair matrix) and {@code prefix/state/<k>} (every pair's optimizer
     * state, memoryful Q).
     */
    @Override
    public void saveTo(StateWriter out, String prefix) {
        out.matrix(prefix + "/pairs", pairs);
        for (int s = 0; s < state.length; s++) {
            out.matrix(prefix + "/state/" + s, state[s]);
        }
    }

    @Override
    public void restoreFrom(StateReader in, String prefix) {
        in.matrix(prefix + "/pairs", pairs);
        for (int s = 0; s < state.length; s++) {
            in.matrix(prefix + "/state/" + s, state[s]);
        }
    }

    @Override
    public void close() {
        pairs.close();
        for (DeviceMatrix s : state) {
            s.close();
        }
    }
}
