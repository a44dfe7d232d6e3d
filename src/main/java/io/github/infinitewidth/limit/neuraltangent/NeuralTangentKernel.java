package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.optim.LayerMultipliers;

/**
 * The NTK of LIMITS.md section 3 from per-layer kernels (m x m, row-major):
 * {@code Theta = mv E[x^L x^L] + sum_{l=2..L} mW E[dh^l dh^l] (.) E[x^{l-1} x^{l-1}]
 * + mu E[dh^1 dh^1] (.) (xi_i . xi_j)}, with biases {@code + mb sum_{l=1..L} E[dh^l dh^l]}
 * (LIMITS.md 8.2). Shared by the closed-form and Monte Carlo kernels.
 */
final class NeuralTangentKernel {
    private NeuralTangentKernel() {}

    /**
     * @param features {@code features[l] = E[x^l x^l]}, l = 1..L (index 0 unused)
     * @param backward {@code backward[l] = E[dh^l dh^l]}, l = 1..L
     * @param bias     whether the network has biases
     */
    static double[] assemble(int m, double[][] inputs, double[][] features, double[][] backward,
                             LayerMultipliers mult, boolean bias) {
        int layers = features.length - 1;
        double[] theta = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                int k = i * m + j;
                double dot = 0;
                for (int c = 0; c < inputs[i].length; c++) {
                    dot += inputs[i][c] * inputs[j][c];
                }
                double t = mult.output() * features[layers][k] + mult.input() * backward[1][k] * dot;
                for (int l = 2; l <= layers; l++) {
                    t += mult.hidden() * backward[l][k] * features[l - 1][k];
                }
                for (int l = 1; bias && l <= layers; l++) {
                    t += mult.bias() * backward[l][k];
                }
                theta[k] = t;
            }
        }
        return theta;
    }
}
