package io.github.infinitewidth.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendContractTest;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.optim.UpdateFunction;
import org.junit.jupiter.api.Test;

/** The backend contract for the CPU backend in float64 with several threads. */
class CpuBackendTest extends BackendContractTest {
    @Override
    protected Backend createBackend() {
        return new CpuBackend(Precision.FLOAT64, 3);
    }

    /**
     * The nonlinear outer product evaluates sign without branches; it must still be Math.signum on
     * the values where a shortcut could go wrong: signed zeros, subnormals, the largest double, NaN.
     * With one particle b ({@code B = C = 1}) each output is {@code sign(A[a])}.
     */
    @Test
    void signInTheNonlinearOuterProductIsMathSignumEverywhere() {
        double[] a = {Double.MIN_VALUE, -Double.MIN_VALUE, 0.0, -0.0, 1e-310, -Double.MAX_VALUE, 3.5, Double.NaN,
                      Double.POSITIVE_INFINITY};
        try (Backend backend = createBackend();
             DeviceMatrix da = backend.upload(a.length, 1, a);
             DeviceMatrix one = backend.upload(1, 1, new double[] {1.0});
             DeviceMatrix out = backend.allocate(a.length, 1)) {
            backend.nonlinearOuterProduct(UpdateFunction.of(UpdateFunction.Kind.SIGN), new double[] {1.0}, da, one,
                    one, 1.0, false, out);
            double[] got = backend.download(out);
            for (int i = 0; i < a.length; i++) {
                assertEquals(0.0 + Math.signum(a[i]), got[i], 0.0, "sign(" + a[i] + ")");
            }
        }
    }
}
