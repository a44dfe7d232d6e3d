package io.github.infinitewidth.backend.cuda;

import io.github.infinitewidth.backend.Shapes;

/**
 * The CUDA backend's own shape check (the contract's shared ones are in {@link Shapes}): a device
 * matrix can hold more entries than one Java array.
 */
final class CudaShapes {
    private CudaShapes() {}

    /** Entries a host array can hold, for {@code download} and {@code upload}. */
    static int hostLength(String op, CudaMatrix m) {
        if (m.size() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(op + ": a " + Shapes.of(m) + " matrix has more entries than one Java array"
                    + " can hold");
        }
        return (int) m.size();
    }
}
