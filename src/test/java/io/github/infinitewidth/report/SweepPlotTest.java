package io.github.infinitewidth.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.lines.SeriesLines;
import org.junit.jupiter.api.io.TempDir;

/** {@code sweep.png}: its panels and the tasks that are not curve points. */
class SweepPlotTest {
    @TempDir
    Path dir;

    private static boolean contains(BufferedImage image, Color colour) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == (colour.getRGB() & 0xffffff)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void withoutTestLossesThereIsOnePanel() throws IOException {
        SweepPlot.write(dir, "final loss against learningRate", "optimizer.learningRate", List.of(
                new SweepPlot.Point("width=8", 0.1, 0.5, 0.01, Double.NaN, Double.NaN, false, false),
                new SweepPlot.Point("width=8", 1, 0.2, 0.01, Double.NaN, Double.NaN, false, false)));
        assertFalse(contains(Pngs.assertPlot(dir.resolve(SweepPlot.FILE), 1), SweepPlot.DIVERGED), "no crosses");
    }

    /**
     * A limit task without the x field (a horizontal line), a diverged task, a loss far off the scale
     * and a single replica's missing standard error are drawn beside ordinary curves, the diverged
     * and off-scale tasks as crosses of their own colour.
     */
    @Test
    void limitsDivergedAndOffScaleTasksAreDrawnApartFromTheCurves() throws IOException {
        SweepPlot.write(dir, "final loss against width", "network.width", List.of(
                new SweepPlot.Point("engine=finite", 16, 0.3, 0.02, 0.4, 0.03, false, false),
                new SweepPlot.Point("engine=finite", 64, 0.2, Double.NaN, 0.3, Double.NaN, false, false),
                new SweepPlot.Point("engine=finite", 256, 1e70, 1e69, 1e70, 1e69, false, false),
                new SweepPlot.Point("engine=finite", 1024, Double.NaN, Double.NaN, Double.NaN, Double.NaN, true, false),
                new SweepPlot.Point("engine=mu-limit", Double.NaN, 0.15, 0.01, 0.25, 0.01, false, true)));
        assertTrue(contains(Pngs.assertPlot(dir.resolve(SweepPlot.FILE), 2), SweepPlot.DIVERGED));
    }

    /** README: the limit engines are dashed lines, also when the x field (the learning rate) applies to them. */
    @Test
    void limitTasksAreDashedWhenTheyHaveAnXValueToo() {
        List<SweepPlot.Point> points = List.of(
                new SweepPlot.Point("engine=finite", 0.01, 0.5, 0.01, Double.NaN, Double.NaN, false, false),
                new SweepPlot.Point("engine=finite", 0.1, 0.2, 0.01, Double.NaN, Double.NaN, false, false),
                new SweepPlot.Point("engine=mu-limit", 0.01, 0.45, 0.01, Double.NaN, Double.NaN, false, true),
                new SweepPlot.Point("engine=mu-limit", 0.1, 0.18, 0.01, Double.NaN, Double.NaN, false, true));
        XYChart panel = SweepPlot.panels("final loss against learningRate", "optimizer.learningRate", points).get(0);

        assertEquals(SeriesLines.DASH_DASH, panel.getSeries("engine=mu-limit").getLineStyle());
        assertEquals(SeriesLines.SOLID, panel.getSeries("engine=finite").getLineStyle());
    }

    /** A learning rate axis over one decade and a half: labels at 1, 2 and 5 times powers of ten, not just 0.01 and 0.1. */
    @Test
    void logAxesHaveLabelsEnoughToReadAValue() {
        List<SweepPlot.Point> points = List.of(
                new SweepPlot.Point("all tasks", 0.01, 0.5, 0.01, Double.NaN, Double.NaN, false, false),
                new SweepPlot.Point("all tasks", 0.3, 0.04, 0.01, Double.NaN, Double.NaN, false, false));
        XYChart panel = SweepPlot.panels("final loss against learningRate", "optimizer.learningRate", points).get(0);

        assertTrue(panel.getStyler().isXAxisLogarithmic() && panel.getStyler().isYAxisLogarithmic());
        assertFalse(panel.getStyler().isXAxisLogarithmicDecadeOnly());
        assertEquals(List.of("0.01", "0.02", "0.05", "0.1", "0.2"),
                ChartsTest.labelled(panel.getStyler().getXAxisTickLabelsFormattingFunction(), 0.01, 0.3));
        assertEquals(List.of("0.05", "0.1", "0.2", "0.5"),
                ChartsTest.labelled(panel.getStyler().getYAxisTickLabelsFormattingFunction(), 0.04, 0.5));
    }
}
