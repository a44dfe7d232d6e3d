package io.github.infinitewidth.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.infinitewidth.backend.cuda.CudaProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@code Backends.best()} never throws, falls back to the CPU and logs why; asking for CUDA explicitly names the reason. */
class BackendsTest {
    private static final CudaProbe.Result NO_DRIVER =
            CudaProbe.Result.unusable("no NVIDIA driver: libcuda.so.1 did not load", true);
    private static final CudaProbe.Result OLD_GPU =
            CudaProbe.Result.unusable("Tesla V100 has compute capability 7.0; the kernels are built for 8.0 and newer",
                    false);
    private static final CudaProbe.Result USABLE = new CudaProbe.Result(true, "NVIDIA H200", "cublas", false);

    private static final Function<Precision, Backend> MUST_NOT_OPEN = p -> {
        throw new AssertionError("opened CUDA although the probe said it is unusable");
    };

    /** Records what is logged, as "LEVEL message". */
    private static final class Recorder implements System.Logger {
        final List<String> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + java.text.MessageFormat.format(format, params));
        }
    }

    @Test
    void withoutADriverBestIsTheCpuAndTheReasonIsLoggedQuietly() {
        Recorder log = new Recorder();
        try (Backend b = Backends.best(NO_DRIVER, Precision.FLOAT32, MUST_NOT_OPEN, log)) {
            assertEquals("cpu", b.name());
            assertEquals(Precision.FLOAT32, b.precision());
        }
        assertEquals(List.of("DEBUG CUDA backend not used, running on the CPU: no NVIDIA driver: libcuda.so.1 did not"
                + " load"), log.lines);
    }

    @Test
    void aGpuThatCannotBeUsedIsAWarning() {
        Recorder log = new Recorder();
        try (Backend b = Backends.best(OLD_GPU, Precision.FLOAT64, MUST_NOT_OPEN, log)) {
            assertEquals("cpu", b.name());
        }
        assertEquals(List.of("WARNING CUDA backend not used, running on the CPU: Tesla V100 has compute capability 7.0;"
                + " the kernels are built for 8.0 and newer"), log.lines);
    }

    @Test
    void aFailureAfterASuccessfulProbeStillFallsBack() {
        Recorder log = new Recorder();
        Function<Precision, Backend> outOfMemory = p -> {
            throw new IllegalStateException("cuda open: cuStreamCreate failed with CUDA_ERROR_OUT_OF_MEMORY");
        };
        try (Backend b = Backends.best(USABLE, Precision.FLOAT64, outOfMemory, log)) {
            assertEquals("cpu", b.name());
        }
        assertEquals(List.of("WARNING CUDA backend not used, running on the CPU: cuda open: cuStreamCreate failed with"
                + " CUDA_ERROR_OUT_OF_MEMORY"), log.lines);
    }

    @Test
    void askingForCudaWhereItIsUnusableNamesTheReason() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.cuda(NO_DRIVER, Precision.FLOAT32, MUST_NOT_OPEN));
        assertEquals("backend cuda is unavailable: no NVIDIA driver: libcuda.so.1 did not load", e.getMessage());
    }

    @Test
    void theProbeOfThisMachineAgreesWithTheStatusLine() {
        String status = Backends.cudaStatus();
        assertEquals(Backends.cudaUsable(), status.startsWith("available: "), status);
        assertEquals(Backends.cudaUsable(), Backends.cudaGemm() != null);
    }
}
