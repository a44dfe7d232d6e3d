package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When progress is shown and how, with a clock the test moves by hand. */
class ProgressTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong clock = new AtomicLong();
    private final StringWriter err = new StringWriter();

    private Progress progress(boolean quiet, boolean terminal) {
        return Progress.of(quiet, new ProgressSettings(terminal, clock::get), new PrintWriter(err), "step", 100);
    }

    /** Steps {@code 1..steps}, step k done at second k. */
    private void steps(Progress p, int steps) {
        for (int k = 1; k <= steps; k++) {
            clock.set(k * SECOND);
            p.update(k, k + "/100 steps");
        }
    }

    @Test
    void aLogGetsAPlainLineEveryTenSecondsAndAFinalOne() {
        Progress p = progress(false, false);
        steps(p, 25);
        p.finish();
        assertEquals(List.of(
                "progress:  10%  10/100 steps  1.0 steps/s  ETA 1:30",
                "progress:  20%  20/100 steps  1.0 steps/s  ETA 1:20",
                "progress: finished 25/100 steps in 0:25 (1.0 steps/s)"), err.toString().lines().toList());
    }

    @Test
    void longWorkIsLoggedLessOften() {
        Progress p = progress(false, false);
        steps(p, 100);
        List<String> lines = err.toString().lines().toList();
        assertEquals("progress:  10%  10/100 steps  1.0 steps/s  ETA 1:30", lines.get(0));
        assertEquals("progress:  80%  80/100 steps  1.0 steps/s  ETA 0:20", lines.get(7));
        assertEquals("progress:  90%  90/100 steps  1.0 steps/s  ETA 0:10", lines.get(8),
                "after 80 s the interval is 80 / 10 = 8 s, under the 10 s minimum");
        assertEquals(10, lines.size());
    }

    @Test
    void workThatEndsWithinTheFirstSecondsShowsNothing() {
        Progress log = progress(false, false);
        steps(log, 9);
        log.finish();
        assertEquals("", err.toString());
        clock.set(0);
        Progress bar = progress(false, true);
        steps(bar, 1);
        bar.finish();
        assertEquals("", err.toString());
    }

    @Test
    void quietShowsNothingHoweverLongTheWork() {
        Progress p = progress(true, true);
        steps(p, 100);
        p.aboveBar(() -> err.write("line\n"));
        p.finish();
        assertEquals("line\n", err.toString());
    }

    @Test
    void aTerminalGetsABarRedrawnInPlaceAtMostFourTimesASecond() {
        Progress p = progress(false, true);
        steps(p, 2);
        clock.set(2 * SECOND + SECOND / 10);
        p.update(3, "3/100 steps");   // within a quarter second of the last drawing: not drawn
        clock.set(2 * SECOND + SECOND / 4);
        p.update(4, "4/100 steps");
        String bar3 = "[" + ".".repeat(24) + "]    2%  2/100 steps  1.0 steps/s  ETA 1:38";
        String bar4 = "[" + ".".repeat(24) + "]    4%  4/100 steps  2.4 steps/s  ETA 0:40";
        assertEquals("\r" + bar3 + "\r" + bar4, err.toString());

        p.aboveBar(() -> err.write("task 0001 completed\n"));
        p.finish();
        String blank = "\r" + " ".repeat(bar4.length()) + "\r";
        assertEquals("\r" + bar3 + "\r" + bar4 + blank + "task 0001 completed\n" + "\r" + bar4 + blank
                + "finished 4/100 steps in 0:02 (2.4 steps/s)" + System.lineSeparator(), err.toString());
    }

    @Test
    void theSpeedCountsFromTheFirstReportSoThatSetUpAndResumedStepsDoNotCount() {
        Progress p = progress(false, false);
        clock.set(8 * SECOND);   // set-up took 8 s; a resumed run starts at step 50
        p.update(50, "50/100 steps");
        clock.set(12 * SECOND);
        p.update(60, "60/100 steps");
        assertTrue(err.toString().startsWith("progress:  60%  60/100 steps  2.5 steps/s  ETA 0:16"), err.toString());
    }
}
