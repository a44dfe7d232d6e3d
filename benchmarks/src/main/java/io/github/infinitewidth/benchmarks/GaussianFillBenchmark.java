package io.github.infinitewidth.benchmarks;

import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.random.RandomKey;
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
 * Gaussian fill of an {@code N x m} matrix from Philox-4x32-10 and Box-Muller (LIMITS.md section 6):
 * how every ket starts, and every fresh hat of the muP limit. Each sample costs one Philox block
 * (10 rounds of 2 32x32-bit multiplies) per 2 samples plus a log, a square root and a sine or
 * cosine computed by the project's own deterministic functions (the same bits on every backend),
 * so it is bound by arithmetic, not by the {@code 8 N m} bytes written.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar GaussianFillBenchmark}; samples per
 * second is {@code N m / time}.
 *
 * <p>The numbers measured on the project's machines are at the end of this file.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GaussianFillBenchmark extends BackendState {
    private static final RandomKey KEY = new RandomKey(1, 0);

    @Param({"65536"})
    public int n;

    @Param({"32"})
    public int m;

    private DeviceMatrix out;

    @Setup
    public void setUp() {
        openDevice();
        out = device.allocate(n, m);
    }

    @Benchmark
    public DeviceMatrix fillGaussian() {
        device.fillGaussian(out, KEY, 3, 1.0);
        await();
        return out;
    }

    @TearDown
    public void tearDown() {
        out.close();
        closeDevice();
    }
}

/*
 * Measured on dev-2core (2 vCPUs of an AMD EPYC with AVX-512, OpenJDK 17.0.15; docs/performance.md,
 * "Current code on an idle machine"), 2026-12-02 04:00 UTC, by benchmarks/measure.sh, that is
 *     java -jar benchmarks/target/benchmarks.jar GaussianFillBenchmark -jvmArgsAppend -Xmx8g
 * with nothing else running (measured FP64 peak 101.7 GFLOP/s, memory bandwidth 28.2 GB/s);
 * docs/performance.md compares the times with the machine's limits and with NumPy.
 *
 * Benchmark                           (backend)  (m)    (n)  (precision)  Mode  Cnt      Score       Error  Units
 * GaussianFillBenchmark.fillGaussian        cpu   32  65536      float64  avgt    5  58498.836 ± 10177.380  us/op
 */
