package io.github.infinitewidth.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.random.RandomKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Gaussian fill kernel's source (native/philox_gaussian.cuh) draws exactly what the CPU
 * backend draws (LIMITS.md section 6), checked without a GPU: the kernel body is compiled as
 * host C++ ({@code cuda_on_host.h}: the round-to-nearest intrinsics are the IEEE double operations
 * they stand for, and nothing is fused) and run over the fill's whole grid. A transcription slip
 * (an operation out of order, a wrong constant, counter or index) shows up here. Runs where g++ is
 * installed.
 */
@Tag("sources")
@EnabledIf("io.github.infinitewidth.backend.cuda.HostCompiler#available")
class GaussianKernelOnHostTest {
    @TempDir
    Path dir;

    @Test
    void kernelSourceDrawsTheCpuBackendsSamplesBitForBit() throws IOException, InterruptedException {
        Path program = HostCompiler.compile(dir, "gaussian_on_host");
        // seeds with both key words in use, a stream above 2^32, odd and even first draws
        long[][] cases = {{42, 3, 9, 4}, {-3, 9, 0xdeadbeefcafeL, 1001}, {1L << 40, 0, 1, 0}};
        for (long[] c : cases) {
            RandomKey key = new RandomKey(c[0], (int) c[1]);
            for (Precision precision : Precision.values()) {
                List<String> expected = cpuBits(precision, key, c[2], (int) c[3]);
                List<String> actual = HostCompiler.run(program.toString(),
                        precision == Precision.FLOAT64 ? "f64" : "f32", "37", "5", Integer.toUnsignedString(key.key0()), Integer.toUnsignedString(key.key1()),
                        Long.toUnsignedString(c[2]), Long.toString(c[3]), "0.75");
                assertEquals(expected, actual, "seed " + c[0] + ", replica " + c[1] + ", stream " + c[2] + ", "
                        + precision.spelling());
            }
        }
    }

    private static List<String> cpuBits(Precision precision, RandomKey key, long stream, int firstDraw) {
        List<String> bits = new ArrayList<>();
        try (Backend cpu = Backends.cpu(precision, 1); DeviceMatrix m = cpu.allocate(37, 5)) {
            cpu.fillGaussian(m, key, stream, firstDraw, 0.75);
            for (double v : cpu.download(m)) {
                bits.add(precision == Precision.FLOAT64 ? Long.toHexString(Double.doubleToRawLongBits(v))
                        : Integer.toHexString(Float.floatToRawIntBits((float) v)));
            }
        }
        return bits;
    }

}
