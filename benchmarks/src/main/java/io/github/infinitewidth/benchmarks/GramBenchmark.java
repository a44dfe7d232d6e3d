package io.github.infinitewidth.benchmarks;

import io.github.infinitewidth.backend.DeviceMatrix;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Gram matrix {@code (1/N) A^T A} of N particles by m columns, accumulated in float64: every
 * kernel estimate ({@code E[x_i x_j]}: NNGP, NTK, feature kernels, the covariance of the next hat
 * family, the Stein regressions) is one. {@code N m^2} multiply-adds on {@code 8 N m} bytes: at
 * m = 32, 8 flops per byte read, so on the CPU it is bound by the arithmetic once A is in cache
 * and by memory bandwidth when N m no longer fits (N = 65536, m = 32 is 16 MiB).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar GramBenchmark}.
 *
 * <p>The numbers measured on the project's machines are at the end of this file; docs/performance.md
 * puts them next to the machine's limits.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GramBenchmark extends BackendState {
    @Param({"4096", "65536"})
    public int n;

    @Param({"8", "32"})
    public int m;

    private DeviceMatrix a;

    @Setup
    public void setUp() {
        openDevice();
        a = Inputs.matrix(device, n, m, 0.3, 1.0);
    }

    /** The result is a host array, so the call has waited for the device. */
    @Benchmark
    public double[] gram() {
        return device.gram(a, a);
    }

    @TearDown
    public void tearDown() {
        a.close();
        closeDevice();
    }
}

/*
 * Measured on dev-2core (2 vCPUs of an AMD EPYC with AVX-512, OpenJDK 17.0.15; docs/performance.md,
 * "Current code on an idle machine"), 2026-12-02 04:00 UTC, by benchmarks/measure.sh, that is
 *     java -jar benchmarks/target/benchmarks.jar GramBenchmark -jvmArgsAppend -Xmx8g
 * with nothing else running (measured FP64 peak 101.7 GFLOP/s, memory bandwidth 28.2 GB/s);
 * docs/performance.md compares the times with the machine's limits and with NumPy.
 *
 * Benchmark           (backend)  (m)    (n)  (precision)  Mode  Cnt     Score      Error  Units
 * GramBenchmark.gram        cpu    8   4096      float64  avgt    5   119.857 ±   51.482  us/op
 * GramBenchmark.gram        cpu    8  65536      float64  avgt    5  1317.552 ±  728.831  us/op
 * GramBenchmark.gram        cpu   32   4096      float64  avgt    5   668.180 ±  178.823  us/op
 * GramBenchmark.gram        cpu   32  65536      float64  avgt    5  8447.800 ± 2491.211  us/op
 */
