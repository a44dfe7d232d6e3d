package io.github.infinitewidth.backend.cuda;

import java.util.ArrayDeque;

/**
 * What a backend has taken from the driver (context reference, stream, module, cuBLAS handle,
 * device memory), as the steps that give it back. They run last taken first, every one of them
 * even when an earlier one fails, so that a failing open or close leaks nothing it could release.
 */
final class Releases {
    private final ArrayDeque<Runnable> steps = new ArrayDeque<>();

    /** Records how to give back what was just taken. */
    void push(Runnable step) {
        steps.push(step);
    }

    /** Runs every step, last pushed first; then throws the first failure, with later ones suppressed. */
    void releaseAll() {
        RuntimeException first = null;
        while (!steps.isEmpty()) {
            try {
                steps.pop().run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
