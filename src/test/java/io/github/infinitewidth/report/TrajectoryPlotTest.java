package io.github.infinitewidth.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@code trajectory.png}: splits told apart by colour family, targets unlike outputs, short inputs named. */
class TrajectoryPlotTest {
    private static TrajectoryPlot.Input input(String name, double[] x, double target, boolean test) {
        double[] steps = {0, 1, 2};
        return new TrajectoryPlot.Input(new Curve(name, steps, new double[] {0, 0.3, 0.5},
                new double[] {0.01, 0.01, 0.01}), x, target, test);
    }

    private final XYChart chart = TrajectoryPlot.chart("title", List.of(
            input("train 0", new double[] {1, 0.4}, 0.8, false), input("train 1", new double[] {-0.6, 0.9}, -0.6, false),
            input("train 2", new double[] {0.3, -1.2}, 0.5, false), input("test 0", new double[] {0.6, 0.6}, 0.4, true),
            input("test 1", new double[] {0, 1}, 0.1, true)));

    @Test
    void trainInputsAreCoolColoursAndTestInputsWarmOnes() {
        for (XYSeries s : chart.getSeriesCollection()) {
            Color c = s.getLineColor() != null ? s.getLineColor() : s.getMarkerColor();
            if (c == null) {
                continue;   // a band
            }
            boolean test = s.getName().startsWith("test");
            assertEquals(test, c.getRed() > c.getBlue(), s.getName() + " " + c);
        }
        for (Color c : TrajectoryPlot.TRAIN) {
            assertTrue(c.getBlue() > c.getRed() || c.getGreen() > c.getRed(), "train " + c);
        }
        for (Color c : TrajectoryPlot.TEST) {
            assertTrue(c.getRed() > c.getBlue() && c.getRed() > c.getGreen() - 20, "test " + c);
        }
    }

    @Test
    void targetsAreDiamondsWithoutALineAndOutputsLinesWithoutMarkers() {
        XYSeries target = chart.getSeries("test 0 target");
        assertEquals(SeriesLines.NONE, target.getLineStyle());
        assertEquals(SeriesMarkers.DIAMOND, target.getMarker());
        assertFalse(target.isShowInLegend());
        XYSeries output = chart.getSeries("test 0: x = (0.6, 0.6), y = 0.4");
        assertEquals(SeriesLines.SOLID, output.getLineStyle());
        assertEquals(SeriesMarkers.NONE, output.getMarker());
        assertEquals(output.getLineColor(), target.getMarkerColor());
    }

    @Test
    void theLegendSaysWhatShortInputsAreAndNamesLongOnesOnly() {
        assertTrue(chart.getSeries("train 1: x = (-0.6, 0.9), y = -0.6") != null);
        assertEquals("train 0: x = -1, y = 0.5", TrajectoryPlot.legend(input("train 0", new double[] {-1}, 0.5, false)));
        assertEquals("train 0", TrajectoryPlot.legend(input("train 0", new double[784], 0.5, false)));
    }
}
