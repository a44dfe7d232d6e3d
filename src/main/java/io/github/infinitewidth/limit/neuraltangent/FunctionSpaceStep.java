package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;

/**
 * One step of the NT-limit dynamics {@code f_{t+1} = f_t - eta K_t} (LIMITS.md section 3):
 * computes {@code K_t(i)} for every input i from the error signal {@code chi_t}. Implementations
 * may keep optimizer state across steps, so steps must be asked for in order t = 0, 1, ...
 */
interface FunctionSpaceStep extends AutoCloseable {

    /**
     * {@code K_t} from {@code chi_t}, both {@code m k} entries in the layout of the outputs,
     * {@code [j k + c]} for output c of input j (train then test inputs).
     */
    double[] kernel(double[] chi, int t);

    /** Saves the step's optimizer state (a checkpoint); the kets are rebuilt, not saved. */
    void saveTo(StateWriter out);

    /** Restores what {@link #saveTo} saved, so the next step continues exactly. */
    void restoreFrom(StateReader in);

    @Override
    void close();
}
