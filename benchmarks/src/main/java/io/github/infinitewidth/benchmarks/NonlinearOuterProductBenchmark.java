package io.github.infinitewidth.benchmarks;

import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.optim.UpdateFunction;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fused nonlinear outer product (Backend#nonlinearOuterProduct), the hot spot of both limit
 * engines with a nonlinear optimizer:
 * {@code out[a, i] = alpha sum_{b != a} Q(sum_j c_j A[a, j] B[b, j]) C[b, i]} with A, B, C all
 * {@code N x m} and Q = smoothsign ({@code g / sqrt(g^2 + eps^2)}, eps = 0.1), exactly the call of
 * the NT limit's hidden-layer term (A = dh, B = C = x of the layer below, c = chi). Per pair (a, b):
 * m multiply-adds for G, one Q (a square root and a division), m multiply-adds into out, so
 * {@code 4 N^2 m} flops plus {@code N^2} Q; the N x N matrix of Q values is never stored, so it
 * moves only {@code O(N m)} bytes and is bound by arithmetic. Also its sibling
 * {@link io.github.infinitewidth.backend.Backend#accumulatePairs}, which adds {@code alpha Q(G)} into an
 * N x N pair matrix (the muP limit's DeltaW, LIMITS.md section 5): {@code 2 N^2 m} flops and
 * {@code 16 N^2} bytes read and written (float64), bound by memory for small m.
 *
 * <p>The NumPy and PyTorch peers of the same computation are in {@code benchmarks/peers/};
 * {@code benchmarks/compare.sh nop} times both on the same inputs and checks they agree.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar NonlinearOuterProductBenchmark}; for the
 * GPU sizes add {@code -p n=16384,65536 -p precision=float32}. Pair evaluations per second is
 * {@code N (N - 1) / time}.
 *
 * <p>The numbers measured on the project's machines are at the end of this file.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class NonlinearOuterProductBenchmark extends BackendState {
    private static final UpdateFunction SMOOTHSIGN = new UpdateFunction(UpdateFunction.Kind.SMOOTHSIGN, 0.1,
            UpdateFunction.DEFAULT_BETA1, UpdateFunction.DEFAULT_BETA2);

    @Param({"1024", "4096"})
    public int n;

    @Param({"8", "32"})
    public int m;

    private double[] c;
    private DeviceMatrix a;
    private DeviceMatrix b;
    private DeviceMatrix out;

    @Setup
    public void setUp() {
        openDevice();
        c = Inputs.values(1, m, 0.4, 1.0);
        a = Inputs.matrix(device, n, m, 0.1, 1.0);
        b = Inputs.matrix(device, n, m, 0.2, 1.0);
        out = device.allocate(n, m);
    }

    /**
     * The N x N pair matrix, allocated only for accumulatePairs, so that nonlinearOuterProduct runs at
     * sizes whose pair matrix would not fit (N = 65536 is 16 GiB in float32).
     */
    @State(Scope.Benchmark)
    public static class PairMatrix {
        DeviceMatrix pairs;

        @Setup
        public void setUp(NonlinearOuterProductBenchmark b) {
            pairs = b.device.allocate(b.n, b.n);
        }

        @TearDown
        public void tearDown() {
            pairs.close();
        }
    }

    @Benchmark
    public DeviceMatrix nonlinearOuterProduct() {
        device.nonlinearOuterProduct(SMOOTHSIGN, c, a, b, b, 1.0 / (n - 1), true, out);
        await();
        return out;
    }

    @Benchmark
    public DeviceMatrix accumulatePairs(PairMatrix p) {
        device.accumulatePairs(SMOOTHSIGN, c, a, b, 1.0 / n, true, p.pairs);
        await();
        return p.pairs;
    }

    @TearDown
    public void tearDown() {
        a.close();
        b.close();
        out.close();
        closeDevice();
    }
}

/*
 * Measured on dev-2core (2 vCPUs of an AMD EPYC with AVX-512, OpenJDK 17.0.15; docs/performance.md,
 * "Current code on an idle machine"), 2026-12-02 04:00 UTC, by benchmarks/measure.sh, that is
 *     java -jar benchmarks/target/benchmarks.jar NonlinearOuterProductBenchmark -jvmArgsAppend -Xmx8g
 * with nothing else running (measured FP64 peak 101.7 GFLOP/s, memory bandwidth 28.2 GB/s);
 * docs/performance.md compares the times with the machine's limits and with NumPy.
 *
 * Benchmark                                             (backend)  (m)   (n)  (precision)  Mode  Cnt   Score    Error  Units
 * NonlinearOuterProductBenchmark.accumulatePairs              cpu    8  1024      float64  avgt    3   1.431 ±  0.689  ms/op
 * NonlinearOuterProductBenchmark.accumulatePairs              cpu    8  4096      float64  avgt    3  25.892 ±  9.465  ms/op
 * NonlinearOuterProductBenchmark.accumulatePairs              cpu   32  1024      float64  avgt    3   2.841 ±  1.457  ms/op
 * NonlinearOuterProductBenchmark.accumulatePairs              cpu   32  4096      float64  avgt    3  43.299 ± 21.878  ms/op
 * NonlinearOuterProductBenchmark.nonlinearOuterProduct        cpu    8  1024      float64  avgt    3   1.698 ±  1.350  ms/op
 * NonlinearOuterProductBenchmark.nonlinearOuterProduct        cpu    8  4096      float64  avgt    3  24.560 ± 12.060  ms/op
 * NonlinearOuterProductBenchmark.nonlinearOuterProduct        cpu   32  1024      float64  avgt    3   4.460 ±  2.320  ms/op
 * NonlinearOuterProductBenchmark.nonlinearOuterProduct        cpu   32  4096      float64  avgt    3  65.318 ± 41.424  ms/op
 */
