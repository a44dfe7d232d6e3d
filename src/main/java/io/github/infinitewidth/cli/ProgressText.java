package io.github.infinitewidth.cli;

import java.util.Locale;

/** The text of progress reports: bars, rates and durations. */
final class ProgressText {
    private static final int BAR_WIDTH = 24;

    private ProgressText() {}

    /**
     * One report: {@code [#####.....]  50%  2000/4000 steps  85.3 steps/s  ETA 0:23} on a terminal,
     * the same without the bar in a log.
     *
     * @param fraction  the part done, 0 to 1
     * @param counts    what is done, in words ({@code 2000/4000 steps})
     * @param perSecond units done per second; NaN when not known yet
     * @param secondsLeft the estimated time left; NaN when not known yet
     */
    static String report(boolean bar, double fraction, String counts, String unit, double perSecond,
                         double secondsLeft) {
        StringBuilder text = new StringBuilder();
        if (bar) {
            text.append(bar(fraction)).append("  ");
        }
        text.append(String.format(Locale.ROOT, "%3d%%", (int) Math.floor(100 * fraction))).append("  ").append(counts);
        if (Double.isFinite(perSecond) && perSecond > 0) {
            text.append("  ").append(rate(perSecond, unit));
        }
        text.append("  ETA ").append(Double.isFinite(secondsLeft) ? duration(secondsLeft) : "--:--");
        return text.toString();
    }

    /** {@code [##########..............]}, the part done filled. */
    static String bar(double fraction) {
        int filled = (int) Math.floor(Math.max(0, Math.min(1, fraction)) * BAR_WIDTH);   // full only when done
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
    }

    /**
     * The speed in the form easiest to read: {@code 85.3 steps/s} when at least one unit a second,
     * else the time per unit, {@code 4.2 s/step} or {@code 2:05/task}.
     */
    static String rate(double perSecond, String unit) {
        if (perSecond >= 100) {
            return String.format(Locale.ROOT, "%.0f %ss/s", perSecond, unit);
        }
        if (perSecond >= 1) {
            return String.format(Locale.ROOT, "%.1f %ss/s", perSecond, unit);
        }
        double seconds = 1 / perSecond;
        return seconds < 60 ? String.format(Locale.ROOT, "%.1f s/%s", seconds, unit) : duration(seconds) + "/" + unit;
    }

    /** {@code 0:07}, {@code 12:05}, {@code 3:02:09}: minutes and seconds, hours when there are any. */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        long hours = s / 3600;
        long minutes = s / 60 % 60;
        return hours > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", minutes, s % 60);
    }
}
