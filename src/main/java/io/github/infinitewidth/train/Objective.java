package io.github.infinitewidth.train;

/**
 * The loss of a run over its k outputs with the targets of every input (train then test): what
 * turns outputs into losses, accuracies and error signals (LIMITS.md sections 0 and 2.4). Outputs are
 * stored input after input, {@code f[j k + c]} for output c of input j, as every engine returns them.
 */
public final class Objective {
    private final Loss loss;
    private final int outputs;
    private final double[] targets;

    /**
     * @param targets {@link Loss#targetWidth} numbers per input, train then test ({@link Data#allTargets()})
     */
    public Objective(Loss loss, int outputs, double[] targets) {
        this.loss = loss;
        this.outputs = outputs;
        this.targets = targets.clone();
    }

    public Loss loss() {
        return loss;
    }

    /** k, the outputs per input. */
    public int outputs() {
        return outputs;
    }

    /** True when the loss names classes, so that accuracies exist. */
    public boolean classifies() {
        return loss.classifies();
    }

    /** The loss of input j at outputs {@code f}. */
    public double value(double[] f, int j) {
        return loss.value(f, targets, j, outputs);
    }

    /** The mean loss over inputs {@code [from, to)}, summed in index order. */
    public double meanLoss(double[] f, int from, int to) {
        double sum = 0;
        for (int j = from; j < to; j++) {
            sum += value(f, j);
        }
        return sum / (to - from);
    }

    /** The mean loss over the inputs of a batch. */
    public double batchLoss(double[] f, int[] batch) {
        double sum = 0;
        for (int j : batch) {
            sum += value(f, j);
        }
        return sum / batch.length;
    }

    /** The fraction of inputs {@code [from, to)} classified right ({@link Loss#correct}). */
    public double accuracy(double[] f, int from, int to) {
        int right = 0;
        for (int j = from; j < to; j++) {
            right += loss.correct(f, targets, j, outputs) ? 1 : 0;
        }
        return right / (double) (to - from);
    }

    /** The error signal {@code chi} of step t's batch, {@code m k} entries (LIMITS.md section 0). */
    public double[] errorSignal(double[] f, int[] batch) {
        return loss.errorSignal(f, targets, batch, outputs);
    }
}
