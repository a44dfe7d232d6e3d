package io.github.infinitewidth.engine;

import java.util.List;
import java.util.Map;

/**
 * What an engine recorded. {@code outputs[r][k][j K + c]} is output c of {@code f_t(xi_j)} of
 * replica r at the k-th recorded step {@code steps[k]}, for every input j (train first, then test,
 * as in {@link io.github.infinitewidth.train.Data#allInputs()}) and each of its
 * {@code components = K} outputs. Means and standard errors over replicas are computed by the
 * writers (LIMITS.md section 6).
 *
 * @param kernels  per-replica m x m kernels by name ({@code nngp}, {@code ntk}), each
 *                 {@code [replica][i * m + j]}; empty when the engine has none
 * @param features feature kernels {@code E[x^l_i x^l_j]} per recorded step and hidden layer; empty
 *                 when the engine has none
 * @param divergedStep the step at which outputs or kets became non-finite, or -1
 */
public record Trajectory(int[] steps, double[][][] outputs, int trainCount, int components, Status status,
                         int divergedStep, Map<String, double[][]> kernels, List<FeatureKernel> features) {

    public enum Status {
        COMPLETED, DIVERGED;

        public String spelling() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The feature kernel of hidden layer {@code layer} (1-based) at {@code step}:
     * {@code perReplica[r][i * m + j] = E[x^l_i x^l_j]} in replica r.
     */
    public record FeatureKernel(int step, int layer, double[][] perReplica) { }

    public Trajectory {
        kernels = Map.copyOf(kernels);
        features = List.copyOf(features);
    }

    /** A trajectory of one output per input. */
    public Trajectory(int[] steps, double[][][] outputs, int trainCount, Status status, int divergedStep,
                      Map<String, double[][]> kernels, List<FeatureKernel> features) {
        this(steps, outputs, trainCount, 1, status, divergedStep, kernels, features);
    }

    public int replicas() {
        return outputs.length;
    }

    /** Number of inputs m (train plus test). */
    public int inputCount() {
        return outputs.length == 0 || outputs[0].length == 0 ? 0 : outputs[0][0].length / components;
    }
}
