package io.github.infinitewidth.backend;

/** Storage precision of ket buffers. Expectations are always accumulated in float64. */
public enum Precision {
    FLOAT64(8),
    FLOAT32(4);

    private final int bytes;

    Precision(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per stored element. */
    public int bytes() {
        return bytes;
    }

    /** The job-file spelling: {@code float64} or {@code float32}. */
    public String spelling() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
