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
public record MemoryPlan(Map<String, Long> parts, Map<String, String> host) {
    public MemoryPlan {
        parts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parts));
        host = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(host));
    }

    /** A plan with no parts yet. */
    public static final MemoryPlan EMPTY = new MemoryPlan(Map.of(), Map.of());

    /** This plan plus one more part (parts keep the order they were added in). */
    public MemoryPlan with(String part, long bytes) {
        Map<String, Long> more = new LinkedHashMap<>(parts);
        more.merge(part, bytes, MemoryPlan::sum);
        return new MemoryPlan(more, host);
    }

    /**
     * This plan plus one more part whose size was computed in floating point, so that the product of
     * hostile sizes ({@code 2147483647} particles squared) saturates at {@link Long#MAX_VALUE} instead
     * of wrapping round to a small or negative number that would pass every check.
     */
    public MemoryPlan with(String part, double bytes) {
        return with(part, (long) bytes);   // a double beyond the long range converts to Long.MAX_VALUE
    }

    /**
     * This plan plus a part that lives in the Java heap on every backend (what the run records for its
     * outputs), with the job field that scales it, which a refusal names when this part is the largest.
     *
     * @param scaledBy the field and its value, e.g. {@code training.steps of 2147483647}
     */
    public MemoryPlan withHost(String part, double bytes, String scaledBy) {
        Map<String, String> more = new LinkedHashMap<>(host);
        more.put(part, scaledBy);
        return new MemoryPlan(with(part, bytes).parts(), more);
    }

    /** Total bytes (at most {@link Long#MAX_VALUE}). */
    public long total() {
        long sum = 0;
        for (long bytes : parts.values()) {
            sum = sum(sum, bytes);
        }
        return sum;
    }

    /** The bytes of the parts in the Java heap whatever the backend. */
    long hostTotal() {
        long sum = 0;
        for (String part : host.keySet()) {
            sum = sum(sum, parts.get(part));
        }
        return sum;
    }

    private static long sum(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    /**
     * One line, e.g. {@code 1234 MiB (ensemble 12 MiB, stored hats 500 MiB, pair matrices 722 MiB)}; sizes
     * under a MiB in KiB or bytes ({@code 37 KiB (weights 3.1 KiB, activations 34 KiB)}), not as 0.0 MiB.
     * What the run records in the Java heap is named only from a MiB on.
     */
    public String describe() {
        StringJoiner details = new StringJoiner(", ", " (", ")");
        parts.forEach((name, bytes) -> {
            if (!host.containsKey(name) || bytes >= 1 << 20) {   // what a small run records is not worth a word
                details.add(name + " " + size(bytes));
            }
        });
        return size(total()) + details;
    }

    /**
     * Refuses a plan that exceeds the backend's free memory or the user's
     * {@code simulation.memoryLimitMiB}; on a backend other than the CPU's, also one whose host parts
     * exceed the Java heap.
     *
     * @param field the job field that scales the memory need (named in the message), unless the
     *              largest part is a host part, whose own field is named
     * @param value that field's value
     */
    public void requireFits(Backend backend, long memoryLimitMiB, String field, long value) {
        String[] named = largestHostPart().map(host::get).orElse(field + " of " + value).split(" ", 2);
        boolean heapOnly = backend.name().equals("cpu");
        long need = heapOnly ? total() : total() - hostTotal();
        long limit = memoryLimitMiB > 0 ? memoryLimitMiB << 20 : backend.freeMemoryBytes();
        if (need > limit && memoryLimitMiB <= 0) {
            // on the CPU backend the free memory is the Java heap's, where garbage counts as used
            // until it is collected: collect it before refusing
            System.gc();
            limit = backend.freeMemoryBytes();
        }
        if (need > limit) {
            String available = memoryLimitMiB > 0 ? "simulation.memoryLimitMiB is " + memoryLimitMiB + " MiB"
                    : "the " + backend.name() + " backend has " + (backend.freeMemoryBytes() >> 20) + " MiB free"
                    + (heapOnly ? " in the Java heap (bin/infinitewidth sizes the heap for the plan"
                    + " where the machine has the memory; with a heap of your own use -Xmx" + javaHeapMiB() + "m)" : "");
            throw new InvalidSpecException(named[0], named[1] + " needs " + describe() + " but " + available);
        }
        if (!heapOnly && hostTotal() > javaHeapFree(false) && hostTotal() > javaHeapFree(true)) {
            throw new InvalidSpecException(named[0], named[1] + " needs " + describe() + ", of which " + size(hostTotal())
                    + " in the Java heap, which has " + (javaHeapFree(false) >> 20) + " MiB free");
        }
    }

    /** The host part larger than every other part, if there is one. */
    private java.util.Optional<String> largestHostPart() {
        return parts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .filter(host::containsKey);
    }

    /** The Java heap's free bytes; garbage counts as used unless {@code collect}ed first. */
    private static long javaHeapFree(boolean collect) {
        if (collect) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
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
        if (bytes == Long.MAX_VALUE) {
            return "more than 8 EiB";
        }
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
