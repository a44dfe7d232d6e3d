package io.github.infinitewidth.cli;

import io.github.infinitewidth.engine.MemoryPlan;
import java.lang.management.ManagementFactory;
import java.util.OptionalLong;

/**
 * The Java heap a CPU run needs ({@link MemoryPlan#javaHeapMiB}), which the launcher passes as
 * {@code -Xmx} (README, "Memory"), and what the process holds with it. A heap sized to the run keeps
 * the process near its plan: a larger one fills with garbage before the collector runs, a smaller
 * one fails.
 */
final class JavaHeap {
    private JavaHeap() {}

    /**
     * The heap in MiB for {@code plan}, or nothing when that would exceed nine tenths of the machine's
     * memory: then the run is left to refuse with the plan and the heap it has.
     */
    static OptionalLong forPlan(MemoryPlan plan) {
        long mib = plan.javaHeapMiB();
        long machine = physicalMemoryBytes();
        if (machine > 0 && mib << 20 > machine / 10 * 9) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(mib);
    }

    /**
     * What this process will hold at its peak on the CPU backend: the Java heap it was given (which
     * G1 fills with garbage before it collects) plus the JVM's own memory (code, classes, threads,
     * the collector's tables), about 3% of the heap and 100 MiB. E.g. {@code process about 2994 MiB
     * with a Java heap of 2848 MiB}.
     */
    static String processEstimate() {
        long heapMib = Runtime.getRuntime().maxMemory() >> 20;
        return "process about " + (heapMib + heapMib * 3 / 100 + 100) + " MiB with a Java heap of " + heapMib + " MiB";
    }

    private static long physicalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }
}
