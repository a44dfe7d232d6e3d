package io.github.infinitewidth.limit.maximalupdate;

import io.github.infinitewidth.benchmarks.BackendState;
import io.github.infinitewidth.benchmarks.Experiments;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.train.Loss;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The first step of the deep muP limit (LIMITS.md section 5): from the forward pass of step 0, the
 * backward pass (backward hats and dot terms), the updates of u, v and every hidden matrix's
 * DeltaW, then the forward pass of step 1 (forward hats conditioned on step 0's, the forward dot
 * term, DeltaW applied). For sgd DeltaW is low rank ({@code O(N m^2)}); for smoothsign it is the N x N
 * pair matrix, updated by accumulatePairs ({@code 2 N^2 m} flops) and applied by a GEMM
 * ({@code 2 N^2 m}), which dominates from N of a few thousand. The hat work of a step grows with t
 * (its families hold {@code (t + 1) m} columns), so later steps cost more; the first is measured
 * because it is well defined and is what the NumPy peer computes.
 *
 * <p>Each invocation starts from a fresh replica whose step-0 forward pass is done in the
 * per-invocation setup (not timed); JMH's caveat about such setups does not apply at these
 * durations (milliseconds and more).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar MaximalUpdateStepBenchmark}.
 *
 * <p>The numbers measured on the project's machines are at the end of this file.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MaximalUpdateStepBenchmark extends BackendState {
    @Param({"1024", "4096"})
    public int n;

    @Param({"8"})
    public int m;

    @Param({"2", "3"})
    public int depth;

    @Param({"sgd", "smoothsign"})
    public String optimizer;

    private Experiment experiment;
    private int[] batch;
    private MaximalUpdateReplica replica;
    private double[] chi;

    @Setup
    public void setUp() {
        openDevice();
        experiment = Experiments.of(depth, n, 0, m, optimizer, 1, storage());
        batch = new int[m];
        for (int j = 0; j < m; j++) {
            batch[j] = j;
        }
    }

    @Setup(Level.Invocation)
    public void freshReplica() {
        replica = new MaximalUpdateReplica(experiment, device, new RandomKey(1, 0), true,
                MaximalUpdateStepTimer.capacity(experiment));
        chi = Loss.MSE.errorSignal(replica.forward(batch, MaximalUpdateStepTimer.NONE, 0),
                experiment.data().allTargets(), batch);
    }

    /** Returns f_1, host values: the step has finished on the device. */
    @Benchmark
    public double[] firstStep() {
        replica.train(chi, batch, 0);
        return replica.forward(batch, MaximalUpdateStepTimer.NONE, 1);
    }

    @TearDown(Level.Invocation)
    public void closeReplica() {
        replica.close();
    }

    @TearDown
    public void tearDown() {
        closeDevice();
    }
}

/*
 * Measured on dev-2core (2 vCPUs of an AMD EPYC with AVX-512, OpenJDK 17.0.15; docs/performance.md,
 * "Current code on an idle machine"), 2026-12-02 04:00 UTC, by benchmarks/measure.sh, that is
 *     java -jar benchmarks/target/benchmarks.jar MaximalUpdateStepBenchmark -jvmArgsAppend -Xmx8g
 * with nothing else running (measured FP64 peak 101.7 GFLOP/s, memory bandwidth 28.2 GB/s);
 * docs/performance.md compares the times with the machine's limits and with NumPy.
 *
 * Benchmark                             (backend)  (depth)  (m)   (n)  (optimizer)  (precision)  Mode  Cnt    Score    Error  Units
 * MaximalUpdateStepBenchmark.firstStep        cpu        2    8  1024          sgd      float64  avgt    5    5.414 ±  1.612  ms/op
 * MaximalUpdateStepBenchmark.firstStep        cpu        2    8  1024   smoothsign      float64  avgt    5   11.918 ±  0.938  ms/op
 * MaximalUpdateStepBenchmark.firstStep        cpu        2    8  4096          sgd      float64  avgt    5   13.659 ±  3.448  ms/op
 * MaximalUpdateStepBenchmark.firstStep        cpu        2    8  4096   smoothsign      float64  avgt    5  114.889 ± 23.432  ms/op
 * MaximalUpdateStepBenchmark.firstStep        cpu        3    8  1024          sgd      float64  avgt    5    9.561 ±  1.537  ms/op
 * MaximalUpdateStepBenchmark.firstStep        cpu        3    8  1024   smoothsign      float64  avgt    5   24.303 ±  6.756  ms/op
 * MaximalUpdateStepBenchmark.firstStep        cpu        3    8  4096          sgd      float64  avgt    5   27.018 ±  5.753  ms/op
 * MaximalUpdateStepBenchmark.firstStep        cpu        3    8  4096   smoothsign      float64  avgt    5  244.075 ± 36.702  ms/op
 */
