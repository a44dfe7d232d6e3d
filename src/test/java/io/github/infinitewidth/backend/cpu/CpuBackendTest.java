package io.github.infinitewidth.backend.cpu;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendContractTest;
import io.github.infinitewidth.backend.Precision;

/** The backend contract for the CPU backend in float64 with several threads. */
class CpuBackendTest extends BackendContractTest {
    @Override
    protected Backend createBackend() {
        return new CpuBackend(Precision.FLOAT64, 3);
    }
}
