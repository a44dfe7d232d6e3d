package io.github.infinitewidth.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

/** When a plot uses a log axis, how its ticks are labelled, and titles that fit. */
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

    /** The labels {@code format} gives the ticks a log axis over {@code [lo, hi]} has: 1..9 times powers of ten. */
    static List<String> labelled(Function<Double, String> format, double lo, double hi) {
        List<String> labels = new ArrayList<>();
        for (int e = (int) Math.floor(Math.log10(lo)); e <= (int) Math.ceil(Math.log10(hi)); e++) {
            for (int k = 1; k <= 9; k++) {
                double tick = Double.parseDouble(k + "e" + e);
                if (tick >= lo && tick <= hi && !format.apply(tick).isEmpty()) {
                    labels.add(format.apply(tick));
                }
            }
        }
        return labels;
    }

    @Test
    void logAxesAreLabelledAtOneTwoFiveUpToFourDecadesAtPowersOfTenBeyondAndEverywhereOverLessThanThat() {
        assertEquals(List.of("0.02", "0.05", "0.1", "0.2"), labelled(Charts.logLabels(DoubleStream.of(0.02, 0.3)), 0.02, 0.3));
        assertEquals(List.of("1", "2", "5", "10", "20", "50", "100", "200", "500", "1000"),
                labelled(Charts.logLabels(DoubleStream.of(1, 1000)), 1, 1000));
        assertEquals(List.of("1e-8", "1e-7", "1e-6", "1e-5", "1e-4", "0.001", "0.01", "0.1", "1"),
                labelled(Charts.logLabels(DoubleStream.of(1e-8, 1)), 1e-8, 1));
        assertEquals(List.of("300", "400", "500", "600", "700", "800"),
                labelled(Charts.logLabels(DoubleStream.of(300, 800)), 300, 800), "no 1, 2, 5 among the values: all");
    }

    @Test
    void everyLogAxisOfThePlotsHasTheLabels() {
        XYChart chart = Charts.chart("t", "x", "y");
        Charts.logX(chart, DoubleStream.of(256, 4096));
        Charts.logY(chart, DoubleStream.of(0.01, 0.2));
        assertTrue(chart.getStyler().isXAxisLogarithmic() && !chart.getStyler().isXAxisLogarithmicDecadeOnly());
        assertTrue(chart.getStyler().isYAxisLogarithmic() && !chart.getStyler().isYAxisLogarithmicDecadeOnly());
        assertEquals(List.of("500", "1000", "2000"),
                labelled(chart.getStyler().getXAxisTickLabelsFormattingFunction(), 256, 4096));
        assertEquals(List.of("0.01", "0.02", "0.05", "0.1", "0.2"),
                labelled(chart.getStyler().getYAxisTickLabelsFormattingFunction(), 0.01, 0.2));
    }

    @Test
    void aLongTitleIsDrawnSmallerSoThatItFitsAndAShortOneIsNot() {
        String longTitle = "nt-limit, 3 hidden softplus, smoothsign lr 0.001, 16 replicas (first 8 of 1000 train inputs,"
                + " first 8 of 256 test inputs)";
        XYChart chart = Charts.chart(longTitle, "x", "y");
        Font font = chart.getStyler().getChartTitleFont();
        assertEquals(longTitle, chart.getTitle(), "drawn whole");
        assertTrue(Charts.textWidth(longTitle, font) <= Charts.WIDTH - 20, font.toString());
        assertTrue(font.getSize() < 15, font.toString());
        assertEquals(15, Charts.chart("loss", "x", "y").getStyler().getChartTitleFont().getSize());
    }

    @Test
    void aTitleTooLongEvenInTheSmallestFontIsCutWithAnEllipsisThatFits() {
        String title = "x".repeat(400);
        XYChart chart = Charts.chart(title, "x", "y", 640, Charts.HEIGHT);
        assertTrue(chart.getTitle().endsWith("...") && chart.getTitle().length() < title.length());
        assertTrue(Charts.textWidth(chart.getTitle(), chart.getStyler().getChartTitleFont()) <= 640 - 20);
    }

    @Test
    void tickValuesAreWrittenShort() {
        assertEquals("0.02", Charts.number(0.02));
        assertEquals("500", Charts.number(500));
        assertEquals("2e-5", Charts.number(2e-5));
        assertEquals("-0.75", Charts.number(-0.75));
    }
}
