package io.github.infinitewidth.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs numbered blocks of work on a fixed set of threads. The blocks are fixed by the
 * caller from the problem size alone, never from the thread count, and every block writes
 * only its own outputs; threads merely pick which block to do next. That is why one thread
 * and N threads produce bit-identical numbers (LIMITS.md section 6).
 */
public final class WorkSplit implements AutoCloseable {
    private final int threads;
    private final ExecutorService workers;

    public WorkSplit(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, runnable -> {
            Thread t = new Thread(runnable, "infinitewidth-cpu");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code block.accept(b)} for {@code b = 0 .. blocks-1}, each exactly once, and waits for all. */
    public void forEach(int blocks, IntConsumer block) {
        if (workers == null || blocks <= 1) {
            for (int b = 0; b < blocks; b++) {
                block.accept(b);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            for (int b = next.getAndIncrement(); b < blocks; b = next.getAndIncrement()) {
                block.accept(b);
            }
        };
        List<Future<?>> helpers = new ArrayList<>();
        for (int t = 1; t < Math.min(threads, blocks); t++) {
            helpers.add(workers.submit(drain));
        }
        RuntimeException failure = null;
        try {
            drain.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> helper : helpers) {
            try {
                helper.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
                            : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for CPU workers", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Number of blocks of {@code blockSize} covering {@code n} items. */
    public static int blocks(int n, int blockSize) {
        return (n + blockSize - 1) / blockSize;
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
