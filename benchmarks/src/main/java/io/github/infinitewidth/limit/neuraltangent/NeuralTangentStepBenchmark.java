package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.benchmarks.BackendState;
import io.github.infinitewidth.benchmarks.Experiments;
import io.github.infinitewidth.engine.Experiment;
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
 * One step of the NT limit with a nonlinear optimizer (smoothsign, eps = 0.1): the function-space
 * kernel {@code K_t} of LIMITS.md section 3 over N frozen particles (ParticleStep). Each of the
 * {@code depth - 1} hidden matrices costs one nonlinear outer product over all ordered pairs,
 * {@code 4 N^2 m} flops plus {@code N^2} Q, and the input and output layers {@code O(N m d)}: the
 * step is the kernel of NonlinearOuterProductBenchmark times {@code depth - 1}, which this
 * benchmark makes visible next to everything else a step does. (sgd and momentum go through the NTK
 * computed once, {@code O(m^2)} per step, nothing to benchmark.)
 *
 * <p>The benchmark lives in the engine's package because a step is not public API. The kets are
 * built once per trial; the error signal is fixed, so every invocation does the same work.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar NeuralTangentStepBenchmark}.
 *
 * <p>The numbers measured on the project's machines are at the end of this file.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class NeuralTangentStepBenchmark extends BackendState {
    @Param({"1024", "4096"})
    public int n;

    @Param({"8", "32"})
    public int m;

    @Param({"2", "3"})
    public int depth;

    private NeuralTangentKets kets;
    private ParticleStep step;
    private double[] chi;

    @Setup
    public void setUp() {
        openDevice();
        Experiment e = Experiments.of(depth, n, 0, m, "smoothsign", 1, storage());
        kets = new NeuralTangentKets(e, device, new RandomKey(1, 0), null);
        step = new ParticleStep(kets, e.optimizer().update(), e.optimizer().multipliers(), device);
        // chi_j = (f_j - y_j) / m at f = 0 (a centered start)
        double[] targets = e.data().allTargets();
        chi = new double[m];
        for (int j = 0; j < m; j++) {
            chi[j] = -targets[j] / m;
        }
    }

    /** The kernel is a host array, so the step has finished on the device when it returns. */
    @Benchmark
    public double[] step() {
        return step.kernel(chi, 0);
    }

    @TearDown
    public void tearDown() {
        step.close();
        kets.close();
        closeDevice();
    }
}

/*
 * Measured on dev-2core (2 vCPUs of an AMD EPYC with AVX-512, OpenJDK 17.0.15; docs/performance.md,
 * "Current code on an idle machine"), 2026-12-02 04:00 UTC, by benchmarks/measure.sh, that is
 *     java -jar benchmarks/target/benchmarks.jar NeuralTangentStepBenchmark -jvmArgsAppend -Xmx8g
 * with nothing else running (measured FP64 peak 101.7 GFLOP/s, memory bandwidth 28.2 GB/s);
 * docs/performance.md compares the times with the machine's limits and with NumPy.
 *
 * Benchmark                        (backend)  (depth)  (m)   (n)  (precision)  Mode  Cnt    Score     Error  Units
 * NeuralTangentStepBenchmark.step        cpu        2    8  1024      float64  avgt    3    2.054 ±   1.818  ms/op
 * NeuralTangentStepBenchmark.step        cpu        2    8  4096      float64  avgt    3   25.420 ±  22.966  ms/op
 * NeuralTangentStepBenchmark.step        cpu        2   32  1024      float64  avgt    3    5.651 ±   2.265  ms/op
 * NeuralTangentStepBenchmark.step        cpu        2   32  4096      float64  avgt    3   65.397 ±  89.910  ms/op
 * NeuralTangentStepBenchmark.step        cpu        3    8  1024      float64  avgt    3    3.898 ±   0.954  ms/op
 * NeuralTangentStepBenchmark.step        cpu        3    8  4096      float64  avgt    3   52.217 ±  44.927  ms/op
 * NeuralTangentStepBenchmark.step        cpu        3   32  1024      float64  avgt    3    9.933 ±  12.019  ms/op
 * NeuralTangentStepBenchmark.step        cpu        3   32  4096      float64  avgt    3  131.846 ± 201.250  ms/op
 */
