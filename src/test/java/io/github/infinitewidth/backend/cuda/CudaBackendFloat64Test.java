package io.github.infinitewidth.backend.cuda;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendContractTest;
import io.github.infinitewidth.backend.Precision;
import org.junit.jupiter.api.condition.EnabledIf;

/** The backend contract for the CUDA backend in float64, with GEMM on the own kernel. Skipped without a usable GPU. */
@EnabledIf("io.github.infinitewidth.backend.Backends#cudaUsable")
class CudaBackendFloat64Test extends BackendContractTest {
    @Override
    protected Backend createBackend() {
        return new CudaBackend(Precision.FLOAT64, false);
    }
}
