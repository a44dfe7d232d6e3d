package io.github.infinitewidth.engine;

import io.github.infinitewidth.util.InvalidSpecException;

/**
 * The replicas {@code first .. end-1} (0-based, half-open) of a run's {@code simulation.replicas},
 * which one process runs when a run is split over processes or machines ({@code run --replica-range
 * a:b}). Replica r draws its numbers from {@code RandomKey(seed, r)} alone, so the replicas of a range
 * are exactly those replicas of the whole run.
 */
public record ReplicaRange(int first, int end) {
    /** The option that sets it, named in every problem with it. */
    public static final String OPTION = "--replica-range";

    public ReplicaRange {
        if (first < 0 || end <= first) {
            throw new InvalidSpecException(OPTION, "must be a:b with 0 <= a < b, got " + first + ":" + end);
        }
    }

    /** Every replica of a run of {@code replicas}. */
    public static ReplicaRange all(int replicas) {
        return new ReplicaRange(0, replicas);
    }

    /**
     * Reads {@code a:b}.
     *
     * @throws InvalidSpecException naming {@value #OPTION} when the text is not two whole numbers a < b
     */
    public static ReplicaRange parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 2 || !parts[0].strip().matches("\\d{1,9}") || !parts[1].strip().matches("\\d{1,9}")) {
            throw new InvalidSpecException(OPTION, "must be a:b (replicas a to b-1, 0-based), got \"" + text + "\"");
        }
        return new ReplicaRange(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
    }

    /**
     * Checks that the range lies within a run of {@code replicas}.
     *
     * @throws InvalidSpecException naming {@value #OPTION}
     */
    public void requireWithin(int replicas) {
        if (end > replicas) {
            throw new InvalidSpecException(OPTION, "of " + this + " reaches beyond the " + replicas
                    + " replicas of the run (simulation.replicas = " + replicas + "; ranges run from 0 to " + replicas
                    + ")");
        }
    }

    /** Number of replicas in the range. */
    public int size() {
        return end - first;
    }

    /** True when the range is every replica of a run of {@code replicas}. */
    public boolean coversAll(int replicas) {
        return first == 0 && end == replicas;
    }

    /** {@code a:b}, as the option takes it. */
    @Override
    public String toString() {
        return first + ":" + end;
    }
}
