package io.github.infinitewidth.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * LIMITS.md section 6: the fixed work split makes 1 thread and many threads give
 * bit-identical numbers. Sizes span several blocks of every kernel.
 */
class CpuThreadCountTest {

    /** Runs {@code work} on a fresh backend with the given thread count and returns its result. */
    private static double[] with(int threads, Function<Backend, double[]> work) {
        try (Backend backend = new CpuBackend(Precision.FLOAT64, threads)) {
            return work.apply(backend);
        }
    }

    private static void assertSameForAnyThreadCount(Function<Backend, double[]> work) {
        double[] one = with(1, work);
        assertArrayEquals(one, with(4, work), 0);
        assertArrayEquals(one, with(7, work), 0);
    }

    private static DeviceMatrix gaussian(Backend backend, int rows, int cols, long stream) {
        DeviceMatrix m = backend.allocate(rows, cols);
        backend.fillGaussian(m, new RandomKey(5, 0), stream, 1.0);
        return m;
    }

    @Test
    void gaussianFillGramAndMeansDoNotDependOnThreads() {
        assertSameForAnyThreadCount(backend -> {
            try (DeviceMatrix a = gaussian(backend, 5000, 4, 1); DeviceMatrix b = gaussian(backend, 5000, 3, 2)) {
                double[] g = backend.gram(a, b);
                double[] means = backend.columnMeans(a);
                double[] all = backend.download(a);
                double[] out = new double[g.length + means.length + all.length];
                System.arraycopy(g, 0, out, 0, g.length);
                System.arraycopy(means, 0, out, g.length, means.length);
                System.arraycopy(all, 0, out, g.length + means.length, all.length);
                return out;
            }
        });
    }

    @Test
    void gemmDoesNotDependOnThreads() {
        assertSameForAnyThreadCount(backend -> {
            try (DeviceMatrix w = gaussian(backend, 300, 300, 1); DeviceMatrix x = gaussian(backend, 300, 5, 2);
                 DeviceMatrix h = backend.allocate(300, 5); DeviceMatrix ht = backend.allocate(300, 5)) {
                backend.gemm(false, false, 1, w, x, 0, h);
                backend.gemm(true, false, 1, w, x, 0, ht);
                backend.axpy(1, h, ht);
                return backend.download(ht);
            }
        });
    }

    @Test
    void nonlinearOuterProductAndPairsDoNotDependOnThreads() {
        UpdateFunction q = new UpdateFunction(UpdateFunction.Kind.SMOOTHSIGN, 0.1, 0.9, 0.999);
        double[] c = {0.5, -1, 2};
        assertSameForAnyThreadCount(backend -> {
            try (DeviceMatrix a = gaussian(backend, 700, 3, 1); DeviceMatrix cm = gaussian(backend, 700, 2, 2);
                 DeviceMatrix out = backend.allocate(700, 2); DeviceMatrix pairs = backend.allocate(700, 700)) {
                backend.nonlinearOuterProduct(q, c, a, a, cm, 1.0 / 700, true, out);
                backend.accumulatePairs(q, c, a, a, 1, true, pairs);
                double[] o = backend.download(out);
                double[] p = backend.download(pairs);
                double[] all = new double[o.length + p.length];
                System.arraycopy(o, 0, all, 0, o.length);
                System.arraycopy(p, 0, all, o.length, p.length);
                return all;
            }
        });
    }

    @Test
    void adamUpdateDoesNotDependOnThreads() {
        UpdateFunction adam = UpdateFunction.of(UpdateFunction.Kind.ADAM);
        assertSameForAnyThreadCount(backend -> {
            try (DeviceMatrix p = gaussian(backend, 300, 200, 1); DeviceMatrix g = gaussian(backend, 300, 200, 2);
                 DeviceMatrix m = backend.allocate(300, 200); DeviceMatrix v = backend.allocate(300, 200)) {
                backend.update(adam, 0, g, -0.1, p, m, v);
                backend.update(adam, 1, g, -0.1, p, m, v);
                return backend.download(p);
            }
        });
    }
}
