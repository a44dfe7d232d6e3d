package io.github.infinitewidth.limit.maximalupdate;

import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;

/**
 * The accumulated change {@code DeltaW^l_t} of one hidden matrix in the maximal update limit
 * (LIMITS.md section 5), acting on kets:
 * {@code DeltaW_{t+1} y = DeltaW_t y - eta_t mW E_b[Q_t(G_t(a, b)) y_b]} and
 * {@code DeltaW^T_{t+1} z = DeltaW^T_t z - eta_t mW E_a[Q_t(G_t(a, b)) z_a]} with
 * {@code G_t(a, b) = sum_j chi_tj dh_{t,a,j} x_{t,b,j}}. The representation is the engine's
 * choice from the optimizer, never the user's: low rank for sgd, a pair matrix otherwise.
 */
interface DeltaW extends AutoCloseable {

    /** {@code out += DeltaW_t y}. */
    void apply(DeviceMatrix y, DeviceMatrix out);

    /** {@code out += DeltaW_t^T z}. */
    void applyTransposed(DeviceMatrix z, DeviceMatrix out);

    /**
     * Advances to {@code DeltaW_{t+1}} with step t's batch: error signal {@code chi} (batch entries
     * only), {@code dh^l_t} and {@code x^{l-1}_t} on the batch columns. Step t's term enters with
     * {@code weight}: {@code s_t = eta_t / eta} of the schedule (LIMITS.md 1.1), divided by {@code c_{t+1}}
     * under weight decay (LIMITS.md 1.2, where the stored change is {@code DeltaW_t / c_t}).
     */
    void update(double[] chi, DeviceMatrix dh, DeviceMatrix x, int t, double weight);

    /** Saves {@code DeltaW_t} under {@code prefix} (a checkpoint). */
    void saveTo(StateWriter out, String prefix);

    /** Restores what {@link #saveTo} saved. */
    void restoreFrom(StateReader in, String prefix);

    @Override
    void close();
}
