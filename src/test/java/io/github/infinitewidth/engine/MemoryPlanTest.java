package io.github.infinitewidth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How a memory plan reads when a run states it: small plans (a depth-1 network) in KiB or bytes, not 0.0 MiB. */
class MemoryPlanTest {

    @Test
    void sizesUnderAMibAreShownInKibOrBytes() {
        assertEquals("0 bytes", MemoryPlan.size(0));
        assertEquals("1023 bytes", MemoryPlan.size(1023));
        assertEquals("1.0 KiB", MemoryPlan.size(1024));
        assertEquals("9.5 KiB", MemoryPlan.size(9728));
        assertEquals("312 KiB", MemoryPlan.size(312 << 10));
        assertEquals("1.0 MiB", MemoryPlan.size(1 << 20));
        assertEquals("8.5 MiB", MemoryPlan.size(17 << 19));
        assertEquals("412 MiB", MemoryPlan.size(412L << 20));
    }

    @Test
    void aSmallPlanNamesEveryPartInItsOwnUnit() {
        MemoryPlan plan = MemoryPlan.EMPTY.with("weights", 3200).with("activations", 35 << 10).with("scratch", 100);

        assertEquals("38 KiB (weights 3.1 KiB, activations 35 KiB, scratch 100 bytes)", plan.describe());
    }
}
