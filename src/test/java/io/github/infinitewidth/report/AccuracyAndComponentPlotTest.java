package io.github.infinitewidth.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The accuracy panel of {@code loss.png} and the per-input panels of {@code trajectory.png} with k outputs. */
class AccuracyAndComponentPlotTest {
    @TempDir
    Path dir;

    private static final double[] STEPS = {0, 1, 2};

    private static Curve curve(String name, double... mean) {
        return new Curve(name, STEPS, mean, new double[] {0.05, 0.05, 0.05});
    }

    @Test
    void accuracyHasAFixedUnitAxisAndAnErrorBarPerRecordedStep() {
        XYChart chart = AccuracyPanel.chart("title", List.of(curve("train", 0.3, 0.6, 0.9), curve("test", 0.3, 0.5, 0.7)));
        assertEquals(0.0, chart.getStyler().getYAxisMin());
        assertEquals(1.0, chart.getStyler().getYAxisMax());
        XYSeries line = chart.getSeries("train accuracy");
        assertNotNull(line);
        assertTrue(line.isShowInLegend());
        // no band: the standard errors are bars, from mean - s.e. to mean + s.e.
        assertNull(chart.getSeries("train accuracy +-1 s.e."));
        XYSeries bar = chart.getSeries("test accuracy bar 1");
        assertArrayEquals(new double[] {1, 1}, bar.getXData(), 0);
        assertArrayEquals(new double[] {0.45, 0.55}, bar.getYData(), 1e-12);
        assertFalse(bar.isShowInLegend());
        assertEquals(1 + 1 + 3 + 3, chart.getSeriesCollection().size());
    }

    @Test
    void longRunsGetAtMostMaxBarsSpreadFromFirstToLastStep() {
        int[] bars = AccuracyPanel.barSteps(1001);
        assertEquals(AccuracyPanel.MAX_BARS, bars.length);
        assertEquals(0, bars[0]);
        assertEquals(1000, bars[bars.length - 1]);
        assertArrayEquals(new int[] {0, 1, 2}, AccuracyPanel.barSteps(3));
    }

    @Test
    void lossPngHasTheAccuracyPanelBesideTheLossOnlyWhenGiven() throws IOException {
        List<Curve> loss = List.of(curve("train", 1, 0.5, 0.2));
        LossPlot.write(dir, "regression", loss);
        Pngs.assertPlot(dir.resolve(LossPlot.FILE), 1);
        LossPlot.write(dir, "classification", loss, List.of(curve("train", 0.3, 0.6, 0.9)));
        Pngs.assertPlot(dir.resolve(LossPlot.FILE), 2);
    }

    private static TrajectoryPlot.Outputs outputs(String name, double[] targets, int label) {
        return new TrajectoryPlot.Outputs(name, List.of(curve("output 0", 0, 0.1, 0.2), curve("output 1", 0, -0.1, -0.2),
                curve("output 2", 0, 0.3, 0.6)), new double[] {1, 0.4}, targets, label, name.startsWith("test"));
    }

    @Test
    void eachOutputIsALineNamedByItsComponentWithItsTargetAsDiamonds() {
        XYChart chart = TrajectoryPlot.panel("run", outputs("train 0", new double[] {0.5, -1, 2}, -1));
        for (int c = 0; c < 3; c++) {
            XYSeries line = chart.getSeries("output " + c);
            assertEquals(SeriesLines.SOLID, line.getLineStyle());
            assertTrue(line.isShowInLegend());
            XYSeries target = chart.getSeries("output " + c + " target");
            assertEquals(SeriesMarkers.DIAMOND, target.getMarker());
            assertEquals(line.getLineColor(), target.getMarkerColor());
            assertFalse(target.isShowInLegend());
        }
        assertEquals(-1.0, chart.getSeries("output 1 target").getYData()[0]);
        assertEquals("train 0: x = (1, 0.4), y = (0.5, -1, 2)", chart.getTitle());
    }

    @Test
    void aLabelledInputMarksItsClassAndDrawsNoTargets() {
        XYChart chart = TrajectoryPlot.panel("run", outputs("test 3", null, 2));
        assertNotNull(chart.getSeries("output 2 (label)"));
        assertNotNull(chart.getSeries("output 0"));
        assertTrue(chart.getSeriesCollection().stream().noneMatch(s -> s.getName().endsWith("target")));
        assertEquals("test 3: x = (1, 0.4), label 2", chart.getTitle());
    }

    @Test
    void componentsBeyondThePaletteAreDashed() {
        List<Curve> ten = new java.util.ArrayList<>();
        for (int c = 0; c < 10; c++) {
            ten.add(curve("output " + c, 0, c, c));
        }
        XYChart chart = TrajectoryPlot.panel("run", new TrajectoryPlot.Outputs("train 0", ten, new double[784], null,
                9, false));
        assertEquals(SeriesLines.SOLID, chart.getSeries("output " + (Charts.COLOURS - 1)).getLineStyle());
        assertEquals(SeriesLines.DASH_DASH, chart.getSeries("output " + Charts.COLOURS).getLineStyle());
        assertEquals(chart.getSeries("output 0").getLineColor(), chart.getSeries("output " + Charts.COLOURS)
                .getLineColor());
        assertEquals("train 0, label 9", chart.getTitle());
    }

    @Test
    void aSplitWithFewerInputsLeavesItsCellsOfTheGridWhite() throws IOException {
        TrajectoryPlot.writeComponents(dir, "run", List.of(
                List.of(outputs("train 0", null, 1), outputs("train 1", null, 0)), List.of(outputs("test 0", null, 2))));
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(dir.resolve(TrajectoryPlot.FILE).toFile());
        int cellWidth = png.getWidth() / 2;
        int cellHeight = png.getHeight() / 2;
        for (int x = cellWidth; x < png.getWidth(); x++) {
            for (int y = cellHeight; y < png.getHeight(); y++) {
                assertEquals(0xFFFFFF, png.getRGB(x, y) & 0xFFFFFF, "pixel " + x + ", " + y + " of the empty cell");
            }
        }
        int drawn = 0;   // the test input's own cell, beside it, is drawn
        for (int x = 0; x < cellWidth; x++) {
            for (int y = cellHeight; y < png.getHeight(); y++) {
                drawn += (png.getRGB(x, y) & 0xFFFFFF) == 0xFFFFFF ? 0 : 1;
            }
        }
        assertTrue(drawn > 1000, drawn + " drawn pixels");
    }
}
