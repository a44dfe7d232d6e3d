package io.github.infinitewidth.state;

import io.github.infinitewidth.backend.DeviceMatrix;

/**
 * Receives the state of a simulation as named arrays (a checkpoint being written). Names are
 * slash-separated paths such as {@code mu/layer2/forwardHats/basis}; each name is written once.
 * Values are stored exactly: doubles bit for bit, matrices in their backend's precision.
 */
public interface StateWriter {

    /** Whole numbers. */
    void ints(String name, int... values);

    /** Whole numbers that may exceed an int. */
    void longs(String name, long... values);

    /** Float64 numbers, NaN and infinities included. */
    void doubles(String name, double... values);

    /**
     * A backend matrix ({@code rows x cols}, column-major) in the backend's precision. Large
     * matrices are streamed in column blocks, so saving never needs a host copy of the whole.
     */
    void matrix(String name, DeviceMatrix m);

    /**
     * A list of float64 arrays, some of which may be null: stored as {@code name/lengths}
     * (-1 for null) and {@code name/values} (the non-null arrays back to back).
     */
    default void jagged(String name, double[][] arrays) {
        int[] lengths = new int[arrays.length];
        int total = 0;
        for (int i = 0; i < arrays.length; i++) {
            lengths[i] = arrays[i] == null ? -1 : arrays[i].length;
            total += arrays[i] == null ? 0 : arrays[i].length;
        }
        double[] values = new double[total];
        int at = 0;
        for (double[] a : arrays) {
            if (a != null) {
                System.arraycopy(a, 0, values, at, a.length);
                at += a.length;
            }
        }
        ints(name + "/lengths", lengths);
        doubles(name + "/values", values);
    }
}
