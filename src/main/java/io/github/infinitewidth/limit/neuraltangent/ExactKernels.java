package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.DualActivation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.optim.LayerMultipliers;

/**
 * The closed-form kernels of the NT limit (LIMITS.md section 3) for activations with a
 * {@link DualActivation}: per hidden layer l the covariance of {@code h^l}, the feature kernel
 * {@code E[x^l_i x^l_j]} and the backward kernel {@code E[dh^l_i dh^l_j]}, all m x m row-major
 * ({@code [i * m + j]}). The recursion is the one the Monte Carlo kets follow:
 * {@code Cov h^1 = su^2 / d xi_i . xi_j + sb^2}, {@code Cov h^{l+1} = sw^2 E[x^l x^l] + sb^2}
 * ({@code sb = 0} without biases; LIMITS.md 8.2),
 * {@code E[dh^L dh^L] = sv^2 E[phi'(h^L) phi'(h^L)]},
 * {@code E[dh^{l-1} dh^{l-1}] = sw^2 E[dh^l dh^l] (.) E[phi'(h^{l-1}) phi'(h^{l-1})]}.
 * Cost {@code O(L m^2)}.
 */
final class ExactKernels {
    private final int m;
    private final double[][] inputs;
    private final double[][] covariance;   // [l] Cov(h^l), l = 1..L
    private final double[][] features;     // [l] E[x^l x^l]
    private final double[][] backward;     // [l] E[dh^l dh^l]
    private final double outputVariance;
    private final boolean bias;

    ExactKernels(double[][] inputs, Activation phi, InitStd init, int layers, boolean bias) {
        if (!DualActivation.exists(phi)) {
            throw new IllegalArgumentException("no closed-form kernels for " + phi.spelling());
        }
        this.m = inputs.length;
        this.inputs = inputs;
        this.outputVariance = init.output() * init.output();
        this.bias = bias;
        double sb2 = bias ? init.bias() * init.bias() : 0.0;
        int d = inputs[0].length;
        covariance = new double[layers + 1][];
        features = new double[layers + 1][];
        backward = new double[layers + 1][];
        covariance[1] = shift(map(dots(inputs), init.input() * init.input() / d), sb2);
        for (int l = 1; l <= layers; l++) {
            features[l] = dual(phi, covariance[l], false);
            if (l < layers) {
                covariance[l + 1] = shift(map(features[l], init.hidden() * init.hidden()), sb2);
            }
        }
        backward[layers] = map(dual(phi, covariance[layers], true), outputVariance);
        for (int l = layers; l >= 2; l--) {
            double[] derivative = dual(phi, covariance[l - 1], true);
            double[] b = new double[m * m];
            for (int k = 0; k < m * m; k++) {
                b[k] = init.hidden() * init.hidden() * backward[l][k] * derivative[k];
            }
            backward[l - 1] = b;
        }
    }

    /** Covariance of {@code h^l}. */
    double[] covariance(int l) {
        return covariance[l].clone();
    }

    /** {@code E[x^l_i x^l_j]}. */
    double[] features(int l) {
        return features[l].clone();
    }

    /** {@code E[dh^l_i dh^l_j]}. */
    double[] backward(int l) {
        return backward[l].clone();
    }

    /** The NNGP kernel of {@code f_0}: {@code sv^2 E[x^L x^L]}. */
    double[] nngp() {
        return map(features[features.length - 1], outputVariance);
    }

    /** The NTK {@code Theta} of LIMITS.md section 3 with layer multipliers. */
    double[] ntk(LayerMultipliers mult) {
        return NeuralTangentKernel.assemble(m, inputs, features, backward, mult, bias);
    }

    private static double[] dots(double[][] xi) {
        int m = xi.length;
        double[] g = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int k = 0; k < xi[i].length; k++) {
                    s += xi[i][k] * xi[j][k];
                }
                g[i * m + j] = s;
            }
        }
        return g;
    }

    private double[] dual(Activation phi, double[] cov, boolean derivative) {
        double[] out = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double qi = cov[i * m + i];
                double qj = cov[j * m + j];
                double c = cov[i * m + j];
                out[i * m + j] = derivative ? DualActivation.derivative(phi, qi, qj, c)
                        : DualActivation.value(phi, qi, qj, c);
            }
        }
        return out;
    }

    /** {@code k + c} entrywise: an independent bias of variance c adds c to every covariance entry. */
    private static double[] shift(double[] k, double c) {
        double[] out = k.clone();
        for (int i = 0; i < k.length; i++) {
            out[i] += c;
        }
        return out;
    }

    private static double[] map(double[] k, double factor) {
        double[] out = new double[k.length];
        for (int i = 0; i < k.length; i++) {
            out[i] = factor * k[i];
        }
        return out;
    }
}
