package io.github.infinitewidth.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.DoubleStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.IChart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The look shared by every plot, curves with bands, and writing PNG files atomically. */
final class Charts {
    static final int WIDTH = 900;
    static final int HEIGHT = 560;

    /** Colour-blind-safe palette (Okabe and Ito), cycled when there are more curves. */
    private static final Color[] PALETTE = {
        new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115), new Color(204, 121, 167),
        new Color(230, 159, 0), new Color(86, 180, 233), new Color(0, 0, 0), new Color(240, 228, 66),
    };
    /** How many curves get colours of their own before {@link #color} starts over. */
    static final int COLOURS = PALETTE.length;
    private static final int BAND_ALPHA = 60;
    /** On a log axis a band or bar ends at most this factor below its mean. */
    private static final double LOG_FLOOR = 10;
    private static final int TITLE_SIZE = 15;
    /** Smallest title font: a long title is drawn smaller rather than clipped at the chart's edges. */
    private static final int MIN_TITLE_SIZE = 8;
    /** Room left beside the title on each side. */
    private static final int TITLE_MARGIN = 10;
    /**
     * Up to this many decades a log axis is labelled at 1, 2 and 5 times the powers of ten; beyond it
     * at the powers of ten alone (then at least this many labels already).
     */
    private static final double LOG_125_DECADES = 4;

    static {
        // Plots are drawn on servers and in CI without a display; Java2D must not look for one. Only
        // effective before AWT starts, which is why it is set here, before any chart exists.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {}

    static XYChart chart(String title, String xTitle, String yTitle) {
        return chart(title, xTitle, yTitle, WIDTH, HEIGHT);
    }

    /** A chart of the shared look, {@code width x height} pixels (panels of a grid). */
    static XYChart chart(String title, String xTitle, String yTitle, int width, int height) {
        Font titleFont = titleFont(title, width);
        XYChart chart = new XYChartBuilder().width(width).height(height).title(fitted(title, titleFont, width))
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler()
                .setChartBackgroundColor(Color.WHITE)
                .setPlotBackgroundColor(Color.WHITE)
                .setPlotBorderColor(Color.GRAY)
                .setLegendPosition(Styler.LegendPosition.OutsideE)
                .setLegendBorderColor(Color.WHITE)
                .setChartTitleBoxVisible(false)
                .setChartTitleFont(titleFont)
                .setAntiAlias(true);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225))
                .setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13))
                .setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        return chart;
    }

    /** An empty white cell of a grid of panels: no axes, ticks, grid lines or border. */
    static XYChart blank(int width, int height) {
        XYChart chart = chart("", "", "", width, height);
        chart.getStyler().setAxisTicksVisible(false).setAxisTitlesVisible(false).setPlotGridLinesVisible(false)
                .setPlotBorderVisible(false).setChartTitleVisible(false).setLegendVisible(false);
        return chart;
    }

    /**
     * The title's font: bold at {@link #TITLE_SIZE} points, smaller (down to {@link #MIN_TITLE_SIZE})
     * when the title would not fit the chart's width, since the chart library clips it at the edges.
     */
    static Font titleFont(String title, int width) {
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, TITLE_SIZE);
        for (int size = TITLE_SIZE; size >= MIN_TITLE_SIZE; size--) {
            font = font.deriveFont((float) size);
            if (textWidth(title, font) <= width - 2 * TITLE_MARGIN) {
                return font;
            }
        }
        return font;
    }

    /**
     * The title as drawn: whole when it fits in {@code font}, else cut with an ellipsis where it
     * still fits (a title longer than any plot has; the library would cut both ends without a sign).
     */
    static String fitted(String title, Font font, int width) {
        if (textWidth(title, font) <= width - 2 * TITLE_MARGIN) {
            return title;
        }
        int end = title.length();
        while (end > 0 && textWidth(title.substring(0, end) + "...", font) > width - 2 * TITLE_MARGIN) {
            end--;
        }
        return title.substring(0, end) + "...";
    }

    /** The width in pixels of {@code text} drawn in {@code font} (anti-aliased, as the charts are). */
    static double textWidth(String text, Font font) {
        return font.getStringBounds(text, new FontRenderContext(null, true, true)).getWidth();
    }

    /**
     * Makes the x axis logarithmic with labels enough to read a value off it: the chart library labels
     * only the powers of ten, which on an axis spanning one or two decades is one or two labels.
     */
    static void logX(XYChart chart, DoubleStream values) {
        chart.getStyler().setXAxisLogarithmic(true).setXAxisLogarithmicDecadeOnly(false)
                .setXAxisTickLabelsFormattingFunction(logLabels(values));
    }

    /** {@link #logX} for the y axis. */
    static void logY(XYChart chart, DoubleStream values) {
        chart.getStyler().setYAxisLogarithmic(true).setYAxisLogarithmicDecadeOnly(false)
                .setYAxisTickLabelsFormattingFunction(logLabels(values));
    }

    /**
     * The labels of a log axis over {@code values}: the chart library offers a tick at every 1..9
     * times a power of ten; those at 1, 2 and 5 get a label (only those at 1 when the values span
     * more than {@link #LOG_125_DECADES} decades, all of them when fewer than 3 of 1, 2 and 5 lie
     * among the values, as over 300..800), the others an empty one.
     */
    static Function<Double, String> logLabels(DoubleStream values) {
        double[] positive = values.filter(v -> Double.isFinite(v) && v > 0).toArray();
        double lo = Arrays.stream(positive).min().orElse(1);
        double hi = Arrays.stream(positive).max().orElse(1);
        boolean only10 = Math.log10(hi / lo) > LOG_125_DECADES;
        boolean all = !only10 && ticks125(lo, hi) < 3;
        return v -> {
            long m = mantissa(v);
            boolean labelled = m == 1 || all && m > 0 || !only10 && (m == 2 || m == 5);
            return labelled ? number(v) : "";
        };
    }

    /** The leading digit of {@code v} when {@code v} is a whole digit times a power of ten, else 0. */
    private static long mantissa(double v) {
        double mantissa = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
        long m = Math.round(mantissa);
        return Math.abs(mantissa - m) < 1e-6 ? (m == 10 ? 1 : m) : 0;
    }

    /** How many of 1, 2 and 5 times a power of ten lie in {@code [lo, hi]}. */
    private static int ticks125(double lo, double hi) {
        int count = 0;
        for (int e = (int) Math.floor(Math.log10(lo)); e <= (int) Math.ceil(Math.log10(hi)); e++) {
            for (int m : new int[] {1, 2, 5}) {
                double tick = m * Math.pow(10, e);
                if (tick >= lo * (1 - 1e-9) && tick <= hi * (1 + 1e-9)) {
                    count++;
                }
            }
        }
        return count;
    }

    /** A tick value in few characters: {@code 0.02}, {@code 500}, {@code 1e-05}. */
    static String number(double v) {
        if (v != 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) {
            return String.format(Locale.ROOT, "%.2e", v).replaceAll("\\.?0+e", "e")
                    .replace("e-0", "e-").replace("e+0", "e").replace("e+", "e");
        }
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    static Color color(int i) {
        return PALETTE[i % PALETTE.length];
    }

    /**
     * Adds the curve's band (a filled polygon, mean + s.e. forward then mean - s.e. back, left out of
     * the legend) and then its line, so that the line is drawn over the band.
     *
     * @param log whether the y axis is logarithmic (see {@link #lowerEdge})
     */
    static void addCurve(XYChart chart, Curve curve, Color color, boolean dashed, boolean log) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int k = 0; k < curve.x().length; k++) {
            if (Double.isFinite(curve.mean()[k]) && Double.isFinite(curve.x()[k])) {
                x.add(curve.x()[k]);
                y.add(curve.mean()[k]);
            }
        }
        if (x.isEmpty()) {
            return;
        }
        if (curve.hasBand()) {
            List<Double> bandX = new ArrayList<>();
            List<Double> bandY = new ArrayList<>();
            List<Double> lower = new ArrayList<>();
            for (int k = 0; k < curve.x().length; k++) {
                if (finitePoint(curve, k)) {
                    bandX.add(curve.x()[k]);
                    bandY.add(curve.mean()[k] + curve.stderr()[k]);
                    lower.add(lowerEdge(curve.mean()[k], curve.stderr()[k], log));
                }
            }
            for (int k = lower.size() - 1; k >= 0; k--) {
                bandX.add(bandX.get(k));
                bandY.add(lower.get(k));
            }
            XYSeries band = chart.addSeries(curve.name() + " +-1 s.e.", bandX, bandY);
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            band.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), BAND_ALPHA));
            band.setLineStyle(SeriesLines.NONE);
            band.setMarker(SeriesMarkers.NONE);
            band.setShowInLegend(false);
        }
        XYSeries line = chart.addSeries(curve.name(), x, y);
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        line.setLineColor(color);
        line.setLineStyle(dashed ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
        line.setMarker(x.size() == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        line.setMarkerColor(color);
    }

    /**
     * A vertical error bar from {@code mean - stderr} to {@code mean + stderr} (lower end as
     * {@link #lowerEdge} says), left out of the legend. Drawn as a series of its own because the
     * chart library's error bars are symmetric and refuse a log axis they would cross zero on.
     */
    static void addErrorBar(XYChart chart, String name, double x, double mean, double stderr, Color color,
                            boolean log) {
        XYSeries bar = chart.addSeries(name, new double[] {x, x},
                new double[] {lowerEdge(mean, stderr, log), mean + stderr});
        bar.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        bar.setLineColor(color);
        bar.setLineStyle(SeriesLines.SOLID);
        bar.setMarker(SeriesMarkers.NONE);
        bar.setShowInLegend(false);
    }

    /**
     * The lower end of a band or bar. On a log axis one that reaches zero cannot be drawn: it stops a
     * decade below the mean, which already says that the standard error is as large as the value.
     */
    static double lowerEdge(double mean, double stderr, boolean log) {
        return log ? Math.max(mean - stderr, mean / LOG_FLOOR) : mean - stderr;
    }

    /** A horizontal reference line (a target, a limit) across {@code [from, to]}, not in the legend. */
    static void addLevel(XYChart chart, String name, double level, double from, double to, Color color,
                         BasicStroke stroke, boolean inLegend) {
        XYSeries series = chart.addSeries(name, new double[] {from, to}, new double[] {level, level});
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        series.setLineColor(color);
        series.setLineStyle(stroke);
        series.setMarker(SeriesMarkers.NONE);
        series.setShowInLegend(inLegend);
    }

    private static boolean finitePoint(Curve c, int k) {
        return Double.isFinite(c.x()[k]) && Double.isFinite(c.mean()[k]) && Double.isFinite(c.stderr()[k]);
    }

    /**
     * Whether values are best read on a log axis: every finite one positive, spanning at least
     * {@code span} (largest over smallest).
     */
    static boolean logFits(DoubleStream values, double span) {
        double[] finite = values.filter(Double::isFinite).toArray();
        if (finite.length == 0 || Arrays.stream(finite).anyMatch(v -> v <= 0)) {
            return false;
        }
        return Arrays.stream(finite).max().orElseThrow() / Arrays.stream(finite).min().orElseThrow() >= span;
    }

    /** The means of the curves, for {@link #logFits}. */
    static DoubleStream means(List<Curve> curves) {
        return curves.stream().flatMapToDouble(c -> Arrays.stream(c.mean()));
    }

    /**
     * Writes the charts, side by side, as {@code dir/name}: into a temporary file of the same folder
     * that is then renamed over the old one (JOB-SPEC.md: a killed run leaves the previous file or the
     * new one). The temporary name is unique, so processes sharing a folder never write into one file.
     */
    static void writePng(Path dir, String name, List<? extends IChart> charts) throws IOException {
        writePng(dir, name, charts, 1, charts.size());
    }

    /** {@link #writePng(Path, String, List)} with the charts in {@code rows} rows of {@code cols}, row by row. */
    static void writePng(Path dir, String name, List<? extends IChart> charts, int rows, int cols)
            throws IOException {
        // not Files.createTempFile: its owner-only permissions would stay on the renamed plot
        Path tmp = dir.resolve(name + "." + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                BitmapEncoder.saveBitmap(charts, rows, cols, out, BitmapEncoder.BitmapFormat.PNG);
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
