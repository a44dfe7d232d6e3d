package io.github.infinitewidth.finite;

import io.github.infinitewidth.benchmarks.BackendState;
import io.github.infinitewidth.benchmarks.Experiments;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.train.Loss;
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
 * One training step of the finite engine: a muP network of width N and {@code depth} hidden tanh
 * layers on m inputs, full batch: forward pass, error signal, backward pass, normalized gradients
 * and the update of every tensor (FiniteNetwork, LIMITS.md section 2.1). Per hidden matrix it is
 * three N x N by N x m GEMMs ({@code W x}, {@code W^T dh}, {@code dh diag(chi) x^T}), {@code 6 N^2 m}
 * flops, plus the update's pass over the {@code N^2} weights ({@code 16 N^2} bytes for sgd, more for
 * adam's state): at m = 8 the update's memory traffic is as large as the GEMMs' arithmetic.
 *
 * <p>The benchmark lives in the engine's package because a step is not public API: the engine only
 * runs whole trainings. The network keeps training across invocations; the cost of a step does not
 * depend on the weights.
 *
 * <p>The NumPy peer is {@code benchmarks/peers/numpy_peers.py finite}; {@code benchmarks/compare.sh
 * finite} runs both from the same weights and checks that the outputs after the step agree.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar FiniteStepBenchmark}.
 *
 * <p>The numbers measured on the project's machines are at the end of this file.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FiniteStepBenchmark extends BackendState {
    @Param({"1024", "4096"})
    public int n;

    @Param({"8", "32"})
    public int m;

    @Param({"2", "3"})
    public int depth;

    @Param({"sgd", "adam"})
    public String optimizer;

    private Experiment experiment;
    private FiniteNetwork network;
    private int step;

    @Setup
    public void setUp() {
        openDevice();
        experiment = Experiments.of(depth, 1, n, m, optimizer, 1, storage());
        network = new FiniteNetwork(experiment, scaling(experiment), device, new RandomKey(1, 0));
    }

    static Scaling scaling(Experiment e) {
        return Scaling.of(e.parametrization(), e.network().initStd(), e.network().width(), e.data().dimension(),
                e.optimizer().learningRate(), e.optimizer().multipliers());
    }

    /** The outputs are host values, so the step has finished on the device when it returns. */
    @Benchmark
    public double[] step() {
        double[] f = network.forward();
        int[] batch = new int[m];
        for (int j = 0; j < m; j++) {
            batch[j] = j;
        }
        network.update(Loss.MSE.errorSignal(f, experiment.data().allTargets(), batch), step++);
        return f;
    }

    @TearDown
    public void tearDown() {
        network.close();
        closeDevice();
    }
}

/*
 * Measured on dev-2core (2 vCPUs of an AMD EPYC with AVX-512, OpenJDK 17.0.15; docs/performance.md,
 * "Current code on an idle machine"), 2026-12-02 04:00 UTC, by benchmarks/measure.sh, that is
 *     java -jar benchmarks/target/benchmarks.jar FiniteStepBenchmark -jvmArgsAppend -Xmx8g -p m=32
 * with nothing else running (measured FP64 peak 101.7 GFLOP/s, memory bandwidth 28.2 GB/s);
 * docs/performance.md compares the times with the machine's limits and with NumPy.
 *
 * Benchmark                 (backend)  (depth)  (m)   (n)  (optimizer)  (precision)  Mode  Cnt    Score     Error  Units
 * FiniteStepBenchmark.step        cpu        2   32  1024          sgd      float64  avgt    5   22.118 ±   4.267  ms/op
 * FiniteStepBenchmark.step        cpu        2   32  1024         adam      float64  avgt    5   22.684 ±   3.488  ms/op
 * FiniteStepBenchmark.step        cpu        2   32  4096          sgd      float64  avgt    5  252.411 ±  89.201  ms/op
 * FiniteStepBenchmark.step        cpu        2   32  4096         adam      float64  avgt    5  307.382 ± 196.100  ms/op
 * FiniteStepBenchmark.step        cpu        3   32  1024          sgd      float64  avgt    5   39.811 ±   2.701  ms/op
 * FiniteStepBenchmark.step        cpu        3   32  1024         adam      float64  avgt    5   48.367 ±  10.045  ms/op
 * FiniteStepBenchmark.step        cpu        3   32  4096          sgd      float64  avgt    5  550.720 ± 121.777  ms/op
 * FiniteStepBenchmark.step        cpu        3   32  4096         adam      float64  avgt    5  541.883 ± 104.723  ms/op
 */
