package io.github.infinitewidth.limit.maximalupdate;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.ket.ColumnStore;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;

/**
 * {@code DeltaW} for sgd, where Q is the identity and the change is low rank
 * (LIMITS.md section 5): {@code DeltaW_t y = -eta mW sum_{s<t} sum_j chi_sj dh_{s,j} E[x_{s,j} y]} and
 * {@code DeltaW_t^T z = -eta mW sum_{s<t} sum_j chi_sj x_{s,j} E[dh_{s,j} z]}. Keeps the columns
 * {@code chi_sj dh_{s,j}} and {@code x_{s,j}} of every batch entry seen: memory {@code O(N t B)}, and
 * applying it costs {@code O(N t B m)}.
 */
final class LowRankDeltaW implements DeltaW {
    private final Backend backend;
    private final double rate;
    private final ColumnStore scaledDh;
    private final ColumnStore xs;

    /** @param rate {@code eta mW} */
    LowRankDeltaW(Backend backend, int particles, double rate, int expectedColumns) {
        this.backend = backend;
        this.rate = rate;
        this.scaledDh = new ColumnStore(backend, particles, expectedColumns);
        this.xs = new ColumnStore(backend, particles, expectedColumns);
    }

    @Override
    public void apply(DeviceMatrix y, DeviceMatrix out) {
        multiply(scaledDh, xs, y, out);
    }

    @Override
    public void applyTransposed(DeviceMatrix z, DeviceMatrix out) {
        multiply(xs, scaledDh, z, out);
    }

    /** {@code out += -rate L E[R^T y]}: the particle Gram {@code (1/N) R^T y} is small, {@code K x m}. */
    private void multiply(ColumnStore left, ColumnStore right, DeviceMatrix y, DeviceMatrix out) {
        if (left.size() == 0) {
            return;
        }
        double[] coefficients = backend.gram(right.view(), y);
        try (DeviceMatrix c = backend.upload(right.size(), y.cols(), coefficients)) {
            backend.gemm(false, false, -rate, left.view(), c, 1.0, out);
        }
    }

    @Override
    public void update(double[] chi, DeviceMatrix dh, DeviceMatrix x, int t, double weight) {
        // Q is linear: the step's weight folds into the stored columns, chi_sj becomes weight chi_sj
        double[] scaledChi = chi.clone();
        for (int j = 0; j < scaledChi.length; j++) {
            scaledChi[j] *= weight;
        }
        try (DeviceMatrix scaled = backend.allocate(dh.rows(), dh.cols())) {
            backend.scaleColumns(scaledChi, dh, scaled);
            scaledDh.append(scaled);
        }
        xs.append(x);
    }

    /** {@code prefix/scaledDh} and {@code prefix/x}: the stored columns of every batch entry so far. */
    @Override
    public void saveTo(StateWriter out, String prefix) {
        scaledDh.saveTo(out, prefix + "/scaledDh");
        xs.saveTo(out, prefix + "/x");
    }

    @Override
    public void restoreFrom(StateReader in, String prefix) {
        scaledDh.restoreFrom(in, prefix + "/scaledDh");
        xs.restoreFrom(in, prefix + "/x");
    }

    @Override
    public void close() {
        scaledDh.close();
        xs.close();
    }
}
