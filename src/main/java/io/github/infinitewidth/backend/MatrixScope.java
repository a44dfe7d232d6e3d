package io.github.infinitewidth.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * Owns the matrices an object allocates on a backend and frees them all at once (design rule:
 * ket buffers are owned by an {@code AutoCloseable} scope). Closing twice is harmless.
 */
public final class MatrixScope implements AutoCloseable {
    private final Backend backend;
    private final List<DeviceMatrix> owned = new ArrayList<>();

    public MatrixScope(Backend backend) {
        this.backend = backend;
    }

    /** A new zero-filled matrix owned by this scope. */
    public DeviceMatrix allocate(int rows, int cols) {
        return own(backend.allocate(rows, cols));
    }

    /** A new matrix holding {@code columnMajor}, owned by this scope. */
    public DeviceMatrix upload(int rows, int cols, double[] columnMajor) {
        return own(backend.upload(rows, cols, columnMajor));
    }

    /** {@code count} new zero-filled matrices of one shape (for example an optimizer's state). */
    public DeviceMatrix[] allocate(int count, int rows, int cols) {
        DeviceMatrix[] matrices = new DeviceMatrix[count];
        for (int i = 0; i < count; i++) {
            matrices[i] = allocate(rows, cols);
        }
        return matrices;
    }

    /** Takes ownership of {@code matrix}. */
    public DeviceMatrix own(DeviceMatrix matrix) {
        owned.add(matrix);
        return matrix;
    }

    @Override
    public void close() {
        for (DeviceMatrix matrix : owned) {
            matrix.close();
        }
        owned.clear();
    }
}
