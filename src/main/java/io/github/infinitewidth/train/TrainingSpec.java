package io.github.infinitewidth.train;

import io.github.infinitewidth.util.Check;

/**
 * The job's {@code training} section: {@code steps} updates (outputs recorded for steps
 * 0..steps), minibatches of {@code batchSize} train inputs (0 = full batch), reshuffled each
 * pass when {@code shuffle}, outputs recorded every {@code recordEvery} steps (step 0 and the
 * last always), and {@code recordKernels}: whether the limit engines compute and return the kernels of
 * the inputs (NNGP, NTK, feature kernels), whose size grows as the square of the number of inputs.
 */
public record TrainingSpec(int steps, int batchSize, boolean shuffle, int recordEvery, boolean recordKernels) {
    public TrainingSpec {
        Check.positive("training.steps", steps);
        Check.nonNegative("training.batchSize", batchSize);
        Check.positive("training.recordEvery", recordEvery);
    }

    /** A schedule that records the kernels. */
    public TrainingSpec(int steps, int batchSize, boolean shuffle, int recordEvery) {
        this(steps, batchSize, shuffle, recordEvery, true);
    }

    /** Full batch, every step recorded. */
    public static TrainingSpec fullBatch(int steps) {
        return new TrainingSpec(steps, 0, true, 1);
    }

    /** True when step t's outputs are recorded. */
    public boolean records(int t) {
        return t == 0 || t == steps || t % recordEvery == 0;
    }
}
