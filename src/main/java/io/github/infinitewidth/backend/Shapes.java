package io.github.infinitewidth.backend;

/**
 * The shape checks of the {@link Backend} contract, shared by every backend so that a mismatch
 * gives the same message everywhere: an {@link IllegalArgumentException} naming the operation and
 * the shapes.
 */
public final class Shapes {
    private Shapes() {}

    /** {@code "rows x cols"}. */
    public static String of(DeviceMatrix m) {
        return m.rows() + " x " + m.cols();
    }

    /** a and b have the same shape. */
    public static void same(String op, DeviceMatrix a, DeviceMatrix b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(op + ": shapes " + of(a) + " and " + of(b) + " differ");
        }
    }

    /** {@code C = alpha op(A) op(B) + beta C} fits, and C shares no storage with A or B. */
    public static void gemm(boolean transA, boolean transB, DeviceMatrix a, DeviceMatrix b, DeviceMatrix c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: op(A) " + m + " x " + k + ", op(B) " + kb + " x " + n
                    + ", C " + of(c) + " do not fit");
        }
        if (c.sharesStorageWith(a) || c.sharesStorageWith(b)) {
            throw new IllegalArgumentException("gemm: C must not share storage with A or B");
        }
    }

    /** A, B and the factor vector of a pair product (the nonlinear outer product of docs/design-notes.md). */
    public static void pairs(String op, double[] c, DeviceMatrix a, DeviceMatrix b, boolean excludeDiagonal) {
        if (a.cols() != b.cols() || c.length != a.cols()) {
            throw new IllegalArgumentException(op + ": A " + of(a) + ", B " + of(b) + " and c of length "
                    + c.length + " need the same number of columns");
        }
        if (excludeDiagonal && a.rows() != b.rows()) {
            throw new IllegalArgumentException(op + ": excluding the diagonal needs A and B with the same rows, got "
                    + of(a) + " and " + of(b));
        }
    }

    /** C and out of a pair outer product fit A and B; out shares no storage with its inputs. */
    public static void outputs(String op, DeviceMatrix a, DeviceMatrix b, DeviceMatrix c, DeviceMatrix out) {
        if (c.rows() != b.rows() || out.rows() != a.rows() || out.cols() != c.cols()) {
            throw new IllegalArgumentException(op + ": A " + of(a) + ", B " + of(b) + ", C " + of(c)
                    + ", out " + of(out) + " do not fit");
        }
        if (out.sharesStorageWith(a) || out.sharesStorageWith(b) || out.sharesStorageWith(c)) {
            throw new IllegalArgumentException(op + ": out must not share storage with its inputs");
        }
    }

    /** {@code state} holds exactly the matrices update function q keeps per entry. */
    public static void stateCount(String op, io.github.infinitewidth.optim.UpdateFunction q, DeviceMatrix[] state) {
        if (state.length != q.stateSize()) {
            throw new IllegalArgumentException(op + ": " + q.kind().spelling() + " needs " + q.stateSize()
                    + " state matrices, got " + state.length);
        }
    }

    /** The pair matrix of A and B is {@code A.rows x B.rows}. */
    public static void pairMatrix(String op, DeviceMatrix a, DeviceMatrix b, DeviceMatrix pairs) {
        if (pairs.rows() != a.rows() || pairs.cols() != b.rows()) {
            throw new IllegalArgumentException(op + ": A " + of(a) + ", B " + of(b) + " need a " + a.rows() + " x "
                    + b.rows() + " pair matrix, got " + of(pairs));
        }
    }
}
