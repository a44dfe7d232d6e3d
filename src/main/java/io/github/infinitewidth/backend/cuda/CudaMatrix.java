package io.github.infinitewidth.backend.cuda;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import jcuda.driver.CUdeviceptr;

/**
 * A column-major matrix in device memory. A view made by {@link #columns} shares its owner's
 * {@link DeviceAllocation} from an element offset; column-major storage keeps every view
 * contiguous, so every kernel sees a plain array with leading dimension {@link #rows()}.
 * Closing the owner frees the block (on the backend, which also frees blocks left open when it
 * closes); closing a view only retires the view.
 */
final class CudaMatrix implements DeviceMatrix {
    private final CudaBackend backend;
    private final DeviceAllocation allocation;
    private final long offset;
    private final int rows;
    private final int cols;
    private final boolean owner;
    private boolean closed;

    CudaMatrix(CudaBackend backend, DeviceAllocation allocation, long offset, int rows, int cols, boolean owner) {
        this.backend = backend;
        this.allocation = allocation;
        this.offset = offset;
        this.rows = rows;
        this.cols = cols;
        this.owner = owner;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** Number of entries, which may exceed {@code Integer.MAX_VALUE} (N x N pair matrices). */
    long size() {
        return (long) rows * cols;
    }

    @Override
    public DeviceMatrix columns(int from, int to) {
        if (from < 0 || to > cols || from > to) {
            throw new IllegalArgumentException("columns(" + from + ", " + to + ") of a " + rows + " x " + cols + " matrix");
        }
        requireOpen();
        return new CudaMatrix(backend, allocation, offset + (long) from * rows, rows, to - from, false);
    }

    /** The device address of entry 0 of this matrix or view. */
    CUdeviceptr pointer() {
        return size() == 0 ? new CUdeviceptr() : allocation.at(offset * backend.precision().bytes());
    }

    /** Bytes of this matrix's entries. */
    long bytes() {
        return size() * backend.precision().bytes();
    }

    @Override
    public boolean sharesStorageWith(DeviceMatrix other) {
        return other instanceof CudaMatrix o && allocation == o.allocation && size() > 0 && o.size() > 0;
    }

    void requireOpen() {
        if (closed || allocation.freed()) {
            throw new IllegalStateException("a " + rows + " x " + cols + " matrix was used after close()");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (owner) {
            backend.free(allocation);
        }
    }
}
