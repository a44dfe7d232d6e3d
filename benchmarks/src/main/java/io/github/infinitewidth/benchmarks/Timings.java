package io.github.infinitewidth.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * Wall times of repeated runs of one computation, as compare.sh reports them: untimed warm-up
 * runs, at least {@code warmups} of them and at least {@link #WARMUP_NANOS} in all (the JIT
 * compiles the hot loops over the first seconds; a run of many training steps is what users
 * time), then {@code reps} timed ones; the median is the reported time.
 */
public final class Timings {
    static final long WARMUP_NANOS = 3_000_000_000L;

    /** Written after every run, so the JIT cannot drop the work as unused. */
    private static volatile Object kept;

    private final double[] seconds;

    private Timings(double[] seconds) {
        this.seconds = seconds;
    }

    /** One run; what it returns is kept so the work cannot be optimized away. */
    @FunctionalInterface
    public interface Run {
        Object once() throws Exception;
    }

    public static Timings of(int warmups, int reps, Run run) throws Exception {
        return of(warmups, reps, () -> { }, run);
    }

    /** As {@link #of(int, int, Run)}, with {@code before} run untimed before every run (fresh state). */
    public static Timings of(int warmups, int reps, Runnable before, Run run) throws Exception {
        long warmupStart = System.nanoTime();
        for (int i = 0; i < warmups || System.nanoTime() - warmupStart < WARMUP_NANOS; i++) {
            before.run();
            kept = run.once();
        }
        double[] seconds = new double[reps];
        for (int i = 0; i < reps; i++) {
            before.run();
            long start = System.nanoTime();
            kept = run.once();
            seconds[i] = (System.nanoTime() - start) * 1e-9;
        }
        return new Timings(seconds);
    }

    public double median() {
        double[] s = seconds.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    /** {@code {"median": ..., "seconds": [...]}}, the line compare.sh reads. */
    public String json() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "{\"median\": %.6g, \"seconds\": [", median()));
        for (int i = 0; i < seconds.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", seconds[i]));
        }
        return b.append("]}").toString();
    }
}
