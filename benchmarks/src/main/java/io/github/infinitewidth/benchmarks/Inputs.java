package io.github.infinitewidth.benchmarks;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;

/**
 * Benchmark inputs from a simple deterministic formula, so any other program can rebuild them:
 * {@code X[r, c] = scale * sin(0.7 r + 1.3 c + phase)} (r, c from 0). Values are spread over
 * {@code [-scale, scale]} without structure the kernels could exploit, and, unlike random
 * numbers, need no generator to reproduce.
 */
public final class Inputs {
    private Inputs() {}

    /** Column-major {@code rows x cols}. */
    public static double[] values(int rows, int cols, double phase, double scale) {
        double[] v = new double[rows * cols];
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                v[r + c * rows] = scale * Math.sin(0.7 * r + 1.3 * c + phase);
            }
        }
        return v;
    }

    public static DeviceMatrix matrix(Backend backend, int rows, int cols, double phase, double scale) {
        return backend.upload(rows, cols, values(rows, cols, phase, scale));
    }
}
