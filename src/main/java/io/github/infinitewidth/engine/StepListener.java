package io.github.infinitewidth.engine;

/** Told after each completed training step of each replica, for progress reporting. */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = (replica, step, steps) -> { };

    /** Replica {@code replica} finished update {@code step} (0-based) of {@code steps}. */
    void stepDone(int replica, int step, int steps);

    /** This listener, then {@code next}. */
    default StepListener andThen(StepListener next) {
        return (replica, step, steps) -> {
            stepDone(replica, step, steps);
            next.stepDone(replica, step, steps);
        };
    }
}
