package io.github.infinitewidth.backend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Random;
import java.util.Set;

/**
 * A backend whose GEMMs and pair products ({@code gemm}, {@code nonlinearOuterProduct},
 * {@code adamOuterProduct}, {@code accumulatePairs}, {@code updatePairs}) make errors of a given
 * size: after the wrapped backend has computed, every entry e of what the call wrote moves by
 * {@code relative * scale_e * u_e}, u uniform on [-1, 1] and independent per entry. For a GEMM the
 * scale is the entry's rounding-error bound without its {@code k u} factor, {@code |alpha| (|op(A)|
 * |op(B)|)_e} (a dot product's error is at most {@code k u} times the sum of its terms' sizes); for
 * the pair products, whose terms are not at hand, it is the size of the entry's own contribution
 * (the new output, or the change to what the call adds into). Exact zeros made of zero terms stay
 * zero, as they do in any precision. These are the operations the CUDA backend computes in float32
 * arithmetic for float32 runs (docs/accuracy.md, "Float32 arithmetic on CUDA", where the kernels'
 * own errors were measured), so an engine run on this backend shows what errors of that size do to
 * a whole training run, which the kernels cannot show (they run on a GPU, or one block at a time in
 * the host emulation). A test tool: it downloads and uploads every output, and its errors are random
 * where rounding errors are not quite.
 */
public final class PerturbedKernels {
    /** The perturbed operations. */
    private static final Set<String> OPERATIONS = Set.of("gemm", "nonlinearOuterProduct", "adamOuterProduct",
            "accumulatePairs", "updatePairs");

    private PerturbedKernels() {}

    /** {@code inner}, whose listed operations err by {@code relative} of each entry's scale. */
    public static Backend wrap(Backend inner, double relative, long seed) {
        Random random = new Random(seed);
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (!OPERATIONS.contains(method.getName())) {
                        return call(inner, method, args);
                    }
                    DeviceMatrix out = written(method.getName(), args);
                    double[] scale = method.getName().equals("gemm") ? gemmScale(inner, args) : null;
                    double[] before = scale == null ? inner.download(out) : null;
                    call(inner, method, args);
                    double[] after = inner.download(out);
                    boolean adds = method.getName().endsWith("Pairs");
                    for (int e = 0; e < after.length; e++) {
                        double size = scale != null ? scale[e] : Math.abs(after[e] - (adds ? before[e] : 0));
                        after[e] += relative * size * (2 * random.nextDouble() - 1);
                    }
                    inner.upload(after, out);
                    return null;
                });
    }

    /** {@code |alpha| |op(A)| |op(B)|} for {@code gemm(transA, transB, alpha, a, b, beta, c)}. */
    private static double[] gemmScale(Backend inner, Object[] args) {
        DeviceMatrix a = (DeviceMatrix) args[3];
        DeviceMatrix b = (DeviceMatrix) args[4];
        DeviceMatrix c = (DeviceMatrix) args[6];
        try (DeviceMatrix absA = inner.upload(a.rows(), a.cols(), absolute(inner.download(a)));
             DeviceMatrix absB = inner.upload(b.rows(), b.cols(), absolute(inner.download(b)));
             DeviceMatrix bound = inner.allocate(c.rows(), c.cols())) {
            inner.gemm((boolean) args[0], (boolean) args[1], Math.abs((double) args[2]), absA, absB, 0, bound);
            return inner.download(bound);
        }
    }

    private static double[] absolute(double[] values) {
        for (int e = 0; e < values.length; e++) {
            values[e] = Math.abs(values[e]);
        }
        return values;
    }

    /** The matrix an operation writes: C of gemm, out of the outer products, pairs of the pair updates. */
    private static DeviceMatrix written(String operation, Object[] args) {
        switch (operation) {
            case "gemm": return (DeviceMatrix) args[6];
            case "nonlinearOuterProduct": return (DeviceMatrix) args[7];
            case "adamOuterProduct": return (DeviceMatrix) args[9];
            case "accumulatePairs": return (DeviceMatrix) args[6];
            default: return (DeviceMatrix) args[7]; // updatePairs
        }
    }

    private static Object call(Backend inner, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(inner, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
