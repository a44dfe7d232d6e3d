package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The words and numbers of progress reports. */
class ProgressTextTest {
    @Test
    void ratesReadAsUnitsPerSecondOrTimePerUnit() {
        assertEquals("85.3 steps/s", ProgressText.rate(85.34, "step"));
        assertEquals("1250 steps/s", ProgressText.rate(1250.4, "step"));
        assertEquals("1.0 tasks/s", ProgressText.rate(1, "task"));
        assertEquals("4.2 s/step", ProgressText.rate(1 / 4.2, "step"));
        assertEquals("2:05/task", ProgressText.rate(1 / 125.0, "task"));
    }

    @Test
    void durationsAreMinutesAndSecondsWithHoursWhenThereAreAny() {
        assertEquals("0:07", ProgressText.duration(7.2));
        assertEquals("12:05", ProgressText.duration(725));
        assertEquals("3:02:09", ProgressText.duration(3 * 3600 + 2 * 60 + 9));
        assertEquals("0:00", ProgressText.duration(-3), "an estimate below zero is no time left");
    }

    @Test
    void theBarFillsWithTheFractionDone() {
        assertEquals("[" + "#".repeat(12) + ".".repeat(12) + "]", ProgressText.bar(0.5));
        assertEquals("[" + ".".repeat(24) + "]", ProgressText.bar(0));
        assertEquals("[" + "#".repeat(24) + "]", ProgressText.bar(1.2));
    }

    @Test
    void aReportHasThePercentTheCountsTheSpeedAndTheTimeLeft() {
        assertEquals("[" + "#".repeat(6) + ".".repeat(18) + "]   25%  250/1000 steps  12.5 steps/s  ETA 1:00",
                ProgressText.report(true, 0.25, "250/1000 steps", "step", 12.5, 60));
        assertEquals(" 25%  1/4 tasks, 2 running  ETA --:--",
                ProgressText.report(false, 0.25, "1/4 tasks, 2 running", "task", Double.NaN, Double.NaN),
                "before the speed is known");
    }
}
