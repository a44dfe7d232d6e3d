package io.github.infinitewidth.backend.cuda;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times the CUDA backend's operations on one GPU and prints a Markdown table for
 * docs/performance.md. Not a test (timings are measurements, not contracts): scripts/gpu-check.sh
 * runs it from a distribution built with {@code scripts/make-dist.sh --with-tests}:
 * <pre>runtime/bin/java -cp lib/infinitewidth.jar:tests/classes io.github.infinitewidth.backend.cuda.CudaKernelTimings</pre>
 * Every operation synchronizes, so the wall time of a call is the GPU time plus a few
 * microseconds of launch and synchronization. Each line is the median of 5 runs after 2 warm-ups.
 */
public final class CudaKernelTimings {
    private static final int WARMUPS = 2;
    private static final int RUNS = 5;

    private CudaKernelTimings() {}

    public static void main(String[] args) {
        System.out.println("| operation | precision | gemm | shape | median ms | rate |");
        System.out.println("|---|---|---|---|---|---|");
        for (Precision precision : Precision.values()) {
            try (CudaBackend backend = new CudaBackend(precision)) {
                measure(backend);
            }
        }
        try (CudaBackend kernelGemm = new CudaBackend(Precision.FLOAT32, false)) {
            gemm(kernelGemm, 4096);
        }
    }

    private static void measure(CudaBackend b) {
        int n = 65536;
        try (DeviceMatrix z = b.allocate(n, 64)) {
            double ms = time(() -> b.fillGaussian(z, new RandomKey(1, 0), 3, 1.0));
            row(b, "fillGaussian", n + " x 64", ms, n * 64.0 / ms / 1e6, "G samples/s");
            ms = time(() -> b.gram(z, z));
            row(b, "gram", n + " x 64, 64 x 64 out", ms, 2.0 * n * 64 * 64 / ms / 1e6, "GFLOP/s");
        }
        gemm(b, 4096);
        UpdateFunction sign = UpdateFunction.of(UpdateFunction.Kind.SIGN);
        UpdateFunction adam = UpdateFunction.of(UpdateFunction.Kind.ADAM);
        for (int particles : new int[] {16384, 65536}) {
            for (int m : new int[] {8, 32}) {
                double[] c = new double[m];
                Arrays.fill(c, 1.0 / m);
                try (DeviceMatrix a = gaussian(b, particles, m, 1); DeviceMatrix x = gaussian(b, particles, m, 2);
                     DeviceMatrix cm = gaussian(b, particles, 1, 3); DeviceMatrix out = b.allocate(particles, 1)) {
                    String shape = "N " + particles + ", m " + m + ", p 1";
                    double pairs = (double) particles * particles;
                    double ms = time(() -> b.nonlinearOuterProduct(sign, c, a, x, cm, 1.0, true, out));
                    row(b, "nonlinearOuterProduct sign", shape, ms, pairs / ms / 1e6, "G pairs/s");
                    double[][] second = {c, c};
                    ms = time(() -> b.adamOuterProduct(adam, 3, c, second, a, x, cm, 1.0, true, out));
                    row(b, "adamOuterProduct rank 2", shape, ms, pairs / ms / 1e6, "G pairs/s");
                }
            }
        }
        int pairsN = 16384;
        double[] c = new double[8];
        Arrays.fill(c, 0.125);
        try (DeviceMatrix a = gaussian(b, pairsN, 8, 1); DeviceMatrix pairs = b.allocate(pairsN, pairsN)) {
            double ms = time(() -> b.accumulatePairs(sign, c, a, a, 1.0, true, pairs));
            row(b, "accumulatePairs sign", "N " + pairsN + ", m 8", ms, (double) pairsN * pairsN / ms / 1e6,
                    "G pairs/s");
        }
    }

    private static void gemm(CudaBackend b, int size) {
        try (DeviceMatrix x = gaussian(b, size, size, 1); DeviceMatrix y = gaussian(b, size, size, 2);
             DeviceMatrix z = b.allocate(size, size)) {
            double ms = time(() -> b.gemm(false, false, 1, x, y, 0, z));
            row(b, "gemm", size + " x " + size + " x " + size, ms, 2.0 * size * size * size / ms / 1e9, "TFLOP/s");
        }
    }

    private static DeviceMatrix gaussian(Backend b, int rows, int cols, long stream) {
        DeviceMatrix m = b.allocate(rows, cols);
        b.fillGaussian(m, new RandomKey(5, 0), stream, 1.0);
        return m;
    }

    private static double time(Runnable operation) {
        for (int i = 0; i < WARMUPS; i++) {
            operation.run();
        }
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            operation.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[RUNS / 2];
    }

    private static void row(CudaBackend b, String operation, String shape, double ms, double rate, String unit) {
        System.out.println(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.3f | %.3g %s |", operation,
                b.precision().spelling(), b.gemmImplementation(), shape, ms, rate, unit));
    }
}
