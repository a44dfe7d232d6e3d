package io.github.infinitewidth.benchmarks;

import io.github.infinitewidth.backend.Backend;
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
 * GEMM, {@code C = W X} with W {@code N x N} and X {@code N x m}: the hidden layer of a finite network
 * of width N on m inputs (forward {@code W x}, backward {@code W^T dh}, and, with the operands
 * swapped, the weight gradient {@code dh diag(chi) x^T}), and the shape of the muP limit's pair
 * matrix applied to m kets. {@code 2 N^2 m} flops on {@code 8 N^2} bytes of W (float64): at m = 32
 * that is 8 flops per byte, compute-bound on a cache-blocked kernel, memory-bound on a naive one.
 * Which GEMM runs is {@link Backend#gemmImplementation()}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar GemmBenchmark}; GFLOP/s is
 * {@code 2 N^2 m / (ms * 1e6)}.
 *
 * <p>The numbers measured on the project's machines are at the end of this file; docs/performance.md
 * puts them next to the machine's limits and the NumPy peer.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GemmBenchmark extends BackendState {
    @Param({"1024", "4096"})
    public int n;

    @Param({"32"})
    public int m;

    private DeviceMatrix w;
    private DeviceMatrix x;
    private DeviceMatrix c;

    @Setup
    public void setUp() {
        openDevice();
        w = Inputs.matrix(device, n, n, 0.1, 1.0 / Math.sqrt(n));
        x = Inputs.matrix(device, n, m, 0.2, 1.0);
        c = device.allocate(n, m);
    }

    @Benchmark
    public DeviceMatrix weightTimesKets() {
        device.gemm(false, false, 1.0, w, x, 0.0, c);
        await();
        return c;
    }

    @TearDown
    public void tearDown() {
        w.close();
        x.close();
        c.close();
        closeDevice();
    }
}

/*
 * Measured on dev-2core (2 vCPUs of an AMD EPYC with AVX-512, OpenJDK 17.0.15; docs/performance.md,
 * "Current code on an idle machine"), 2026-12-02 04:00 UTC, by benchmarks/measure.sh, that is
 *     java -jar benchmarks/target/benchmarks.jar GemmBenchmark -jvmArgsAppend -Xmx8g
 * with nothing else running (measured FP64 peak 101.7 GFLOP/s, memory bandwidth 28.2 GB/s);
 * docs/performance.md compares the times with the machine's limits and with NumPy.
 *
 * Benchmark                      (backend)  (m)   (n)  (precision)  Mode  Cnt   Score    Error  Units
 * GemmBenchmark.weightTimesKets        cpu   32  1024      float64  avgt    5   3.360 ±  1.503  ms/op
 * GemmBenchmark.weightTimesKets        cpu   32  4096      float64  avgt    5  59.097 ± 16.872  ms/op
 */
