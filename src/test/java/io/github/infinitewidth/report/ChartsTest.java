package io.github.infinitewidth.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
    void aBandReachingZeroKeepsTheAxisLinear() {
        Curve wide = new Curve("train", new double[] {0, 1}, new double[] {1, 0.001}, new double[] {0.1, 0.002});
        Curve narrow = new Curve("train", new double[] {0, 1}, new double[] {1, 0.001}, new double[] {0.1, 0.0001});
        Curve single = new Curve("train", new double[] {0, 1}, new double[] {1, 0.001},
                new double[] {Double.NaN, Double.NaN});
        assertFalse(Charts.logFits(Charts.meansAndLowerEdges(List.of(wide)), 100));
        assertTrue(Charts.logFits(Charts.meansAndLowerEdges(List.of(narrow)), 100));
        assertTrue(Charts.logFits(Charts.meansAndLowerEdges(List.of(single)), 100), "one replica draws no band");
    }
}
