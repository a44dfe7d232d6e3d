package io.github.infinitewidth.network;

import io.github.infinitewidth.util.Check;

/**
 * The network of LIMITS.md section 2: {@code hiddenLayers = L >= 1} hidden layers of activation
 * phi, {@code outputs = k >= 1} outputs (LIMITS.md 2.4). {@code width} is the finite width n; it is
 * 0 (unset) for the limit engines, which describe n to infinity. {@code bias}: every hidden layer
 * adds a trained bias vector to its pre-activation (LIMITS.md section 8).
 */
public record NetworkSpec(int hiddenLayers, Activation activation, int width, InitStd initStd, boolean bias,
                          int outputs) {
    public NetworkSpec {
        Check.positive("network.hiddenLayers", hiddenLayers);
        Check.present("network.activation", activation);
        Check.nonNegative("network.width", width);
        Check.present("network.initStd", initStd);
        Check.positive("network.outputs", outputs);
    }

    /** A network with one output. */
    public NetworkSpec(int hiddenLayers, Activation activation, int width, InitStd initStd, boolean bias) {
        this(hiddenLayers, activation, width, initStd, bias, 1);
    }

    /** A network without biases, with one output. */
    public NetworkSpec(int hiddenLayers, Activation activation, int width, InitStd initStd) {
        this(hiddenLayers, activation, width, initStd, false);
    }

    /** A limit network (no width) with default init std. */
    public static NetworkSpec limit(int hiddenLayers, Activation activation) {
        return new NetworkSpec(hiddenLayers, activation, 0, InitStd.DEFAULT);
    }

    /** The same network at finite width n. */
    public NetworkSpec withWidth(int n) {
        return new NetworkSpec(hiddenLayers, activation, Check.positive("network.width", n), initStd, bias, outputs);
    }

    /** The same network with or without biases. */
    public NetworkSpec withBias(boolean withBias) {
        return new NetworkSpec(hiddenLayers, activation, width, initStd, withBias, outputs);
    }

    /** The same network with k outputs. */
    public NetworkSpec withOutputs(int k) {
        return new NetworkSpec(hiddenLayers, activation, width, initStd, bias, k);
    }
}
