package io.github.infinitewidth.limit.maximalupdate;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.benchmarks.Experiments;
import io.github.infinitewidth.benchmarks.RawFiles;
import io.github.infinitewidth.benchmarks.Timings;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.train.Loss;
import java.nio.file.Path;

/**
 * Ours for {@code compare.sh mu}: the first step of the deep muP limit, as MaximalUpdateStepBenchmark
 * measures it (backward pass and updates of step 0, then the forward pass of step 1), timed from a
 * fresh replica each repetition. So that the peer computes the same numbers, not just the same law,
 * it writes every random number the step uses: {@code u.f64} (N x d), {@code v.f64} (N), and for each
 * hidden matrix l the Gaussian columns its hat families draw, in the order they draw them
 * ({@code fwd<l>.f64}, N x 2m: m hats at step 0 and m at step 1; {@code bwd<l>.f64}, N x m), plus the
 * inputs, targets and the outputs f_0, f_1 to check against.
 */
public final class MaximalUpdateStepTimer {
    /** No evaluation pass: every input is in the (full) batch. */
    static final int[] NONE = new int[0];

    private MaximalUpdateStepTimer() {}

    /** The forward families' capacity the engine would give this experiment's replicas. */
    static int capacity(Experiment e) {
        return (int) MaximalUpdateEngine.trainingRank(e) + e.data().size();
    }

    public static Timings run(Backend backend, Path dir, int particles, int m, int depth, String optimizer,
                              int warmups, int reps) throws Exception {
        Experiment e = Experiments.of(depth, particles, 0, m, optimizer, 1, backend.precision());
        RandomKey key = new RandomKey(1, 0);
        int d = e.data().dimension();
        double sw = e.network().initStd().hidden();
        write(backend, dir, "u", particles, d, key, MaximalUpdateStreams.INPUT_WEIGHTS,
                e.network().initStd().input() / Math.sqrt(d));
        write(backend, dir, "v", particles, 1, key, MaximalUpdateStreams.OUTPUT_WEIGHTS, e.network().initStd().output());
        for (int l = 2; l <= depth; l++) {
            write(backend, dir, "fwd" + l, particles, 2 * m, key, MaximalUpdateStreams.forwardHats(l), sw);
            write(backend, dir, "bwd" + l, particles, m, key, MaximalUpdateStreams.backwardHats(l), sw);
        }
        RawFiles.write(dir.resolve("xi.f64"), e.data().inputsColumnMajor());
        double[] targets = e.data().allTargets();
        RawFiles.write(dir.resolve("y.f64"), targets);
        int[] batch = new int[m];
        for (int j = 0; j < m; j++) {
            batch[j] = j;
        }
        try (MaximalUpdateReplica replica = new MaximalUpdateReplica(e, backend, key, true, capacity(e))) {
            double[] f0 = replica.forward(batch, NONE, 0);
            RawFiles.write(dir.resolve("f0.f64"), f0);
            replica.train(Loss.MSE.errorSignal(f0, targets, batch), batch, 0);
            RawFiles.write(dir.resolve("f1.f64"), replica.forward(batch, NONE, 1));
        }
        MaximalUpdateReplica[] replica = new MaximalUpdateReplica[1];
        double[][] chi = new double[1][];
        try {
            // the replica's construction and its step-0 forward pass are not part of the step
            return Timings.of(warmups, reps, () -> {
                if (replica[0] != null) {
                    replica[0].close();
                }
                replica[0] = new MaximalUpdateReplica(e, backend, key, true, capacity(e));
                chi[0] = Loss.MSE.errorSignal(replica[0].forward(batch, NONE, 0), targets, batch);
            }, () -> {
                replica[0].train(chi[0], batch, 0);
                return replica[0].forward(batch, NONE, 1);
            });
        } finally {
            if (replica[0] != null) {
                replica[0].close();
            }
        }
    }

    private static void write(Backend backend, Path dir, String name, int rows, int cols, RandomKey key, long stream,
                              double std) throws java.io.IOException {
        try (DeviceMatrix draws = backend.allocate(rows, cols)) {
            backend.fillGaussian(draws, key, stream, std);
            RawFiles.write(dir.resolve(name + ".f64"), backend.download(draws));
        }
    }
}
