package io.github.infinitewidth.engine;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.util.InvalidSpecException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What a run will hold in backend memory at its peak, by part: the memory need is said before a run
 * starts, and a plan that does not fit is refused clearly (JOB-SPEC.md, {@code simulation.memoryLimitMiB}). Parts are named for users,
 * e.g. {@code ensemble}, {@code stored hats}, {@code pair matrices}.
 */
public record MemoryPlan(Map<String, Long> parts) {
    public MemoryPlan {
        parts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }

    /** A plan with no parts yet. */
    public static final MemoryPlan EMPTY = new MemoryPlan(Map.of());

    /** This plan plus one more part (parts keep the order they were added in). */
    public MemoryPlan with(String part, long bytes) {
        Map<String, Long> more = new LinkedHashMap<>(parts);
        more.merge(part, bytes, Long::sum);
        return new MemoryPlan(more);
    }

    /** Total bytes. */
    public long total() {
        long sum = 0;
        for (long bytes : parts.values()) {
            sum += bytes;
        }
        return sum;
    }

    /**
     * One line, e.g. {@code 1234 MiB (ensemble 12 MiB, stored hats 500 MiB, pair matrices 722 MiB)}; sizes
     * under a MiB in KiB or bytes ({@code 37 KiB (weights 3.1 KiB, activations 34 KiB)}), not as 0.0 MiB.
     */
    public String describe() {
        StringJoiner details = new StringJoiner(", ", " (", ")");
        parts.forEach((name, bytes) -> details.add(name + " " + size(bytes)));
        return size(total()) + details;
    }

    /**
     * Refuses a plan that exceeds the backend's free memory or the user's
     * {@code simulation.memoryLimitMiB}.
     *
     * @param field the job field that scales the memory need (named in the message)
     * @param value that field's value
     */
    public void requireFits(Backend backend, long memoryLimitMiB, String field, long value) {
        long limit = memoryLimitMiB > 0 ? memoryLimitMiB << 20 : backend.freeMemoryBytes();
        if (total() > limit && memoryLimitMiB <= 0) {
            // on the CPU backend the free memory is the Java heap's, where garbage counts as used
            // until it is collected: collect it before refusing
            System.gc();
            limit = backend.freeMemoryBytes();
        }
        if (total() > limit) {
            String available = memoryLimitMiB > 0 ? "simulation.memoryLimitMiB is " + memoryLimitMiB + " MiB"
                    : "the " + backend.name() + " backend has " + (backend.freeMemoryBytes() >> 20) + " MiB free"
                    + (backend.name().equals("cpu") ? " in the Java heap (bin/infinitewidth sizes the heap for the plan"
                    + " where the machine has the memory; with a heap of your own use -Xmx" + javaHeapMiB() + "m)" : "");
            throw new InvalidSpecException(field, "of " + value + " needs " + describe() + " but " + available);
        }
    }

    /**
     * The Java heap a CPU run of this plan needs, in MiB: the plan plus a fifth for G1, which keeps a
     * tenth of the heap in reserve and places every large array in regions of its own, plus 256 MiB
     * for what the plan does not list (a pass's scratch columns, the outputs being written, the plots).
     */
    public long javaHeapMiB() {
        return (long) Math.ceil(total() * 1.2 / (1 << 20)) + 256;
    }

    /** Bytes in the largest unit, up to MiB, that leaves at least 1 of it: one decimal under 10, whole numbers from 10. */
    static String size(long bytes) {
        if (bytes < 1 << 10) {
            return bytes + " bytes";
        }
        return bytes < 1 << 20 ? inUnit(bytes / (double) (1 << 10), "KiB") : inUnit(bytes / (double) (1 << 20), "MiB");
    }

    private static String inUnit(double amount, String unit) {
        return (amount < 10 ? String.format(Locale.ROOT, "%.1f", amount) : Long.toString(Math.round(amount))) + " "
                + unit;
    }
}
