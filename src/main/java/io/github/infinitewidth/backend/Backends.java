package io.github.infinitewidth.backend;

import io.github.infinitewidth.backend.cpu.CpuBackend;
import io.github.infinitewidth.backend.cuda.CudaBackend;
import io.github.infinitewidth.backend.cuda.CudaProbe;
import java.lang.System.Logger.Level;
import java.util.function.Function;

/**
 * Where backends come from. The CPU backend is always available; the CUDA backend where the
 * probe ({@link CudaProbe}) opened it once in this process. {@link #best} prefers CUDA and falls
 * back to the CPU, logging why; asking for CUDA explicitly where it cannot be used is a
 * {@link BackendUnavailableException} with the probe's reason.
 */
public final class Backends {
    private static final System.Logger LOG = System.getLogger(Backends.class.getPackageName());

    /** Probed on first use, once per process: opening a GPU costs a fraction of a second. */
    private static final class Probe {
        static final CudaProbe.Result RESULT = CudaProbe.probe();
    }

    private Backends() {}

    /** The pure-Java backend with one worker per available processor. */
    public static Backend cpu(Precision precision) {
        return new CpuBackend(precision, Runtime.getRuntime().availableProcessors());
    }

    /** The pure-Java backend with exactly {@code threads} workers (results do not depend on it). */
    public static Backend cpu(Precision precision, int threads) {
        return new CpuBackend(precision, threads);
    }

    /** The CUDA backend on device 0; throws {@link BackendUnavailableException} naming why it cannot be used. */
    public static Backend cuda(Precision precision) {
        return cuda(Probe.RESULT, precision, CudaBackend::new);
    }

    /** The fastest usable backend: CUDA when the probe found it usable, the CPU otherwise; never throws. */
    public static Backend best(Precision precision) {
        return best(Probe.RESULT, precision, CudaBackend::new, LOG);
    }

    /**
     * The backend a job asks for ({@code simulation.backend}).
     *
     * @throws BackendUnavailableException when {@code cuda} is asked for and cannot be used
     */
    public static Backend open(BackendChoice choice, Precision precision) {
        switch (choice) {
            case CPU: return cpu(precision);
            case CUDA: return cuda(precision);
            default: return best(precision);
        }
    }

    /** True when the CUDA backend can be used here (tests that need a GPU are enabled by it). */
    public static boolean cudaUsable() {
        return Probe.RESULT.usable();
    }

    /**
     * One line for {@code bin/infinitewidth env}: {@code available: <device>; kernels loaded (...)}
     * or {@code unavailable: <why>}.
     */
    public static String cudaStatus() {
        CudaProbe.Result r = Probe.RESULT;
        return (r.usable() ? "available: " : "unavailable: ") + r.summary();
    }

    /** Which GEMM the CUDA backend runs ({@code cublas}, or {@code kernel} and why); null when CUDA is unusable. */
    public static String cudaGemm() {
        return Probe.RESULT.gemm();
    }

    static Backend cuda(CudaProbe.Result probe, Precision precision, Function<Precision, Backend> open) {
        if (!probe.usable()) {
            throw new BackendUnavailableException("backend cuda is unavailable: " + probe.summary());
        }
        try {
            return open.apply(precision);
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("backend cuda is unavailable: " + e.getMessage());
        }
    }

    /**
     * CUDA when usable, the CPU otherwise. The reason for falling back is logged: at DEBUG where
     * the machine simply has no NVIDIA driver or GPU, as a WARNING where a GPU is there but
     * unusable (a user on a GPU node wants to know).
     */
    static Backend best(CudaProbe.Result probe, Precision precision, Function<Precision, Backend> open,
                        System.Logger log) {
        if (probe.usable()) {
            try {
                return open.apply(precision);
            } catch (RuntimeException | LinkageError e) {
                log.log(Level.WARNING, "CUDA backend not used, running on the CPU: {0}", oneLine(e.getMessage()));
                return cpu(precision);
            }
        }
        log.log(probe.expected() ? Level.DEBUG : Level.WARNING, "CUDA backend not used, running on the CPU: {0}",
                probe.summary());
        return cpu(precision);
    }

    private static String oneLine(String message) {
        return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
