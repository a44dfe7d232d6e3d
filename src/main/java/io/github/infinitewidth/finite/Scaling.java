package io.github.infinitewidth.finite;

import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.optim.LayerMultipliers;

/**
 * The width-dependent constants of one parametrization (LIMITS.md section 2, biases section 8). Stored weights
 * are drawn with {@code *Std}; a hidden layer computes {@code h = hiddenMultiplier * W x}, the
 * output is {@code f = outputMultiplier * v . x^L}; the backward pass uses the same hidden
 * multiplier ({@code dx^{l-1} = hiddenMultiplier * W^T dh^l}) and starts from {@code dx^L = v},
 * which is the normalized backward pass of muP and NTP and the raw one of SP. Updates are
 * {@code theta <- theta - lr * Q(g)} with the per-layer rates below. A bias vector {@code b^l}
 * (added to {@code h^l} unscaled) is drawn with {@code biasStd} and updated at {@code biasRate}:
 * in every parametrization it scales as the input weights do (section 8).
 */
record Scaling(double inputStd, double hiddenStd, double outputStd, double biasStd,
               double hiddenMultiplier, double outputMultiplier,
               double inputRate, double hiddenRate, double outputRate, double biasRate) {

    static Scaling of(Parametrization p, InitStd init, int width, int inputDim, double eta, LayerMultipliers m) {
        double n = width;
        double sqrtN = Math.sqrt(n);
        double inputStd = init.input() / Math.sqrt(inputDim);
        switch (p) {
            case MUP:
                // 2.1: W ~ N(0, sw^2/n), f = (1/n) v.x, lr eta (u, v) and eta/n (W).
                return new Scaling(inputStd, init.hidden() / sqrtN, init.output(), init.bias(), 1.0, 1.0 / n,
                        eta * m.input(), eta * m.hidden() / n, eta * m.output(), eta * m.bias());
            case NTP:
                // 2.2: w ~ N(0, sw^2), h = w x / sqrt(n), f = v.x / sqrt(n); lr eta/sqrt(n) (u, v), eta/n (w).
                return new Scaling(inputStd, init.hidden(), init.output(), init.bias(), 1.0 / sqrtN, 1.0 / sqrtN,
                        eta * m.input() / sqrtN, eta * m.hidden() / n, eta * m.output() / sqrtN, eta * m.bias() / sqrtN);
            case SP:
                // 2.3: every layer N(0, s^2/fan_in) (a bias's fan_in is 1), f = V.x, raw gradients, lr eta.
                return new Scaling(inputStd, init.hidden() / sqrtN, init.output() / sqrtN, init.bias(), 1.0, 1.0,
                        eta * m.input(), eta * m.hidden(), eta * m.output(), eta * m.bias());
            default:
                throw new AssertionError(p);
        }
    }
}
