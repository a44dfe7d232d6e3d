package io.github.infinitewidth.backend;

/**
 * A dense {@code rows x cols} matrix stored column-major on one {@link Backend}. In the
 * engines, rows are particles (or network units) and columns are inputs, so a column is one
 * ket sampled over the ensemble and is contiguous in memory.
 *
 * <p>Buffers are owned: {@link #close()} frees the storage of a matrix made by
 * {@link Backend#allocate}; closing a view made by {@link #columns} frees nothing. Contents
 * are only reachable through the backend's operations and {@link Backend#download}.
 */
public interface DeviceMatrix extends AutoCloseable {
    int rows();

    int cols();

    /** The backend whose memory holds this matrix. */
    Backend backend();

    /** The precision the entries are stored in: the backend's, unless allocated otherwise. */
    default Precision precision() {
        return backend().precision();
    }

    /**
     * A view of columns {@code [from, to)} sharing this matrix's storage (column-major makes
     * it contiguous). Writes through the view change this matrix.
     */
    DeviceMatrix columns(int from, int to);

    /** True when this matrix and {@code other} are views of one storage, so writing one may change the other. */
    boolean sharesStorageWith(DeviceMatrix other);

    /** Frees the storage (no-op for views and on second call). */
    @Override
    void close();
}
