package io.github.infinitewidth.util;

/**
 * The one place where argument checks live. Every message names the field in the
 * dotted spelling of the job file (JOB-SPEC.md) and says what a valid value looks like,
 * so the command line can print it as the single line a user needs to fix the input.
 */
public final class Check {
    private Check() {}

    /** Requires a finite value strictly greater than zero. */
    public static double positive(String field, double value) {
        if (!Double.isFinite(value) || value <= 0) {
            throw new InvalidSpecException(field, "must be finite and > 0, got " + format(value));
        }
        return value;
    }

    /** Requires a finite value greater than or equal to zero. */
    public static double nonNegative(String field, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new InvalidSpecException(field, "must be finite and >= 0, got " + format(value));
        }
        return value;
    }

    /** Requires a finite value. */
    public static double finite(String field, double value) {
        if (!Double.isFinite(value)) {
            throw new InvalidSpecException(field, "must be a finite number, got " + format(value));
        }
        return value;
    }

    /** Requires {@code 0 <= value < 1} (moment decay rates). */
    public static double unitInterval(String field, double value) {
        if (!Double.isFinite(value) || value < 0 || value >= 1) {
            throw new InvalidSpecException(field, "must be in [0, 1), got " + format(value));
        }
        return value;
    }

    /** Requires an integer strictly greater than zero. */
    public static int positive(String field, int value) {
        if (value <= 0) {
            throw new InvalidSpecException(field, "must be > 0, got " + value);
        }
        return value;
    }

    /** Requires an integer greater than or equal to zero. */
    public static int nonNegative(String field, int value) {
        if (value < 0) {
            throw new InvalidSpecException(field, "must be >= 0, got " + value);
        }
        return value;
    }

    /** Requires a non-null value. */
    public static <T> T present(String field, T value) {
        if (value == null) {
            throw new InvalidSpecException(field, "is required");
        }
        return value;
    }

    /** Requires every entry of a vector to be finite. */
    public static double[] finite(String field, double[] values) {
        present(field, values);
        for (int i = 0; i < values.length; i++) {
            finite(field + "[" + i + "]", values[i]);
        }
        return values;
    }

    /** A number as messages show it: whole numbers without a decimal point ({@code 0}, not {@code 0.0}). */
    public static String format(double value) {
        if (value == Math.rint(value) && Double.isFinite(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
