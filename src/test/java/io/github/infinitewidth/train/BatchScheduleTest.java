package io.github.infinitewidth.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchScheduleTest {

    @Test
    void fullBatchUsesEveryTrainInput() {
        BatchSchedule s = new BatchSchedule(TrainingSpec.fullBatch(3), 4, 1);
        assertArrayEquals(new int[] {0, 1, 2, 3}, s.batch(0));
        assertArrayEquals(new int[] {0, 1, 2, 3}, s.batch(7));
    }

    @Test
    void fileOrderCyclesThroughBatchesWithAShortLastBatch() {
        BatchSchedule s = new BatchSchedule(new TrainingSpec(10, 2, false, 1), 5, 1);
        assertArrayEquals(new int[] {0, 1}, s.batch(0));
        assertArrayEquals(new int[] {2, 3}, s.batch(1));
        assertArrayEquals(new int[] {4}, s.batch(2));
        assertArrayEquals(new int[] {0, 1}, s.batch(3));
    }

    @Test
    void shuffledPassesArePermutationsFixedByTheSeed() {
        TrainingSpec spec = new TrainingSpec(100, 3, true, 1);
        BatchSchedule a = new BatchSchedule(spec, 9, 42);
        BatchSchedule b = new BatchSchedule(spec, 9, 42);
        for (int pass = 0; pass < 4; pass++) {
            int[] seen = new int[0];
            for (int k = 0; k < 3; k++) {
                int t = 3 * pass + k;
                int[] batch = a.batch(t);
                assertEquals(3, batch.length);
                assertArrayEquals(batch, b.batch(t));
                seen = concat(seen, batch);
            }
            Arrays.sort(seen);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, seen);
        }
        BatchSchedule other = new BatchSchedule(spec, 9, 43);
        boolean differs = false;
        for (int t = 0; t < 12; t++) {
            differs |= !Arrays.equals(a.batch(t), other.batch(t));
        }
        assertTrue(differs, "another seed must give another batch sequence");
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
