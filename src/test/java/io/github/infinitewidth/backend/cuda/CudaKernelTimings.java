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
 * microseconds of launch and synchronization. Each line is the median of 5 runs after 2 warm-ups,
 * next to what {@link GpuTimeModel} predicts for it on an H100 or H200 ("-" on other GPUs), and
 * their ratio: the first device run checks the model kernel by kernel. The last rows are the
 * kernels of one step of examples/paper-5.1/job-gpu.yaml at its sizes.
 */
public final class CudaKernelTimings {
    private static final int WARMUPS = 2;
    private static final int RUNS = 5;

    private CudaKernelTimings() {}

    public static void main(String[] args) {
        System.out.println("| operation | precision | gemm | shape | median ms | rate | predicted ms | measured / predicted |");
        System.out.println("|---|---|---|---|---|---|---|---|");
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
        int bytes = b.precision().bytes();
        GpuTimeModel.Device d = model(b);
        try (DeviceMatrix z = b.allocate(n, 64)) {
            double ms = time(() -> b.fillGaussian(z, new RandomKey(1, 0), 3, 1.0));
            row(b, "fillGaussian", n + " x 64", ms, n * 64.0 / ms / 1e6, "G samples/s",
                    d == null ? Double.NaN : GpuTimeModel.fillGaussianMs(d, n * 64L, bytes));
            ms = time(() -> b.gram(z, z));
            row(b, "gram", n + " x 64, 64 x 64 out", ms, 2.0 * n * 64 * 64 / ms / 1e6, "GFLOP/s",
                    d == null ? Double.NaN : GpuTimeModel.gramMs(d, n, 64, 64, bytes));
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
                    row(b, "nonlinearOuterProduct sign", shape, ms, pairs / ms / 1e6, "G pairs/s",
                            d == null ? Double.NaN : GpuTimeModel.pairOuterMs(d, particles, m, 0, 1));
                    double[][] second = {c, c};
                    ms = time(() -> b.adamOuterProduct(adam, 3, c, second, a, x, cm, 1.0, true, out));
                    row(b, "adamOuterProduct rank 2", shape, ms, pairs / ms / 1e6, "G pairs/s",
                            d == null ? Double.NaN : GpuTimeModel.pairOuterMs(d, particles, m, 2, 1));
                }
            }
        }
        int pairsN = 16384;
        double[] c = new double[8];
        Arrays.fill(c, 0.125);
        try (DeviceMatrix a = gaussian(b, pairsN, 8, 1); DeviceMatrix pairs = b.allocate(pairsN, pairsN)) {
            double ms = time(() -> b.accumulatePairs(sign, c, a, a, 1.0, true, pairs));
            row(b, "accumulatePairs sign", "N " + pairsN + ", m 8", ms, (double) pairsN * pairsN / ms / 1e6,
                    "G pairs/s", d == null ? Double.NaN : GpuTimeModel.pairAccumulateMs(d, pairsN, 8, bytes));
        }
        paperStep(b, d, 16384);
        if (b.precision() == Precision.FLOAT32) {
            paperStep(b, d, 65536); // three 65536 x 65536 float64 matrices would need 96 GiB
        }
    }

    /**
     * The kernels of one step of examples/paper-5.1/job-gpu.yaml at N particles: Adam's pair
     * update over a batch of 100, the pair matrix times the 104 inputs' kets, a Gram matrix and a
     * GEMM of a hat family of rank 2000 (step 21) against the 204 columns of a step, and the
     * nt-limit's pair term (Adam's outer product, rank 4, over 100 inputs into 104 columns).
     */
    private static void paperStep(CudaBackend b, GpuTimeModel.Device d, int n) {
        int bytes = b.precision().bytes();
        int batch = GpuTimeModel.Config.FULL_BATCH.batch();
        int inputs = (int) GpuTimeModel.Config.FULL_BATCH.forwardColumns();
        int rank = 2000;
        UpdateFunction adam = UpdateFunction.of(UpdateFunction.Kind.ADAM);
        double[] chi = new double[batch];
        Arrays.fill(chi, 1.0 / batch);
        String route = b.gemmImplementation();
        try (DeviceMatrix dh = gaussian(b, n, batch, 1); DeviceMatrix x = gaussian(b, n, inputs, 2);
             DeviceMatrix out = b.allocate(n, inputs)) {
            try (DeviceMatrix pairs = b.allocate(n, n); DeviceMatrix m1 = b.allocate(n, n);
                 DeviceMatrix v1 = b.allocate(n, n)) {
                double ms = time(() -> b.updatePairs(adam, 3, chi, dh, x.columns(0, batch), 1.0, true, pairs, m1, v1));
                row(b, "updatePairs adam (paper 5.1)", "N " + n + ", m " + batch, ms, (double) n * n / ms / 1e6,
                        "G pairs/s", d == null ? Double.NaN : GpuTimeModel.pairUpdateMs(d, n, batch, bytes));
                ms = time(() -> b.gemm(false, false, 1, pairs, x, 0, out));
                row(b, "gemm pairs x kets (paper 5.1)", n + " x " + n + " x " + inputs, ms,
                        2.0 * n * n * inputs / ms / 1e9, "TFLOP/s",
                        d == null ? Double.NaN : GpuTimeModel.gemmMs(d, route, n, n, inputs, bytes));
            }
            try (DeviceMatrix hats = gaussian(b, n, rank, 3); DeviceMatrix step = gaussian(b, n, inputs + batch, 4);
                 DeviceMatrix coefficients = gaussian(b, rank, inputs + batch, 5);
                 DeviceMatrix product = b.allocate(n, inputs + batch)) {
                int cols = inputs + batch;
                double ms = time(() -> b.gram(hats, step));
                row(b, "gram hats (paper 5.1)", n + " x " + rank + ", " + n + " x " + cols, ms,
                        2.0 * n * rank * cols / ms / 1e9, "TFLOP/s",
                        d == null ? Double.NaN : GpuTimeModel.gramMs(d, n, rank, cols, bytes));
                ms = time(() -> b.gemm(false, false, 1, hats, coefficients, 0, product));
                row(b, "gemm hats (paper 5.1)", n + " x " + rank + " x " + cols, ms,
                        2.0 * n * rank * cols / ms / 1e9, "TFLOP/s",
                        d == null ? Double.NaN : GpuTimeModel.gemmMs(d, route, n, rank, cols, bytes));
            }
            double[][] second = {chi, chi, chi, chi};
            double ms = time(() -> b.adamOuterProduct(adam, 3, chi, second, dh, x.columns(0, batch), x, 1.0, true, out));
            row(b, "adamOuterProduct rank 4 (nt-limit)", "N " + n + ", m " + batch + ", p " + inputs, ms,
                    (double) n * n / ms / 1e6, "G pairs/s",
                    d == null ? Double.NaN : GpuTimeModel.pairOuterMs(d, n, batch, 4, inputs));
        }
    }

    private static GpuTimeModel.Device model(CudaBackend b) {
        return GpuTimeModel.Device.of(b.deviceDescription());
    }

    private static void gemm(CudaBackend b, int size) {
        try (DeviceMatrix x = gaussian(b, size, size, 1); DeviceMatrix y = gaussian(b, size, size, 2);
             DeviceMatrix z = b.allocate(size, size)) {
            double ms = time(() -> b.gemm(false, false, 1, x, y, 0, z));
            GpuTimeModel.Device d = model(b);
            row(b, "gemm", size + " x " + size + " x " + size, ms, 2.0 * size * size * size / ms / 1e9, "TFLOP/s",
                    d == null ? Double.NaN : GpuTimeModel.gemmMs(d, b.gemmImplementation(), size, size, size,
                            b.precision().bytes()));
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

    private static void row(CudaBackend b, String operation, String shape, double ms, double rate, String unit,
                            double predicted) {
        String model = Double.isNaN(predicted) ? "- | -"
                : String.format(Locale.ROOT, "%.3f | %.2f", predicted, ms / predicted);
        System.out.println(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.3f | %.3g %s | %s |", operation,
                b.precision().spelling(), b.gemmImplementation(), shape, ms, rate, unit, model));
    }
}
