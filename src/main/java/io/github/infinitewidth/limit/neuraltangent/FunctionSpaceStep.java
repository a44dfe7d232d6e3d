package io.github.infinitewidth.limit.neuraltangent;

/**
 * One step of the NT-limit dynamics {@code f_{t+1} = f_t - eta K_t} (LIMITS.md section 3):
 * computes {@code K_t(i)} for every input i from the error signal {@code chi_t}. Implementations
 * may keep optimizer state across steps, so steps must be asked for in order t = 0, 1, ...
 */
interface FunctionSpaceStep extends AutoCloseable {

    /** {@code K_t}, length m (train then test inputs). */
    double[] kernel(double[] chi, int t);

    @Override
    void close();
}
