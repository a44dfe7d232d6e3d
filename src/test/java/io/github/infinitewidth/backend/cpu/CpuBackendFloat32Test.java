package io.github.infinitewidth.backend.cpu;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendContractTest;
import io.github.infinitewidth.backend.Precision;

/** The backend contract for the CPU backend storing float32. */
class CpuBackendFloat32Test extends BackendContractTest {
    @Override
    protected Backend createBackend() {
        return new CpuBackend(Precision.FLOAT32, 2);
    }
}
