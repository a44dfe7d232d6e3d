package io.github.infinitewidth.limit.maximalupdate;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.ket.GaussianFamily;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;

/**
 * One hidden matrix {@code W^l = W^l_0 + DeltaW^l} of the deep maximal update limit acting on
 * kets (LIMITS.md section 5, Theorems 2.7.1 and 2.7.3; Definition 2.6.5). The initial matrix
 * acts through its hats and dot terms:
 * <ul>
 *   <li>forward: {@code W x_t = What x_t + Wdot x_t + DeltaW_t x_t}, where
 *   {@code Wdot x_t = sw^2 sum_{(s,j), s<t} dh_{s,j} E[d x_t / d(What^T dh_{s,j})]} sums over the backward
 *   hats that exist before step t's forward pass;</li>
 *   <li>backward: {@code W^T dh_t = What^T dh_t + Wdot^T dh_t + DeltaW_t^T dh_t}, where
 *   {@code Wdot^T dh_t = sw^2 sum_{(s,j), s<=t} x_{s,j} E[d dh_t / d(What x_{s,j})]} sums over the
 *   forward hats up to and including step t.</li>
 * </ul>
 * Both dot terms are Stein regressions on the other family's hats ({@link GaussianFamily#dot}).
 * Dropping them changes {@code f_t} by tens of percent; the switch exists for the test that
 * proves it.
 */
final class HiddenMatrix implements AutoCloseable {
    private final Backend backend;
    private final GaussianFamily forwardHats;
    private final GaussianFamily backwardHats;
    private final DeltaW delta;
    private final boolean dotTerms;
    private final long evaluationStream;

    /**
     * @param layer l (2..L), which picks the families' random streams
     * @param rate {@code eta mW}
     */
    HiddenMatrix(Backend backend, int particles, double sw, RandomKey key, int layer, UpdateFunction q, double rate,
                 Precision pairPrecision, int forwardRank, int backwardRank, boolean dotTerms) {
        this.backend = backend;
        this.forwardHats = new GaussianFamily(backend, particles, sw, key, MaximalUpdateStreams.forwardHats(layer),
                Math.max(1, forwardRank));
        this.backwardHats = new GaussianFamily(backend, particles, sw, key, MaximalUpdateStreams.backwardHats(layer),
                Math.max(1, backwardRank));
        this.delta = q.isLinear() ? new LowRankDeltaW(backend, particles, rate, backwardRank)
                : new PairDeltaW(backend, particles, q, rate, pairPrecision);
        this.dotTerms = dotTerms;
        this.evaluationStream = MaximalUpdateStreams.evaluationHats(layer);
    }

    /**
     * {@code out = W_t x} for the kets {@code x = x^{l-1}_t} of a training pass: their hats join the
     * forward family. {@code kept = c_t}, the factor weight decay has left on the matrix (1 without).
     */
    void forward(DeviceMatrix x, DeviceMatrix out, double kept) {
        forwardHats.sample(x, out);
        finishForward(x, out, kept);
    }

    /**
     * {@code out = W x} for the kets of an evaluation pass (LIMITS.md section 5.1): their hats are
     * drawn jointly Gaussian with the forward family but stay outside it, so no training quantity
     * depends on them. Fresh draws come from the layer's evaluation stream from {@code firstDraw}.
     */
    void evaluate(DeviceMatrix x, DeviceMatrix out, int firstDraw, double kept) {
        forwardHats.sampleOutside(x, out, evaluationStream, firstDraw);
        finishForward(x, out, kept);
    }

    /**
     * Adds the forward dot term and {@code DeltaW_t x} to the hats in {@code out}, all times {@code c_t}:
     * with weight decay {@code W_t = c_t (W_0 + DeltaW~_t)} (LIMITS.md 1.2), and the hats and dot terms
     * of {@code W_0} are those of the undecayed matrix.
     */
    private void finishForward(DeviceMatrix x, DeviceMatrix out, double kept) {
        if (dotTerms) {
            backwardHats.dot(x, 1.0, out);
        }
        delta.apply(x, out);
        scale(kept, out);
    }

    /** {@code out = W_t^T dh} for the kets {@code dh = dh^l_t} (batch inputs); {@code kept} as in {@link #forward}. */
    void backward(DeviceMatrix dh, DeviceMatrix out, double kept) {
        backwardHats.sample(dh, out);
        if (dotTerms) {
            forwardHats.dot(dh, 1.0, out);
        }
        delta.applyTransposed(dh, out);
        scale(kept, out);
    }

    private void scale(double kept, DeviceMatrix out) {
        if (kept != 1.0) {
            backend.scale(kept, out);
        }
    }

    /**
     * {@code DeltaW~_{t+1}} from step t's batch; {@code weight = s_t / c_{t+1}} (LIMITS.md 1.1 and 1.2),
     * 1 without a schedule or weight decay.
     */
    void update(double[] chi, DeviceMatrix dh, DeviceMatrix x, int t, double weight) {
        delta.update(chi, dh, x, t, weight);
    }

    /** Ranks of the forward and backward hat families (how much history is stored). */
    int[] ranks() {
        return new int[] {forwardHats.rank(), backwardHats.rank()};
    }

    /** Saves both hat families and {@code DeltaW} under {@code prefix} (a checkpoint). */
    void saveTo(StateWriter out, String prefix) {
        forwardHats.saveTo(out, prefix + "/forwardHats");
        backwardHats.saveTo(out, prefix + "/backwardHats");
        delta.saveTo(out, prefix + "/deltaW");
    }

    /** Restores what {@link #saveTo} saved. */
    void restoreFrom(StateReader in, String prefix) {
        forwardHats.restoreFrom(in, prefix + "/forwardHats");
        backwardHats.restoreFrom(in, prefix + "/backwardHats");
        delta.restoreFrom(in, prefix + "/deltaW");
    }

    @Override
    public void close() {
        forwardHats.close();
        backwardHats.close();
        delta.close();
    }
}
