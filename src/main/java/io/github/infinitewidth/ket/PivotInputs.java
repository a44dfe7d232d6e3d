package io.github.infinitewidth.ket;

import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which input created each basis column, and that input's coefficients in the basis: the
 * change of coordinates from basis hats to input hats (LIMITS.md section 5).
 *
 * <p>Basis column i was made from the residual of one input, its pivot {@code p(i)}, whose
 * coefficients live on columns {@code 0..i} only, with a positive last one (the residual norm).
 * The pivot inputs' coefficient matrix {@code C_P} ({@code k x k}) is therefore upper triangular
 * and invertible. Host memory {@code O(k^2)}.
 */
final class PivotInputs {
    private final List<double[]> coefficients = new ArrayList<>();
    private int[] pivots = new int[8];

    /** Records that input {@code input} created basis column {@link #size()} with these coefficients (length size()+1). */
    void add(int input, double[] coefficientsUpToItself) {
        int i = size();
        if (i == pivots.length) {
            pivots = Arrays.copyOf(pivots, 2 * i);
        }
        pivots[i] = input;
        coefficients.add(coefficientsUpToItself);
    }

    int size() {
        return coefficients.size();
    }

    long hostBytes() {
        long k = size();
        return 8 * k * (k + 1) / 2 + 4 * k;
    }

    /** Saves the pivot of every basis column ({@code prefix/inputs}) and their coefficients. */
    void saveTo(StateWriter out, String prefix) {
        out.ints(prefix + "/inputs", Arrays.copyOf(pivots, size()));
        out.jagged(prefix + "/coefficients", coefficients.toArray(new double[0][]));
    }

    /** Restores what {@link #saveTo} saved. */
    void restoreFrom(StateReader in, String prefix) {
        int[] inputs = in.ints(prefix + "/inputs");
        double[][] saved = in.jagged(prefix + "/coefficients");
        if (inputs.length != saved.length) {
            throw new io.github.infinitewidth.state.SavedStateException("the saved pivots " + prefix + " have " + inputs.length
                    + " inputs but " + saved.length + " coefficient rows");
        }
        coefficients.clear();
        pivots = new int[Math.max(8, inputs.length)];
        for (int i = 0; i < inputs.length; i++) {
            if (saved[i] == null || saved[i].length != i + 1) {
                throw new io.github.infinitewidth.state.SavedStateException("the saved pivots " + prefix + " have a malformed row " + i);
            }
            add(inputs[i], saved[i]);
        }
    }

    /**
     * Derivatives with respect to the input hats from derivatives with respect to the basis hats.
     * With {@code hat(Y) = hat(Q) C}, any {@code D} with {@code C D = B} (B: the basis derivatives,
     * {@code k x p}) is a valid set of input derivatives, and every such D gives
     * {@code Y D = Q C D = Q B}. This returns the solution that is zero on inputs that were
     * linearly dependent on earlier ones and {@code C_P^{-1} B} on the pivots; when all inputs are
     * independent it is the unique one. Cost {@code O(k^2 p)}.
     *
     * @return {@code inputs x p}, column-major
     */
    double[] toInputs(double[] basisDerivatives, int p, int inputs) {
        int k = size();
        double[] x = basisDerivatives.clone();
        double[] out = new double[inputs * p];
        for (int j = 0; j < p; j++) {
            int off = j * k;
            for (int i = k - 1; i >= 0; i--) {
                double s = x[off + i];
                for (int c = i + 1; c < k; c++) {
                    s -= coefficients.get(c)[i] * x[off + c];
                }
                x[off + i] = s / coefficients.get(i)[i];
                out[pivots[i] + j * inputs] = x[off + i];
            }
        }
        return out;
    }
}
