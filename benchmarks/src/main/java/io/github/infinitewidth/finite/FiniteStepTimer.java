package io.github.infinitewidth.finite;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.benchmarks.Experiments;
import io.github.infinitewidth.benchmarks.RawFiles;
import io.github.infinitewidth.benchmarks.Timings;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.state.StateWriter;
import io.github.infinitewidth.train.Loss;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Ours for {@code compare.sh finite}: one training step of a finite muP network (FiniteNetwork),
 * timed from fresh weights each repetition. Writes the initial weights ({@code u.f64}, {@code w<l>.f64},
 * {@code v.f64}), the inputs ({@code xi.f64}, d x m) and targets so the peer starts from exactly
 * these, and the outputs before and after the step ({@code f0.f64}, {@code f1.f64}) to check against.
 */
public final class FiniteStepTimer {
    private FiniteStepTimer() {}

    public static Timings run(Backend backend, Path dir, int width, int m, int depth, String optimizer, int warmups,
                              int reps) throws Exception {
        Experiment e = Experiments.of(depth, 1, width, m, optimizer, 1, backend.precision());
        Scaling scaling = FiniteStepBenchmark.scaling(e);
        RandomKey key = new RandomKey(1, 0);
        int[] batch = new int[m];
        for (int j = 0; j < m; j++) {
            batch[j] = j;
        }
        double[] targets = e.data().allTargets();
        try (FiniteNetwork net = new FiniteNetwork(e, scaling, backend, key)) {
            net.saveTo(new WeightFiles(backend, dir));
            RawFiles.write(dir.resolve("xi.f64"), e.data().inputsColumnMajor());
            RawFiles.write(dir.resolve("y.f64"), targets);
            double[] f0 = net.forward();
            net.update(Loss.MSE.errorSignal(f0, targets, batch), 0);
            RawFiles.write(dir.resolve("f0.f64"), f0);
            RawFiles.write(dir.resolve("f1.f64"), net.forward());
        }
        FiniteNetwork[] net = new FiniteNetwork[1];
        try {
            // drawing the weights is not part of the step; the peer likewise starts every
            // repetition from a fresh copy of them
            return Timings.of(warmups, reps, () -> {
                if (net[0] != null) {
                    net[0].close();
                }
                net[0] = new FiniteNetwork(e, scaling, backend, key);
            }, () -> {
                double[] f = net[0].forward();
                net[0].update(Loss.MSE.errorSignal(f, targets, batch), 0);
                return f;
            });
        } finally {
            if (net[0] != null) {
                net[0].close();
            }
        }
    }

    /** Writes the weight matrices of a checkpoint as raw files; the optimizer state (zero) is skipped. */
    private static final class WeightFiles implements StateWriter {
        private final Backend backend;
        private final Path dir;

        WeightFiles(Backend backend, Path dir) {
            this.backend = backend;
            this.dir = dir;
        }

        @Override
        public void matrix(String name, DeviceMatrix m) {
            if (name.startsWith("finite/state/")) {
                return;
            }
            try {
                RawFiles.write(dir.resolve(name.substring("finite/".length()) + ".f64"), backend.download(m));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        @Override
        public void ints(String name, int... values) {
            throw new IllegalStateException("a finite network saves no " + name);
        }

        @Override
        public void longs(String name, long... values) {
            throw new IllegalStateException("a finite network saves no " + name);
        }

        @Override
        public void doubles(String name, double... values) {
            throw new IllegalStateException("a finite network saves no " + name);
        }
    }
}
