package io.github.infinitewidth.backend.cuda;

import java.util.Locale;

/**
 * A model of the CUDA backend's time on an H100 or H200, from each operation's float64 flops and
 * memory bytes and an efficiency per kernel that follows from its resources (docs/performance.md,
 * "Kernel resources" and "GPU time model"). It exists so that the first device run checks a
 * prediction: {@link CudaKernelTimings} prints it next to every measured operation, and
 * scripts/gpu-check.sh next to the measured paper-5.1 runs. Not a test.
 *
 * <pre>runtime/bin/java -cp lib/infinitewidth.jar:tests/classes io.github.infinitewidth.backend.cuda.GpuTimeModel</pre>
 * prints the per-step tables of docs/performance.md;
 * {@code ... GpuTimeModel run DEVICE-NAME GEMM-ROUTE PARTICLES STEPS} one predicted wall time in
 * seconds for a one-replica run of examples/paper-5.1/job-gpu.yaml. Every own kernel is charged at
 * the float64 rate, as before float32 runs computed their pair products and own GEMM in float32;
 * for those the pair and own-GEMM times are upper bounds (docs/performance.md, "Kernel resources").
 */
public final class GpuTimeModel {
    /**
     * Nominal rates (NVIDIA's data sheets, SXM boards at boost clock; H200 has the H100's
     * multiprocessors with faster, larger memory).
     *
     * @param fp64 float64 without tensor cores, the rate of every own kernel (TFLOP/s)
     * @param fp64Tensor float64 on tensor cores, cuBLAS DGEMM (TFLOP/s)
     * @param fp32 float32 without tensor cores, cuBLAS SGEMM in its default math mode (TFLOP/s)
     * @param memory HBM bandwidth (TB/s)
     */
    record Device(String name, double fp64, double fp64Tensor, double fp32, double memory) {
        static final Device H100 = new Device("H100 SXM", 33.5, 67, 67, 3.35);
        static final Device H200 = new Device("H200", 33.5, 67, 67, 4.8);

        /** The modelled device whose name the GPU's name contains, or null. */
        static Device of(String gpuName) {
            return gpuName.contains("H200") ? H200 : gpuName.contains("H100") ? H100 : null;
        }
    }

    /**
     * Fractions of the nominal rates reached. Pair kernels: 4 x 4 micro-tiles read two shared
     * doubles per two multiply-adds, which balances the shared-memory and float64 pipelines
     * one to one, at 25 to 50% occupancy with a barrier every 8 inputs: half of the float64 rate.
     * Own GEMM: the same micro-tile, 50% occupancy: 0.4. cuBLAS: 0.7. Streams through memory: 0.8.
     */
    static final double PAIR_EFFICIENCY = 0.5;
    static final double OWN_GEMM_EFFICIENCY = 0.4;
    static final double CUBLAS_EFFICIENCY = 0.7;
    static final double MEMORY_EFFICIENCY = 0.8;
    /** Launch, stream synchronization and the JNI call of one backend operation, in ms. */
    static final double OPERATION_MS = 0.02;
    /** float64 operations per pair for Adam's step (a square root and a division at about 20 each). */
    static final double ADAM_FLOPS_PER_PAIR = 40;
    /** float64 operations per Gaussian (Philox, a logarithm, a sine or cosine, a square root). */
    static final double GAUSSIAN_FLOPS = 60;
    /**
     * The host's rate per thread on the Stein regressions' blocked triangular solves, GFLOP/s:
     * {@code SteinSolveBenchmark.blocked} at rank 9900 and 304 columns ran at 31.9 GFLOP/s on the
     * two threads of dev-2core (docs/performance.md, "Stein solves"). Taken to scale with the host's
     * threads, which the first GPU host will check.
     */
    static final double HOST_THREAD_GFLOPS = 16;

    /** Host threads of the tables below: the CPU cores of the lent H100 and H200 machines. */
    static final int TABLE_HOST_THREADS = 16;

    private GpuTimeModel() {}

    /** Time of one operation: its arithmetic and its memory traffic overlap, plus the call. */
    static double ms(double flops, double tflops, double bytes, Device d) {
        return Math.max(flops / (tflops * 1e9), bytes / (MEMORY_EFFICIENCY * d.memory() * 1e9)) + OPERATION_MS;
    }

    /** pair_update (memoryful Q, Adam): G over m inputs, each pair's three stored values read and written. */
    static double pairUpdateMs(Device d, long n, int m, int bytesPerValue) {
        double pairs = (double) n * n;
        return ms(pairs * (2.0 * m + ADAM_FLOPS_PER_PAIR), PAIR_EFFICIENCY * d.fp64(), pairs * 6 * bytesPerValue, d);
    }

    /** pair_accumulate: G over m inputs, the pair matrix read and written. */
    static double pairAccumulateMs(Device d, long n, int m, int bytesPerValue) {
        double pairs = (double) n * n;
        return ms(pairs * 2.0 * m, PAIR_EFFICIENCY * d.fp64(), pairs * 2 * bytesPerValue, d);
    }

    /**
     * pair_outer (or pair_outer_adam with {@code rank} second-moment factors): G once per pair and
     * factor, and a multiply-add per pair and output column, the columns padded to the kernel's
     * passes (16 when p <= 16, else multiples of 64); inputs read once per tile row, no N x N traffic.
     */
    static double pairOuterMs(Device d, long n, int m, int rank, int p) {
        double pairs = (double) n * n;
        double columns = p <= 16 ? 16 : 64 * Math.ceil(p / 64.0);
        double flops = pairs * (2.0 * m * (1 + rank) + 2.0 * columns + (rank > 0 ? ADAM_FLOPS_PER_PAIR : 0));
        return ms(flops, PAIR_EFFICIENCY * d.fp64(), 0, d);
    }

    /** A GEMM of op(A) rows x k by k x cols on {@code route} ("cublas" or "kernel"), A read once per 64 columns. */
    static double gemmMs(Device d, String route, long rows, long k, long cols, int bytesPerValue) {
        double flops = 2.0 * rows * k * cols;
        double tflops = route.equals("cublas") ? CUBLAS_EFFICIENCY * (bytesPerValue == 4 ? d.fp32() : d.fp64Tensor())
                : OWN_GEMM_EFFICIENCY * d.fp64();
        double aReads = route.equals("cublas") ? 1 : Math.ceil(cols / 64.0);
        return ms(flops, tflops, (aReads * rows * k + k * cols + rows * cols) * bytesPerValue, d);
    }

    /**
     * gram of N x a against N x b (gram_partials: the own GEMM's tiles per chunk of 4096
     * particles, whatever the GEMM route): a read once per 64 columns of b and b once per 64 of a.
     */
    static double gramMs(Device d, long n, long a, long b, int bytesPerValue) {
        double bytes = (double) n * (a * Math.ceil(b / 64.0) + b * Math.ceil(a / 64.0)) * bytesPerValue;
        return ms(2.0 * n * a * b, OWN_GEMM_EFFICIENCY * d.fp64(), bytes, d);
    }

    static double fillGaussianMs(Device d, long entries, int bytesPerValue) {
        return ms(entries * GAUSSIAN_FLOPS, d.fp64(), (double) entries * bytesPerValue, d);
    }

    /** One step of examples/paper-5.1/job-gpu.yaml (mu-limit, Adam, 2 hidden layers, full batch), per part. */
    record Step(double pairUpdate, double pairGemms, double hatGemms, double hatGrams, double gaussians,
                double host) {
        double gpu() {
            return pairUpdate + pairGemms + hatGemms + hatGrams + gaussians;
        }

        double total() {
            return gpu() + host;
        }
    }

    /**
     * A configuration of examples/paper-5.1 (104 inputs: 100 training, 4 test; 2 hidden layers,
     * so one hidden matrix): its batch B and the columns of a step's forward passes (all 104 at
     * full batch; the batch plus, every fifth step, the 94 others with minibatches of 10).
     */
    record Config(String job, int batch, double forwardColumns) {
        static final Config FULL_BATCH = new Config("job.yaml, job-gpu.yaml", 100, 104);
        static final Config MINIBATCH = new Config("job-minibatch.yaml", 10, 10 + 94 / 5.0);
    }

    static final int HIDDEN_MATRICES = 1;

    /**
     * Step t (from 1) at N particles: both hat families of the hidden matrix have rank
     * k = (t - 1) B (every step adds B independent columns; LIMITS.md section 5.1); the pair matrix
     * and Adam's two moments stored with {@code bytesPerValue}. Hat families: about
     * 10 N k (m + B) flops for sampling and regressions, half of them as Gram matrices, and
     * 4 N k (m + B) for the dot terms; host: the Cholesky extension and the solves of both
     * families, 2 k^2 (m + 2 B).
     */
    static Step step(Device d, String route, Config c, long n, int t, int bytesPerValue, int hostThreads) {
        long k = (long) (t - 1) * c.batch();
        long m = Math.round(c.forwardColumns());
        int b = c.batch();
        double pairUpdate = HIDDEN_MATRICES * pairUpdateMs(d, n, b, bytesPerValue);
        double pairGemms = HIDDEN_MATRICES * (gemmMs(d, route, n, n, m, bytesPerValue)
                + gemmMs(d, route, n, n, b, bytesPerValue));
        double hatGemms = 0;
        double hatGrams = 0;
        if (k > 0) {
            // 5 N k (m + B) + 4 N k (m + B) flops as GEMMs of N x k by k x (m + B), 5 N k (m + B) as Grams
            hatGemms = HIDDEN_MATRICES * 4.5 * gemmMs(d, route, n, k, m + b, bytesPerValue)
                    - (HIDDEN_MATRICES * 4.5 - 1) * OPERATION_MS;
            hatGrams = HIDDEN_MATRICES * 2.5 * gramMs(d, n, k, m + b, bytesPerValue)
                    - (HIDDEN_MATRICES * 2.5 - 1) * OPERATION_MS;
        }
        double gaussians = HIDDEN_MATRICES * 2 * fillGaussianMs(d, n * b, bytesPerValue);
        double host = HIDDEN_MATRICES * 2.0 * k * k * (m + 2.0 * b) / (HOST_THREAD_GFLOPS * hostThreads * 1e6);
        return new Step(pairUpdate, pairGemms, hatGemms, hatGrams, gaussians, host);
    }

    /** Seconds of a one-replica run of {@code steps} steps (plus 3 s of JVM start, plan and output). */
    static double runSeconds(Device d, String route, Config c, long n, int steps, int bytesPerValue, int hostThreads) {
        double ms = 0;
        for (int t = 1; t <= steps; t++) {
            ms += step(d, route, c, n, t, bytesPerValue, hostThreads).total();
        }
        return 3 + ms / 1e3;
    }

    public static void main(String[] args) {
        if (args.length == 5 && args[0].equals("run")) {
            Device d = Device.of(args[1]);
            System.out.println(d == null ? "-" : String.format(Locale.ROOT, "%.1f",
                    runSeconds(d, args[2], Config.FULL_BATCH, Long.parseLong(args[3]), Integer.parseInt(args[4]), 4,
                            Runtime.getRuntime().availableProcessors())));
            return;
        }
        System.out.println("| device | gemm | N | step | pair_update | pair GEMMs | hat GEMMs | hat Grams | Gaussians"
                + " | host solves | step total ms |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Device d : new Device[] {Device.H100, Device.H200}) {
            for (String route : new String[] {"cublas", "kernel"}) {
                for (long n : new long[] {8192, 16384, 65536}) {
                    for (int t : new int[] {1, 20, 100}) {
                        Step s = step(d, route, Config.FULL_BATCH, n, t, 4, TABLE_HOST_THREADS);
                        System.out.println(String.format(Locale.ROOT,
                                "| %s | %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.2f | %.0f | %.0f |", d.name(), route,
                                n, t, s.pairUpdate(), s.pairGemms(), s.hatGemms(), s.hatGrams(), s.gaussians(), s.host(),
                                s.total()));
                    }
                }
            }
        }
        System.out.println();
        System.out.println("| device | gemm | job | N | steps | one replica, s | four replicas, s |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Device d : new Device[] {Device.H100, Device.H200}) {
            for (String route : new String[] {"cublas", "kernel"}) {
                for (Config c : new Config[] {Config.FULL_BATCH, Config.MINIBATCH}) {
                    for (long n : new long[] {8192, 16384, 65536}) {
                        for (int steps : new int[] {20, 100}) {
                            double one = runSeconds(d, route, c, n, steps, 4, TABLE_HOST_THREADS);
                            System.out.println(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %.0f | %.0f |",
                                    d.name(), route, c.job(), n, steps, one, 4 * (one - 3) + 3));
                        }
                    }
                }
            }
        }
    }
}
