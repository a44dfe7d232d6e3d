package io.github.infinitewidth.engine;

import io.github.infinitewidth.train.TrainingSpec;
import io.github.infinitewidth.util.InvalidSpecException;

/**
 * The sizes every engine shares, checked before anything is allocated (JOB-SPEC.md, "Sizes"): what a
 * run records in the Java heap for its outputs (outputs of every replica at every recorded step, and
 * the kernels of the inputs), added to the engine's {@link MemoryPlan} as host parts, and the largest
 * number of entries one Java array holds, which an {@code m x m} kernel or an {@code N x m} ket matrix
 * must not exceed. Sizes are multiplied in floating point, so that hostile values saturate instead of
 * wrapping round.
 */
public final class RunSizes {
    /** The most entries one Java array holds (the JVM refuses a few below {@link Integer#MAX_VALUE}). */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** What the JVM adds to every array: the header of a {@code double[]} on a 64-bit JVM. */
    private static final long ARRAY_HEADER = 16;

    private RunSizes() {}

    /** How many steps {@code training} records: step 0, every {@code recordEvery}-th step, the last. */
    public static long recordedSteps(TrainingSpec training) {
        long steps = training.steps();
        return steps / training.recordEvery() + 1 + (steps % training.recordEvery() == 0 ? 0 : 1);
    }

    /**
     * {@code plan} plus what the run records in the Java heap: the outputs of every replica at every
     * recorded step at all m inputs, {@code kernels} m x m kernels per replica (nt-limit's NNGP and
     * NTK) and {@code featureKernels} m x m feature kernels per replica and hidden layer.
     *
     * @throws InvalidSpecException when a recorded array would exceed {@link #MAX_ARRAY} entries
     */
    public static MemoryPlan withRecording(MemoryPlan plan, Experiment e, int kernels, long featureKernels) {
        double replicas = e.simulation().replicas();
        double recorded = recordedSteps(e.training());
        double m = e.data().size();
        if (replicas > recorded) {
            requireArray("simulation.replicas", e.simulation().replicas(), "a list of the outputs of every replica"
                    + " at every recorded step (a checkpoint saves one)", replicas * recorded);
        } else {
            requireArray("training.steps", e.training().steps(), "a list of the outputs at every recorded step"
                    + " of every replica (a checkpoint saves one)", replicas * recorded,
                    "; record fewer steps with training.recordEvery");
        }
        String steps = "training.steps of " + e.training().steps();
        String replicasField = "simulation.replicas of " + e.simulation().replicas();
        MemoryPlan more = plan.withHost("recorded outputs", replicas * recorded * (m * e.outputs() * Double.BYTES
                + ARRAY_HEADER),
                replicas > recorded ? replicasField : steps);
        if (kernels + featureKernels > 0) {
            requireInputKernels(e, "kernels of the inputs");
            more = more.withHost("recorded kernels", replicas * (kernels + (double) featureKernels) * m * m * Double.BYTES,
                    featureKernels > kernels && recorded > replicas ? steps : replicasField);
        }
        return more;
    }

    /** Refuses more inputs than an m x m kernel (an array of m^2 entries) holds. */
    public static void requireInputKernels(Experiment e, String what) {
        long m = e.data().size();
        if ((double) m * m > MAX_ARRAY) {
            throw new InvalidSpecException("data", "has " + m + " inputs (train and test): the " + what + " would"
                    + " have " + m * m + " entries, more than one array holds (" + MAX_ARRAY + "); use at most "
                    + (long) Math.sqrt(MAX_ARRAY) + " inputs" + (what.startsWith("kernels") ? " or"
                    + " training.recordKernels: false" : ""));
        }
    }

    /**
     * Refuses an array of more than {@link #MAX_ARRAY} entries.
     *
     * @param field the job field that makes it large, and its value, named in the message
     * @param what  what the array holds, for the message
     */
    public static void requireArray(String field, long value, String what, double entries) {
        requireArray(field, value, what, entries, "");
    }

    /** As above, with {@code advice} at the end of the message. */
    private static void requireArray(String field, long value, String what, double entries, String advice) {
        if (entries > MAX_ARRAY) {
            throw new InvalidSpecException(field, "of " + value + " makes " + what + " of " + String.format(
                    java.util.Locale.ROOT, "%.3g", entries) + " entries, more than one array holds (" + MAX_ARRAY + ")"
                    + advice);
        }
    }
}
