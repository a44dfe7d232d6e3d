package io.github.infinitewidth.benchmarks;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.BackendUnavailableException;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.finite.FiniteStepTimer;
import io.github.infinitewidth.limit.maximalupdate.MaximalUpdateStepTimer;
import io.github.infinitewidth.optim.UpdateFunction;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Ours in {@code benchmarks/compare.sh}: times one computation on inputs that compare.sh wrote (or
 * writes the inputs the peer must start from), writes the result next to them, and prints one JSON
 * line of timings. Usage (compare.sh calls it; all sizes are positional):
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.infinitewidth.benchmarks.Compare \
 *     BACKEND PRECISION WARMUPS REPS DIR nop N M EPS
 * java -cp ... Compare BACKEND PRECISION WARMUPS REPS DIR gemm N M
 * java -cp ... Compare BACKEND PRECISION WARMUPS REPS DIR gram N M
 * java -cp ... Compare BACKEND PRECISION WARMUPS REPS DIR finite WIDTH M DEPTH OPTIMIZER
 * java -cp ... Compare BACKEND PRECISION WARMUPS REPS DIR mu PARTICLES M DEPTH OPTIMIZER
 * </pre>
 * {@code nop} reads {@code a.f64}, {@code b.f64} (both N x M, column-major), {@code c.f64} (M) and
 * computes {@code out[a, i] = 1/(N-1) sum_{b != a} smoothsign_eps(sum_j c_j A[a, j] B[b, j]) B[b, i]}
 * into {@code out.f64}; {@code gemm} reads {@code w.f64} (N x N) and {@code b.f64} and writes
 * {@code W B} (N x M); {@code gram} reads {@code a.f64} and writes {@code (1/N) A^T A} (M x M);
 * {@code finite} and {@code mu} are described in FiniteStepTimer and
 * MaximalUpdateStepTimer. Exit status 3 with the reason on stderr when the backend is unavailable.
 */
public final class Compare {
    private Compare() {}

    public static void main(String[] args) throws Exception {
        BackendChoice choice = BackendChoice.valueOf(args[0].toUpperCase(Locale.ROOT));
        Precision precision = Precision.valueOf(args[1].toUpperCase(Locale.ROOT));
        int warmups = Integer.parseInt(args[2]);
        int reps = Integer.parseInt(args[3]);
        Path dir = Path.of(args[4]);
        Backend backend;
        try {
            backend = Backends.open(choice, precision);
        } catch (BackendUnavailableException e) {
            System.err.println(e.getMessage());
            System.exit(3);
            return;
        }
        try (backend) {
            Timings t;
            switch (args[5]) {
                case "nop":
                    t = nonlinearOuterProduct(backend, dir, Integer.parseInt(args[6]), Integer.parseInt(args[7]),
                            Double.parseDouble(args[8]), warmups, reps);
                    break;
                case "gemm":
                    t = gemm(backend, dir, Integer.parseInt(args[6]), Integer.parseInt(args[7]), warmups, reps);
                    break;
                case "gram":
                    t = gram(backend, dir, Integer.parseInt(args[6]), Integer.parseInt(args[7]), warmups, reps);
                    break;
                case "finite":
                    t = FiniteStepTimer.run(backend, dir, Integer.parseInt(args[6]), Integer.parseInt(args[7]),
                            Integer.parseInt(args[8]), args[9], warmups, reps);
                    break;
                case "mu":
                    t = MaximalUpdateStepTimer.run(backend, dir, Integer.parseInt(args[6]), Integer.parseInt(args[7]),
                            Integer.parseInt(args[8]), args[9], warmups, reps);
                    break;
                default:
                    throw new IllegalArgumentException("unknown computation " + args[5] + "; use nop, gemm, gram, finite or mu");
            }
            System.out.println(t.json());
        }
    }

    private static Timings nonlinearOuterProduct(Backend backend, Path dir, int n, int m, double eps, int warmups,
                                                 int reps) throws Exception {
        UpdateFunction q = new UpdateFunction(UpdateFunction.Kind.SMOOTHSIGN, eps, UpdateFunction.DEFAULT_BETA1,
                UpdateFunction.DEFAULT_BETA2);
        double[] c = RawFiles.read(dir.resolve("c.f64"));
        try (DeviceMatrix a = backend.upload(n, m, RawFiles.read(dir.resolve("a.f64")));
             DeviceMatrix b = backend.upload(n, m, RawFiles.read(dir.resolve("b.f64")));
             DeviceMatrix out = backend.allocate(n, m);
             DeviceMatrix token = backend.allocate(1, 1)) {
            // the 1 x 1 download waits for the device, as the peer's synchronize does
            Timings t = Timings.of(warmups, reps,
                    () -> {
                        backend.nonlinearOuterProduct(q, c, a, b, b, 1.0 / (n - 1), true, out);
                        return backend.download(token);
                    });
            RawFiles.write(dir.resolve("out.f64"), backend.download(out));
            return t;
        }
    }

    private static Timings gemm(Backend backend, Path dir, int n, int m, int warmups, int reps) throws Exception {
        try (DeviceMatrix w = backend.upload(n, n, RawFiles.read(dir.resolve("w.f64")));
             DeviceMatrix b = backend.upload(n, m, RawFiles.read(dir.resolve("b.f64")));
             DeviceMatrix out = backend.allocate(n, m);
             DeviceMatrix token = backend.allocate(1, 1)) {
            Timings t = Timings.of(warmups, reps, () -> {
                backend.gemm(false, false, 1.0, w, b, 0.0, out);
                return backend.download(token);
            });
            RawFiles.write(dir.resolve("out.f64"), backend.download(out));
            return t;
        }
    }

    private static Timings gram(Backend backend, Path dir, int n, int m, int warmups, int reps) throws Exception {
        try (DeviceMatrix a = backend.upload(n, m, RawFiles.read(dir.resolve("a.f64")))) {
            double[][] result = new double[1][];
            Timings t = Timings.of(warmups, reps, () -> result[0] = backend.gram(a, a));
            RawFiles.write(dir.resolve("out.f64"), result[0]);
            return t;
        }
    }
}
