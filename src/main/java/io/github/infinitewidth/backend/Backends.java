package io.github.infinitewidth.backend;

import io.github.infinitewidth.backend.cpu.CpuBackend;

/**
 * Where backends come from. The CPU backend is always available. This build has no GPU
 * backend yet, so {@link #best} is the CPU backend and asking for CUDA explicitly fails
 * with the reason in {@link #cudaStatus()}.
 */
public final class Backends {
    private static final String CUDA_STATUS = "unavailable: this build has no CUDA backend yet";

    private Backends() {}

    /** The pure-Java backend with one worker per available processor. */
    public static Backend cpu(Precision precision) {
        return new CpuBackend(precision, Runtime.getRuntime().availableProcessors());
    }

    /** The pure-Java backend with exactly {@code threads} workers (results do not depend on it). */
    public static Backend cpu(Precision precision, int threads) {
        return new CpuBackend(precision, threads);
    }

    /** The fastest usable backend; never throws. */
    public static Backend best(Precision precision) {
        return cpu(precision);
    }

    /**
     * The backend a job asks for ({@code simulation.backend}).
     *
     * @throws BackendUnavailableException when {@code cuda} is asked for and cannot be used
     */
    public static Backend open(BackendChoice choice, Precision precision) {
        switch (choice) {
            case CPU: return cpu(precision);
            case CUDA: throw new BackendUnavailableException("backend cuda is " + CUDA_STATUS);
            default: return best(precision);
        }
    }

    /** One line saying whether CUDA can be used and, if not, why (for {@code bin/infinitewidth env}). */
    public static String cudaStatus() {
        return CUDA_STATUS;
    }
}
