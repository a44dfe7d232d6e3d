package io.github.infinitewidth.train;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which train inputs form step t's batch (JOB-SPEC.md, {@code training.batchSize} and
 * {@code shuffle}). With batch size k and m train inputs there are {@code P = ceil(m/k)}
 * batches per pass; step t uses batch {@code t mod P} of pass {@code t / P}; the last batch
 * of a pass holds the remaining {@code m - k(P-1)} inputs. Without shuffling a pass is the
 * file order; with shuffling each pass is a permutation drawn from the job seed and the pass
 * number alone, so every replica and every engine sees the same batches (the limit is a
 * deterministic function of the batch sequence, and finite networks are compared against it).
 */
public final class BatchSchedule {
    private final int trainSize;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final int batchesPerPass;
    private int cachedPass = -1;
    private int[] cachedOrder;

    public BatchSchedule(TrainingSpec training, int trainSize, long seed) {
        if (trainSize <= 0) {
            throw new IllegalArgumentException("trainSize must be > 0, got " + trainSize);
        }
        this.trainSize = trainSize;
        this.batchSize = training.batchSize() == 0 || training.batchSize() > trainSize ? trainSize : training.batchSize();
        this.shuffle = training.shuffle() && batchSize < trainSize;
        this.seed = seed;
        this.batchesPerPass = (trainSize + batchSize - 1) / batchSize;
    }

    /** Indices (into the train split, ascending within the batch) of step t's batch. */
    public int[] batch(int t) {
        if (t < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + t);
        }
        int position = t % batchesPerPass;
        int from = position * batchSize;
        int to = Math.min(trainSize, from + batchSize);
        int[] order = order(t / batchesPerPass);
        int[] batch = Arrays.copyOfRange(order, from, to);
        Arrays.sort(batch);
        return batch;
    }

    private int[] order(int pass) {
        if (pass != cachedPass) {
            int[] order = new int[trainSize];
            for (int i = 0; i < trainSize; i++) {
                order[i] = i;
            }
            if (shuffle) {
                // SplittableRandom's sequence is specified, so the permutation is the same on every JVM.
                SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + pass);
                for (int i = trainSize - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int tmp = order[i];
                    order[i] = order[j];
                    order[j] = tmp;
                }
            }
            cachedOrder = order;
            cachedPass = pass;
        }
        return cachedOrder;
    }
}
