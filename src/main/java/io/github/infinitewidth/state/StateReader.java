package io.github.infinitewidth.state;

import io.github.infinitewidth.backend.DeviceMatrix;

/**
 * The named arrays of a saved state (a checkpoint being read), as {@link StateWriter} wrote
 * them. Asking for a name that is absent, or reading it as the wrong kind or shape, is a
 * {@link SavedStateException}: the state does not belong to this simulation.
 */
public interface StateReader {

    /** True when an array of this name was saved. */
    boolean has(String name);

    int[] ints(String name);

    long[] longs(String name);

    double[] doubles(String name);

    /** {@code {rows, cols}} of a saved matrix. */
    int[] shape(String name);

    /** Overwrites {@code into}, which must have the saved shape, with the saved matrix. */
    void matrix(String name, DeviceMatrix into);

    /** One int saved alone. */
    default int integer(String name) {
        int[] values = ints(name);
        if (values.length != 1) {
            throw new SavedStateException("saved state " + name + " holds " + values.length + " values, not 1");
        }
        return values[0];
    }

    /** What {@link StateWriter#jagged} saved. */
    default double[][] jagged(String name) {
        int[] lengths = ints(name + "/lengths");
        double[] values = doubles(name + "/values");
        double[][] arrays = new double[lengths.length][];
        long at = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < -1) {
                throw new SavedStateException("saved state " + name + " has a negative length");
            }
            if (lengths[i] >= 0) {
                if (at + lengths[i] > values.length) {
                    throw new SavedStateException("saved state " + name + " is shorter than its lengths say");
                }
                arrays[i] = java.util.Arrays.copyOfRange(values, (int) at, (int) at + lengths[i]);
                at += lengths[i];
            }
        }
        if (at != values.length) {
            throw new SavedStateException("saved state " + name + " is longer than its lengths say");
        }
        return arrays;
    }
}
