package io.github.infinitewidth.ket;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import java.util.Random;
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
 * The host's share of a Stein regression (LIMITS.md section 5): {@code L L^T x = b} for a k x k
 * lower-triangular factor and p right-hand sides, {@code 2 k^2 p} flops. At the rank of step 100
 * of the paper-5.1 jobs (k = 9900, p = m + 2B = 304) it is what a GPU step waits for
 * (docs/performance.md, "GPU time model"). {@code blocked} is {@link TriangularSolves} on a CPU
 * backend's {@code threads} host threads, as {@link HatRegression} runs it; {@code rowByRow} is the solve it
 * replaced, one row of x at a time on one thread (every earlier row of x re-read per row), kept
 * here as the reference the blocked solve is measured against in the same run.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SteinSolveBenchmark}; the baseline
 * does not use threads, so {@code -p threads=1} for {@code rowByRow} alone.
 *
 * <p>The numbers measured on the project's machines are at the end of this file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SteinSolveBenchmark {
    @Param({"1024", "4096", "9900"})
    public int rank;

    @Param({"304"})
    public int columns;

    @Param({"1", "2"})
    public int threads;

    private double[][] factor;
    private double[] b;
    private double[] out;
    private Backend host;

    /** A well-conditioned factor (unit-sized diagonal, small off-diagonal entries) and Gaussian b. */
    @Setup
    public void setUp() {
        Random random = new Random(1);
        factor = new double[rank][];
        for (int i = 0; i < rank; i++) {
            factor[i] = new double[i + 1];
            for (int t = 0; t < i; t++) {
                factor[i][t] = random.nextGaussian() / Math.sqrt(4.0 * (i + 1));
            }
            factor[i][i] = 1 + random.nextDouble();
        }
        b = new double[rank * columns];
        for (int e = 0; e < b.length; e++) {
            b[e] = random.nextGaussian();
        }
        out = new double[b.length];
        host = Backends.cpu(Precision.FLOAT64, threads);
    }

    @Benchmark
    public double[] blocked() {
        TriangularSolves.RightHandSides x = new TriangularSolves.RightHandSides(b, rank, columns, threads);
        TriangularSolves.forward(host, factor, x);
        TriangularSolves.backward(host, factor, x);
        x.copyTo(out);
        return out;
    }

    @Benchmark
    public double[] rowByRow() {
        double[][] x = new double[rank][columns];
        for (int i = 0; i < rank; i++) {
            for (int j = 0; j < columns; j++) {
                x[i][j] = b[i + j * rank];
            }
        }
        int k = x.length;
        for (int i = 0; i < k; i++) {
            for (int t = 0; t < i; t++) {
                subtract(x[i], factor[i][t], x[t]);
            }
            divide(x[i], factor[i][i]);
        }
        for (int i = k - 1; i >= 0; i--) {
            for (int t = i + 1; t < k; t++) {
                subtract(x[i], factor[t][i], x[t]);
            }
            divide(x[i], factor[i][i]);
        }
        for (int i = 0; i < rank; i++) {
            for (int j = 0; j < columns; j++) {
                out[i + j * rank] = x[i][j];
            }
        }
        return out;
    }

    @TearDown
    public void tearDown() {
        host.close();
    }

    private static void subtract(double[] y, double s, double[] x) {
        for (int j = 0; j < y.length; j++) {
            y[j] -= s * x[j];
        }
    }

    private static void divide(double[] y, double d) {
        for (int j = 0; j < y.length; j++) {
            y[j] /= d;
        }
    }
}

/*
 * Measured on dev-2core (2 vCPUs of an AMD EPYC, OpenJDK 17.0.15; docs/performance.md, "Stein
 * solves"), 2026-12-05 10:20 to 10:23 UTC, load average 0.3 before and 1.0 after, by
 *     java -jar benchmarks/target/benchmarks.jar 'SteinSolveBenchmark.blocked' -i 5 -jvmArgsAppend -Xmx8g
 *     java -jar benchmarks/target/benchmarks.jar 'SteinSolveBenchmark.rowByRow' -p threads=1 -i 5 -jvmArgsAppend -Xmx8g
 *
 * Benchmark                    (columns)  (rank)  (threads)  Mode  Cnt     Score     Error  Units
 * SteinSolveBenchmark.blocked        304    1024          1  avgt    5    32.036 ±  13.721  ms/op
 * SteinSolveBenchmark.blocked        304    1024          2  avgt    5    23.118 ±  18.755  ms/op
 * SteinSolveBenchmark.blocked        304    4096          1  avgt    5   444.665 ±  37.102  ms/op
 * SteinSolveBenchmark.blocked        304    4096          2  avgt    5   296.575 ±  70.378  ms/op
 * SteinSolveBenchmark.blocked        304    9900          1  avgt    5  2569.395 ± 251.199  ms/op
 * SteinSolveBenchmark.blocked        304    9900          2  avgt    5  1867.368 ± 348.209  ms/op
 * SteinSolveBenchmark.rowByRow       304    1024          1  avgt    5    63.869 ±    9.804  ms/op
 * SteinSolveBenchmark.rowByRow       304    4096          1  avgt    5  1139.004 ±  232.793  ms/op
 * SteinSolveBenchmark.rowByRow       304    9900          1  avgt    5  9699.445 ± 4830.907  ms/op
 */
