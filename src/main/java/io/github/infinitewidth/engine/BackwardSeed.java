package io.github.infinitewidth.engine;

/**
 * The error signal of k outputs as one backward ket per input (LIMITS.md 2.4): input j's k error
 * signals {@code chi_{j,1..k}} are written {@code chi_{j,c} = s_j w_{j,c}}, so that the backward pass
 * starts from {@code dx^L_j = sum_c w_{j,c} v_c}, one ket per input whatever k, and every gradient is
 * the one-output formula with {@code s_j} in place of {@code chi_j}. {@code s_j} is input j's error
 * signal of largest magnitude, whose weight is then exactly 1: with one output {@code s_j = chi_j}
 * and {@code w_j = 1}, the one-output backward pass bit for bit. An input without error signal
 * (outside the batch) gets {@code s_j = 0} and the weight 1 on its first output.
 *
 * @param scales     {@code s_j}, one per input
 * @param directions {@code w_{j,c}} at {@code c + j k}: a {@code k x m} column-major matrix
 */
public record BackwardSeed(double[] scales, double[] directions) {

    /** The seed of {@code chi} ({@code m k} entries, {@code chi[j k + c]}). */
    public static BackwardSeed of(double[] chi, int k) {
        int m = chi.length / k;
        double[] scales = new double[m];
        double[] directions = new double[chi.length];
        for (int j = 0; j < m; j++) {
            int largest = 0;
            for (int c = 1; c < k; c++) {
                if (Math.abs(chi[j * k + c]) > Math.abs(chi[j * k + largest])) {
                    largest = c;
                }
            }
            double s = chi[j * k + largest];
            scales[j] = s;
            for (int c = 0; c < k; c++) {
                directions[j * k + c] = c == largest ? 1.0 : s == 0 ? 0.0 : chi[j * k + c] / s;
            }
        }
        return new BackwardSeed(scales, directions);
    }

    /**
     * {@code chi} ({@code chi[j k + c]}) as the column-major m x k matrix {@code [j + c m]}, whose
     * column c holds output c's error signals: the layout of the per-output gradient products.
     */
    public static double[] byOutput(double[] chi, int k) {
        int m = chi.length / k;
        double[] out = new double[chi.length];
        for (int j = 0; j < m; j++) {
            for (int c = 0; c < k; c++) {
                out[j + c * m] = chi[j * k + c];
            }
        }
        return out;
    }

    /** The seed of the inputs {@code batch} only, in batch order. */
    public static BackwardSeed ofBatch(double[] chi, int k, int[] batch) {
        double[] chiBatch = new double[batch.length * k];
        for (int i = 0; i < batch.length; i++) {
            System.arraycopy(chi, batch[i] * k, chiBatch, i * k, k);
        }
        return of(chiBatch, k);
    }
}
