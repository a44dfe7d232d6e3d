package io.github.infinitewidth.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The CUDA backend against the CPU backend in float64 on shapes spanning many blocks, tiles and
 * reduction chunks of both (the contract test's shapes fit in a few), and how CUDA failures are
 * reported. Skipped without a usable GPU.
 */
@EnabledIf("io.github.infinitewidth.backend.Backends#cudaUsable")
class CudaMatchesCpuBackendTest {
    private Backend cpu;
    private CudaBackend gpu;

    @BeforeEach
    void open() {
        cpu = Backends.cpu(Precision.FLOAT64, 2);
        gpu = new CudaBackend(Precision.FLOAT64);
    }

    @AfterEach
    void close() {
        gpu.close();
        cpu.close();
    }

    /** Runs {@code work} on both backends with Gaussian inputs drawn on each (bit-identical by LIMITS.md section 6). */
    private void assertAgree(double tolerance, Function<Backend, double[]> work) {
        double[] expected = work.apply(cpu);
        double[] actual = work.apply(gpu);
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance * Math.max(1, Math.abs(expected[i])), "entry " + i);
        }
    }

    private static DeviceMatrix gaussian(Backend b, int rows, int cols, long stream) {
        DeviceMatrix m = b.allocate(rows, cols);
        b.fillGaussian(m, new RandomKey(7, 1), stream, 0.5);
        return m;
    }

    @Test
    void gaussianFillIsBitIdenticalToTheCpuInBothPrecisions() {
        assertAgree(0, b -> {
            try (DeviceMatrix m = b.allocate(70001, 5)) {
                b.fillGaussian(m, new RandomKey(-3L, 9), 0xdeadbeefcafeL, 1001, 1.7);
                return b.download(m);
            }
        });
        try (Backend cpu32 = Backends.cpu(Precision.FLOAT32, 1); Backend gpu32 = new CudaBackend(Precision.FLOAT32);
             DeviceMatrix c = gaussian(cpu32, 4099, 3, 5); DeviceMatrix g = gaussian(gpu32, 4099, 3, 5)) {
            assertArrayEquals(cpu32.download(c), gpu32.download(g), 0);
        }
    }

    @Test
    void gramAndMeansOverManyChunksMatchTheCpu() {
        assertAgree(1e-13, b -> {
            try (DeviceMatrix x = gaussian(b, 20000, 6, 1); DeviceMatrix y = gaussian(b, 20000, 4, 2)) {
                double[] g = b.gram(x, y);
                double[] m = b.columnMeans(x);
                double[] all = java.util.Arrays.copyOf(g, g.length + m.length);
                System.arraycopy(m, 0, all, g.length, m.length);
                return all;
            }
        });
    }

    @Test
    void ownGemmKernelAndCublasMatchTheCpuForEveryTransposition() {
        try (CudaBackend kernelOnly = new CudaBackend(Precision.FLOAT64, false)) {
            assertEquals("kernel", kernelOnly.gemmImplementation());
            for (Backend b : new Backend[] {gpu, kernelOnly}) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    double[] expected = gemm(cpu, ta, tb);
                    double[] actual = gemm(b, ta, tb);
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], actual[i], 1e-12 * Math.max(1, Math.abs(expected[i])),
                                b.gemmImplementation() + " transA=" + ta + " transB=" + tb + " entry " + i);
                    }
                }
            }
        }
    }

    /** 300 x 70 times 70 x 200 (tiles cut on every side), alpha and beta both in play. */
    private static double[] gemm(Backend b, boolean ta, boolean tb) {
        try (DeviceMatrix a = ta ? gaussian(b, 70, 300, 1) : gaussian(b, 300, 70, 1);
             DeviceMatrix x = tb ? gaussian(b, 200, 70, 2) : gaussian(b, 70, 200, 2);
             DeviceMatrix c = gaussian(b, 300, 200, 3)) {
            b.gemm(ta, tb, 0.75, a, x, -0.5, c);
            return b.download(c);
        }
    }

    @Test
    void pairProductsOverManyTilesMatchTheCpu() {
        UpdateFunction smoothsign = new UpdateFunction(UpdateFunction.Kind.SMOOTHSIGN, 0.1, 0.9, 0.999);
        UpdateFunction adam = new UpdateFunction(UpdateFunction.Kind.ADAM, 0.01, 0.9, 0.99);
        double[] c = {0.7, -1.1, 0.4, 0.2, -0.9};
        assertAgree(1e-11, b -> {
            // 700 particles (11 tiles of 64), 5 inputs, 20 output columns (two column blocks of 16)
            try (DeviceMatrix a = gaussian(b, 700, 5, 1); DeviceMatrix x = gaussian(b, 700, 5, 2);
                 DeviceMatrix cm = gaussian(b, 700, 20, 3); DeviceMatrix out = b.allocate(700, 20);
                 DeviceMatrix adamOut = b.allocate(700, 20); DeviceMatrix pairs = gaussian(b, 700, 333, 4);
                 DeviceMatrix y = gaussian(b, 333, 5, 5)) {
                b.nonlinearOuterProduct(smoothsign, c, a, x, cm, 1.0 / 700, true, out);
                b.adamOuterProduct(adam, 3, c, new double[][] {{0.5, 0.1, 0, 0.3, 0.2}, {0, 0.7, 0.1, 0, 0.4}}, a, x,
                        cm, 0.5, true, adamOut);
                b.accumulatePairs(UpdateFunction.of(UpdateFunction.Kind.SIGN), c, a, y, -0.25, false, pairs);
                double[] o = b.download(out);
                double[] p = b.download(adamOut);
                double[] q = b.download(pairs);
                double[] all = new double[o.length + p.length + q.length];
                System.arraycopy(o, 0, all, 0, o.length);
                System.arraycopy(p, 0, all, o.length, p.length);
                System.arraycopy(q, 0, all, o.length + p.length, q.length);
                return all;
            }
        });
    }

    @Test
    void aFailedAllocationNamesTheOperationShapeAndError() {
        CudaFailure e = assertThrows(CudaFailure.class, () -> gpu.allocate(1 << 20, 1 << 20));
        assertEquals("cuda allocate (1048576 x 1048576): cuMemAlloc of 8796093022208 bytes failed with"
                + " CUDA_ERROR_OUT_OF_MEMORY", e.getMessage());
    }

    @Test
    void matricesLeftOpenAreFreedWithTheBackendAndUnusableAfterwards() {
        CudaBackend other = new CudaBackend(Precision.FLOAT32);
        DeviceMatrix m = other.allocate(1000, 1000);
        other.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.download(m));
        assertTrue(e.getMessage().contains("used after close()"), e.getMessage());
        m.close();
    }
}
