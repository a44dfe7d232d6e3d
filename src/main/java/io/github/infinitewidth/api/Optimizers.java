package io.github.infinitewidth.api;

/** The entrywise optimizers of JOB-SPEC.md ({@code optimizer.type}); unset constants keep their defaults. */
public final class Optimizers {
    private Optimizers() {}

    public static Optimizer sgd(double learningRate) {
        return Optimizer.of("sgd", learningRate);
    }

    /** SignSGD. */
    public static Optimizer sign(double learningRate) {
        return Optimizer.of("sign", learningRate);
    }

    /** Smoothed sign {@code g / sqrt(g^2 + epsilon^2)}. */
    public static Optimizer smoothSign(double learningRate, double epsilon) {
        return Optimizer.of("smoothsign", learningRate).with("epsilon", epsilon);
    }

    public static Optimizer momentum(double learningRate, double beta1) {
        return Optimizer.of("momentum", learningRate).with("beta1", beta1);
    }

    /** Adam with beta1 0.9, beta2 0.999, epsilon 1e-8. */
    public static Optimizer adam(double learningRate) {
        return Optimizer.of("adam", learningRate);
    }

    public static Optimizer adam(double learningRate, double beta1, double beta2, double epsilon) {
        return adam(learningRate).with("beta1", beta1).with("beta2", beta2).with("epsilon", epsilon);
    }
}
