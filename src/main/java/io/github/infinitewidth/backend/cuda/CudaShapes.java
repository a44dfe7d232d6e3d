package io.github.infinitewidth.backend.cuda;

/**
 * Shape checks of the Backend contract with the CPU backend's messages: a mismatch is an
 * {@link IllegalArgumentException} naming the operation and the shapes.
 */
final class CudaShapes {
    private CudaShapes() {}

    static String shape(CudaMatrix m) {
        return m.rows() + " x " + m.cols();
    }

    static void same(String op, CudaMatrix a, CudaMatrix b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(op + ": shapes " + shape(a) + " and " + shape(b) + " differ");
        }
    }

    /** A, B and the factor vector of a pair product. */
    static void pairs(String op, double[] c, CudaMatrix a, CudaMatrix b, boolean excludeDiagonal) {
        if (a.cols() != b.cols() || c.length != a.cols()) {
            throw new IllegalArgumentException(op + ": A " + shape(a) + ", B " + shape(b) + " and c of length "
                    + c.length + " need the same number of columns");
        }
        if (excludeDiagonal && a.rows() != b.rows()) {
            throw new IllegalArgumentException(op + ": excluding the diagonal needs A and B with the same rows, got "
                    + shape(a) + " and " + shape(b));
        }
    }

    /** C and out of a pair outer product; out must not alias the inputs. */
    static void outputs(String op, CudaMatrix a, CudaMatrix b, CudaMatrix c, CudaMatrix out) {
        if (c.rows() != b.rows() || out.rows() != a.rows() || out.cols() != c.cols()) {
            throw new IllegalArgumentException(op + ": A " + shape(a) + ", B " + shape(b) + ", C " + shape(c)
                    + ", out " + shape(out) + " do not fit");
        }
        if (out.sharesStorageWith(a) || out.sharesStorageWith(b) || out.sharesStorageWith(c)) {
            throw new IllegalArgumentException(op + ": out must not share storage with its inputs");
        }
    }

    /** Entries a host array can hold, for {@code download} and {@code upload}. */
    static int hostLength(String op, CudaMatrix m) {
        if (m.size() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(op + ": a " + shape(m) + " matrix has more entries than one Java array"
                    + " can hold");
        }
        return (int) m.size();
    }
}
