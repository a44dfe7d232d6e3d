package io.github.infinitewidth.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

/** When a plot uses a log axis. */
class ChartsTest {
    @Test
    void aLogAxisNeedsPositiveValuesSpanningTheGivenRatio() {
        assertTrue(Charts.logFits(DoubleStream.of(0.001, 0.5, 1), 100));
        assertFalse(Charts.logFits(DoubleStream.of(0.1, 0.5, 1), 100), "one decade is read better linearly");
        assertFalse(Charts.logFits(DoubleStream.of(0, 0.001, 1), 100), "zero has no logarithm");
        assertTrue(Charts.logFits(DoubleStream.of(Double.NaN, 0.001, 1), 100), "missing values do not count");
        assertFalse(Charts.logFits(DoubleStream.of(Double.NaN), 100), "nothing to draw");
    }

    @Test
    void onALogAxisBandsAndBarsStopADecadeBelowTheMean() {
        assertEquals(0.5, Charts.lowerEdge(1, 0.5, true));
        assertEquals(0.1, Charts.lowerEdge(1, 2, true), "would reach below zero");
        assertEquals(-1, Charts.lowerEdge(1, 2, false), "a linear axis shows the whole band");
    }
}
