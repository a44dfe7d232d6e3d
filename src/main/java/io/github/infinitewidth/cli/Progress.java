package io.github.infinitewidth.cli;

import java.io.PrintWriter;

/**
 * Progress of a run or a sweep on stderr (JOB-SPEC.md, "Progress"). In a terminal a bar is redrawn
 * in place at most {@link #BAR_PER_SECOND} times a second; elsewhere a plain line is printed every
 * 10 seconds at first, then less often as the work goes on (a tenth of the time so far, at most
 * every 5 minutes), so that the log of a day-long run stays short. Work that ends within the first
 * seconds shows nothing, and with {@code --quiet} nothing is shown at all. The speed and the time
 * left count from the first report, so that set-up time and the steps a resumed run skipped do not
 * distort them. Thread-safe: the tasks of a sweep report from their own threads.
 */
final class Progress {
    static final int BAR_PER_SECOND = 4;
    private static final long SECOND = 1_000_000_000L;
    /** A bar for work that ends sooner would only flicker. */
    private static final long BAR_DELAY = 2 * SECOND;
    /** The first log line, and the shortest time between two. */
    private static final long LOG_INTERVAL = 10 * SECOND;
    private static final long LOG_MAX_INTERVAL = 300 * SECOND;

    private enum Mode { BAR, LOG, OFF }

    private final Mode mode;
    private final PrintWriter err;
    private final ProgressSettings settings;
    private final String unit;
    private final double total;
    private final long start;
    private long firstReport = -1;
    private double firstDone;
    private long lastShown;
    private boolean shown;
    private String lastText = "";
    private double lastDone;
    private String lastCounts = "";

    private Progress(Mode mode, ProgressSettings settings, PrintWriter err, String unit, double total) {
        this.mode = mode;
        this.settings = settings;
        this.err = err;
        this.unit = unit;
        this.total = total;
        this.start = mode == Mode.OFF ? 0 : settings.nanoTime().getAsLong();
    }

    /** No progress: for a command before its work starts, and for {@code --quiet}. */
    static Progress none() {
        return new Progress(Mode.OFF, null, null, "", 0);
    }

    /**
     * Progress of {@code total} units ({@code unit}: {@code step}, {@code task}) as the settings say,
     * or none when {@code quiet}.
     */
    static Progress of(boolean quiet, ProgressSettings settings, PrintWriter err, String unit, double total) {
        if (quiet || total <= 0) {
            return none();
        }
        return new Progress(settings.terminal() ? Mode.BAR : Mode.LOG, settings, err, unit, total);
    }

    /**
     * {@code done} units of the total are done; {@code counts} says so in words
     * ({@code 2000/4000 steps, replica 2/4}).
     */
    synchronized void update(double done, String counts) {
        if (mode == Mode.OFF) {
            return;
        }
        long now = settings.nanoTime().getAsLong();
        if (firstReport < 0) {
            firstReport = now;
            firstDone = done;
        }
        lastDone = done;
        lastCounts = counts;
        long elapsed = now - start;
        if (mode == Mode.BAR && elapsed >= BAR_DELAY && (!shown || now - lastShown >= SECOND / BAR_PER_SECOND)) {
            draw(text(now, true));
            lastShown = now;
        } else if (mode == Mode.LOG && elapsed >= LOG_INTERVAL
                && (!shown || now - lastShown >= Math.min(LOG_MAX_INTERVAL, Math.max(LOG_INTERVAL, elapsed / 10)))) {
            err.println("progress: " + text(now, false));
            err.flush();
            lastShown = now;
            shown = true;
        }
    }

    /**
     * Prints lines of other output (with {@code print}) without mixing them into the bar: the bar is
     * cleared first and drawn again below them.
     */
    synchronized void aboveBar(Runnable print) {
        if (mode != Mode.BAR || !shown) {
            print.run();
            return;
        }
        clearBar();
        print.run();
        draw(lastText);
    }

    /**
     * The work is over (done, diverged or failed): when progress was shown, a last line says how much
     * was done in how long, and the terminal's line is left free for what follows.
     */
    synchronized void finish() {
        if (mode == Mode.OFF || !shown) {
            return;
        }
        long now = settings.nanoTime().getAsLong();
        double seconds = (now - start) / 1e9;
        String text = "finished " + lastCounts + " in " + ProgressText.duration(seconds);
        double perSecond = speed(now);
        if (Double.isFinite(perSecond) && perSecond > 0) {
            text += " (" + ProgressText.rate(perSecond, unit) + ")";
        }
        if (mode == Mode.BAR) {
            clearBar();
            err.println(text);
        } else {
            err.println("progress: " + text);
        }
        err.flush();
        shown = false;
    }

    private String text(long now, boolean bar) {
        double perSecond = speed(now);
        double left = perSecond > 0 ? (total - lastDone) / perSecond : Double.NaN;
        return ProgressText.report(bar, lastDone / total, lastCounts, unit, perSecond, left);
    }

    /** Units per second since the first report; NaN before there is a second one to measure with. */
    private double speed(long now) {
        return now > firstReport && lastDone > firstDone ? (lastDone - firstDone) / ((now - firstReport) / 1e9)
                : Double.NaN;
    }

    private void draw(String text) {
        // padded to the previous text's length, so that a shorter line leaves none of the old one behind
        err.print("\r" + text + " ".repeat(Math.max(0, lastText.length() - text.length())));
        err.flush();
        lastText = text;
        shown = true;
    }

    private void clearBar() {
        err.print("\r" + " ".repeat(lastText.length()) + "\r");
        err.flush();
    }
}
