package io.github.infinitewidth.optim;

import io.github.infinitewidth.util.Check;

/**
 * Per-layer learning-rate multipliers {@code mu, mW, mv} of LIMITS.md section 0 and {@code mb} of
 * the biases (section 8; job field {@code optimizer.layerMultipliers}). Zero freezes a layer.
 */
public record LayerMultipliers(double input, double hidden, double output, double bias) {
    public static final LayerMultipliers DEFAULT = new LayerMultipliers(1.0, 1.0, 1.0);
    /** The job-file name of the preset of {@link #neuralTangents}. */
    public static final String NEURAL_TANGENTS = "neural-tangents";

    public LayerMultipliers {
        Check.nonNegative("optimizer.layerMultipliers.input", input);
        Check.nonNegative("optimizer.layerMultipliers.hidden", hidden);
        Check.nonNegative("optimizer.layerMultipliers.output", output);
        Check.nonNegative("optimizer.layerMultipliers.bias", bias);
    }

    /** Multipliers with the biases' {@code mb = 1}. */
    public LayerMultipliers(double input, double hidden, double output) {
        this(input, hidden, output, 1.0);
    }

    /**
     * The multipliers {@code (su^2/d, sw^2, sv^2)} and {@code mb = sb^2} under which an NTP network (LIMITS.md section 2.2)
     * has the NTK of neural-tangents' {@code stax} with {@code parameterization='ntk'} and
     * {@code W_std} = su, sw, ..., sv and {@code b_std} = sb. Ours differentiates the weights {@code u, w, v} that carry the
     * standard deviations, stax the standardized ones ({@code u = (su/sqrt(d)) omega}, ...), so by the
     * chain rule each layer's term of stax's NTK is ours times its squared scale: the scales are the
     * multipliers (docs/for-neural-tangents-users.md derives it).
     *
     * @param inputStd  su, {@code network.initStd.input}
     * @param hiddenStd sw, {@code network.initStd.hidden}
     * @param outputStd sv, {@code network.initStd.output}
     * @param biasStd   sb, {@code network.initStd.bias} (stax: {@code b = sb beta}, LIMITS.md 8)
     * @param inputDim  d, the input dimension
     */
    public static LayerMultipliers neuralTangents(double inputStd, double hiddenStd, double outputStd, double biasStd,
                                                  int inputDim) {
        return new LayerMultipliers(inputStd * inputStd / inputDim, hiddenStd * hiddenStd, outputStd * outputStd,
                biasStd * biasStd);
    }
}
