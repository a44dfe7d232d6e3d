package io.github.infinitewidth.limit.maximalupdate;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;

/**
 * {@code DeltaW} for nonlinear Q (LIMITS.md section 5): the {@code N x N} pair matrix
 * {@code P = sum_{s<t} Q_s(G_s(a, b))} with the diagonal excluded (a particle is never paired
 * with itself), applied as {@code DeltaW y = -(eta mW / N) P y}. Memoryless Q (sign,
 * smoothsign) accumulate with the fused pair kernel; memoryful Q (momentum, adam) keep the
 * optimizer state of every pair, {@code stateSize} more N x N matrices, and form
 * {@code G_t} explicitly (one more). Each step costs {@code O(N^2 B)} to update and
 * {@code O(N^2 m)} to apply. At N = 16384 one float32 N x N matrix is 1 GiB.
 */
final class PairDeltaW implements DeltaW {
    private final Backend backend;
    private final UpdateFunction q;
    private final double rate;
    private final DeviceMatrix pairs;
    private final DeviceMatrix[] state;
    private final DeviceMatrix gradient;

    /** @param rate {@code eta mW} */
    PairDeltaW(Backend backend, int particles, UpdateFunction q, double rate) {
        this.backend = backend;
        this.q = q;
        this.rate = rate;
        this.pairs = backend.allocate(particles, particles);
        this.state = new DeviceMatrix[q.stateSize()];
        for (int s = 0; s < state.length; s++) {
            state[s] = backend.allocate(particles, particles);
        }
        this.gradient = q.hasMemory() ? backend.allocate(particles, particles) : null;
    }

    /** Number of N x N matrices this representation holds for update function q. */
    static int matrices(UpdateFunction q) {
        return 1 + q.stateSize() + (q.hasMemory() ? 1 : 0);
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
    public void update(double[] chi, DeviceMatrix dh, DeviceMatrix x, int t) {
        if (!q.hasMemory()) {
            backend.accumulatePairs(q, chi, dh, x, 1.0, true, pairs);
            return;
        }
        // G_t = dh diag(chi) x^T, then every pair's own optimizer step; the diagonal stays 0
        try (DeviceMatrix scaled = backend.allocate(dh.rows(), dh.cols())) {
            backend.scaleColumns(chi, dh, scaled);
            backend.gemm(false, true, 1.0, scaled, x, 0.0, gradient);
        }
        backend.update(q, t, gradient, 1.0, pairs, state);
        backend.setDiagonal(pairs, 0.0);
    }

    /**
     * {@code prefix/pairs} (the N x N pair matrix) and {@code prefix/state/<k>} (every pair's optimizer
     * state, memoryful Q); the gradient matrix is scratch.
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
        if (gradient != null) {
            gradient.close();
        }
    }
}
