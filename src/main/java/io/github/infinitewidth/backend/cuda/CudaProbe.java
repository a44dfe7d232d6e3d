package io.github.infinitewidth.backend.cuda;

import io.github.infinitewidth.backend.Precision;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Whether the CUDA backend can be used here, found by opening it once: loading JCuda's native
 * library and the driver, finding device 0, loading the kernels and trying cuBLAS. Never throws.
 */
public final class CudaProbe {
    private CudaProbe() {}

    /**
     * What the probe found.
     *
     * @param usable true when a CUDA backend opened
     * @param summary one line: the device, kernels and GEMM when usable, why not otherwise
     * @param gemm {@code cublas} or {@code kernel} with the reason cuBLAS is not used; null when unusable
     * @param expected true when unusable only because this machine has no NVIDIA driver or GPU,
     *     which is not worth a warning
     */
    public record Result(boolean usable, String summary, String gemm, boolean expected) {
        /** An unusable result with a reason, for callers that found the problem themselves. */
        public static Result unusable(String reason, boolean expected) {
            return new Result(false, reason, null, expected);
        }
    }

    /** Opens and closes a float32 CUDA backend on device 0. */
    public static Result probe() {
        return probe(() -> new CudaBackend(Precision.FLOAT32));
    }

    /**
     * Opens and closes the backend {@code open} makes; what it throws becomes the reason. A GPU
     * with a slow float64 rate is usable, with a warning logged once (the probe runs once per
     * process) and added to the summary.
     */
    static Result probe(Supplier<CudaBackend> open) {
        try (CudaBackend backend = open.get()) {
            String gemm = backend.cublasProblem() == null ? "cublas"
                    : "kernel (cuBLAS not used: " + backend.cublasProblem() + ")";
            String fatbin = KernelImage.hashes().getOrDefault("fatbin", "unknown");
            String slow = backend.device().float64Warning();
            if (slow != null) {
                System.getLogger(CudaProbe.class.getPackageName()).log(System.Logger.Level.WARNING, slow);
            }
            return new Result(true, backend.deviceDescription()
                    + String.format(Locale.ROOT, "; kernels loaded (kernels.fatbin sha256 %.12s)", fatbin)
                    + (slow == null ? "" : "; warning: " + slow), gemm, false);
        } catch (RuntimeException | LinkageError e) {
            return Result.unusable(CudaProblems.backend(e), CudaProblems.noGpuHere(e));
        }
    }
}
