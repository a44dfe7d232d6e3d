package io.github.infinitewidth.ket;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;

/**
 * A growing list of kets stored as the columns of one {@code N x capacity} matrix on a
 * backend, doubling when full (amortized {@code O(N)} per appended column). Used for the
 * history the maximal-update limit keeps, such as the low-rank form of {@code DeltaW} for sgd
 * (LIMITS.md section 5), whose memory is {@code O(N t m)}.
 */
public final class ColumnStore implements AutoCloseable {
    private final Backend backend;
    private final int rows;
    private DeviceMatrix storage;
    private int size;

    public ColumnStore(Backend backend, int rows, int initialCapacity) {
        this.backend = backend;
        this.rows = rows;
        this.storage = backend.allocate(rows, Math.max(1, initialCapacity));
    }

    /** Number of stored columns. */
    public int size() {
        return size;
    }

    /** Appends copies of the columns of {@code m} ({@code N x k}). */
    public void append(DeviceMatrix m) {
        if (m.rows() != rows) {
            throw new IllegalArgumentException("append: a store of " + rows + " rows got a " + m.rows() + " x "
                    + m.cols() + " matrix");
        }
        if (size + m.cols() > storage.cols()) {
            DeviceMatrix bigger = backend.allocate(rows, Math.max(size + m.cols(), 2 * storage.cols()));
            if (size > 0) {
                backend.copy(storage.columns(0, size), bigger.columns(0, size));
            }
            storage.close();
            storage = bigger;
        }
        backend.copy(m, storage.columns(size, size + m.cols()));
        size += m.cols();
    }

    /** The stored columns as a view ({@code N x size}); valid until the next {@link #append}. */
    public DeviceMatrix view() {
        return storage.columns(0, size);
    }

    /** Device bytes held now, spare capacity included. */
    public long bytes() {
        return (long) rows * storage.cols() * backend.precision().bytes();
    }

    @Override
    public void close() {
        storage.close();
    }
}
