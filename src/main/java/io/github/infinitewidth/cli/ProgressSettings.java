package io.github.infinitewidth.cli;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * How progress is shown: as a bar redrawn in place when the tool runs in a terminal, as plain log
 * lines otherwise (a file, a batch system's log). The clock is a seam: tests pass one they move
 * by hand, so that what is printed does not depend on how fast the machine is.
 *
 * @param terminal  whether stderr is a terminal
 * @param nanoTime  the clock, in nanoseconds, like {@link System#nanoTime}
 */
record ProgressSettings(boolean terminal, LongSupplier nanoTime) {

    /**
     * The settings for errors going to {@code err}: a terminal only when that is the process's own
     * stderr and the process has a console (Java 17 cannot ask about stderr alone; a console means
     * the tool was started interactively).
     */
    static ProgressSettings detect(PrintStream err) {
        return new ProgressSettings(err == System.err && System.console() != null, System::nanoTime);
    }
}
