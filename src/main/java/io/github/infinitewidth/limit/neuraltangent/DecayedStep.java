package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;

/**
 * The function of an NT-limit run with decoupled weight decay (LIMITS.md 1.2, "NT limit"), step after
 * step over the time-indexed kets of {@link DecayedKets}: {@link DecayedKernelStep} for sgd and momentum,
 * {@link DecayedParticleStep} for sign, smoothsign and adam.
 */
interface DecayedStep extends AutoCloseable {
    /** Takes {@code chi_t} ({@code [j k + c]}), the error signal of the next step t (steps in order 0, 1, ...). */
    void learn(double[] chi);

    /** {@code f_t} at every input ({@code [i k + c]}) after the steps learned so far. */
    double[] outputs();

    /** {@code nt/decay/chi}: the error signals of the steps so far, step after step. */
    void saveTo(StateWriter out);

    /** Restores what {@link #saveTo} saved, which must hold {@code steps} steps. */
    void restoreFrom(StateReader in, int steps);

    @Override
    void close();
}
