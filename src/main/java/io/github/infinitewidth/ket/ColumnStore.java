package io.github.infinitewidth.ket;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;

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

    /** Saves {@code prefix/counts} (size, capacity) and the stored columns {@code prefix/columns}. */
    public void saveTo(StateWriter out, String prefix) {
        out.ints(prefix + "/counts", size, storage.cols());
        out.matrix(prefix + "/columns", view());
    }

    /** Replaces the stored columns by what {@link #saveTo} saved. */
    public void restoreFrom(StateReader in, String prefix) {
        int[] counts = in.ints(prefix + "/counts");
        if (counts.length != 2 || counts[0] < 0 || counts[1] < Math.max(1, counts[0])) {
            throw new io.github.infinitewidth.state.SavedStateException("the saved column store " + prefix + " has counts "
                    + java.util.Arrays.toString(counts));
        }
        storage.close();
        storage = backend.allocate(rows, counts[1]);
        size = counts[0];
        in.matrix(prefix + "/columns", view());
    }

    @Override
    public void close() {
        storage.close();
    }
}
