package io.github.infinitewidth.backend.cpu;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;

/**
 * A column-major matrix in a Java array: {@code double[]} for float64, {@code float[]} for
 * float32. A view made by {@link #columns} shares the array from an offset; column-major
 * storage keeps every view contiguous, so an entry is always {@code array[offset + index]}.
 */
final class CpuMatrix implements DeviceMatrix {
    private final CpuBackend backend;
    private final int rows;
    private final int cols;
    private final int offset;
    private double[] doubles;
    private float[] floats;

    CpuMatrix(CpuBackend backend, int rows, int cols, double[] doubles, float[] floats, int offset) {
        this.backend = backend;
        this.rows = rows;
        this.cols = cols;
        this.doubles = doubles;
        this.floats = floats;
        this.offset = offset;
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

    int size() {
        return rows * cols;
    }

    @Override
    public DeviceMatrix columns(int from, int to) {
        if (from < 0 || to > cols || from > to) {
            throw new IllegalArgumentException("columns(" + from + ", " + to + ") of a " + rows + " x " + cols + " matrix");
        }
        requireOpen();
        return new CpuMatrix(backend, rows, to - from, doubles, floats, offset + from * rows);
    }

    /** Entry {@code index} (column-major, relative to this view). */
    double get(int index) {
        return doubles != null ? doubles[offset + index] : floats[offset + index];
    }

    /** Stores {@code value}, rounded to the storage precision. */
    void set(int index, double value) {
        if (doubles != null) {
            doubles[offset + index] = value;
        } else {
            floats[offset + index] = (float) value;
        }
    }

    @Override
    public Precision precision() {
        return doubles != null ? Precision.FLOAT64 : Precision.FLOAT32;
    }

    /** The backing {@code float[]} (float32 storage only); this view starts at {@link #offset()}. */
    float[] floats() {
        return floats;
    }

    /** True when the entries live in a {@code double[]}, readable through {@link #doubles()} without copying. */
    boolean isDouble() {
        return doubles != null;
    }

    /** The backing {@code double[]} (float64 only); this view starts at {@link #offset()}. */
    double[] doubles() {
        return doubles;
    }

    int offset() {
        return offset;
    }

    /** The entries as a fresh float64 array of length {@link #size()}. */
    double[] toDoubles() {
        double[] out = new double[size()];
        if (doubles != null) {
            System.arraycopy(doubles, offset, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = floats[offset + i];
            }
        }
        return out;
    }

    /** Overwrites the entries with {@code values[from .. from + size())}, rounded to the storage precision. */
    void setAll(double[] values, int from) {
        if (doubles != null) {
            System.arraycopy(values, from, doubles, offset, size());
        } else {
            for (int i = 0; i < size(); i++) {
                floats[offset + i] = (float) values[from + i];
            }
        }
    }

    void requireOpen() {
        if (doubles == null && floats == null) {
            throw new IllegalStateException("a " + rows + " x " + cols + " matrix was used after close()");
        }
    }

    @Override
    public boolean sharesStorageWith(DeviceMatrix other) {
        return other instanceof CpuMatrix o
                && ((doubles != null && doubles == o.doubles) || (floats != null && floats == o.floats));
    }

    @Override
    public void close() {
        // Views and owners alike drop their reference; the owner's array is then collectable
        // once no open view uses it.
        doubles = null;
        floats = null;
    }
}
