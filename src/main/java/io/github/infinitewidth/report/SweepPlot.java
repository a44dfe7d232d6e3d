package io.github.infinitewidth.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code sweep.png}: the final loss of every task against one varied grid field (the learning rate
 * where it varies), one curve per combination of the other varied fields, with error bars of one
 * standard error over replicas; a panel for the train loss and, when there is test data, one for
 * the test loss. The picture that shows whether the best learning rate transfers across width.
 * The tasks of a limit engine are dashed whatever the x field: a curve when they have an x value (the
 * learning rate), a horizontal line across the panel when the x field does not apply to them (a limit
 * has no width); a diverged task is a cross at the top of the panel, since it has no final loss to draw, and
 * so is a loss more than {@link #OFF_SCALE} times the panel's median.
 */
public final class SweepPlot {
    public static final String FILE = "sweep.png";
    /** Lower than for loss.png: the differences that matter are near the best learning rate, at the bottom. */
    private static final double LOG_SPAN_Y = 10;
    private static final double LOG_SPAN_X = 10;
    private static final BasicStroke DASHED = SeriesLines.DASH_DASH;
    static final Color DIVERGED = new Color(180, 0, 0);
    /**
     * A final loss this many times the median is drawn as a cross with the diverged tasks: a learning
     * rate that blows the loss up to 1e70 without overflowing would otherwise squash every other
     * curve into the bottom of the panel.
     */
    private static final double OFF_SCALE = 1000;

    private SweepPlot() {}

    /**
     * One task's result.
     *
     * @param series   the curve it belongs to (the values of the other varied fields)
     * @param x        its value of the x field; NaN when that field does not apply to it
     * @param diverged whether it diverged (its losses are then not drawn)
     * @param limit    whether it ran a limit engine (its curve is dashed)
     */
    public record Point(String series, double x, double train, double trainStderr, double test, double testStderr,
                        boolean diverged, boolean limit) { }

    /** Draws the points into {@code dir/sweep.png}. */
    public static void write(Path dir, String title, String xTitle, List<Point> points) throws IOException {
        Charts.writePng(dir, FILE, panels(title, xTitle, points));
    }

    /** The train panel and, when some task has a test loss, the test panel. */
    static List<XYChart> panels(String title, String xTitle, List<Point> points) {
        List<XYChart> panels = new ArrayList<>();
        panels.add(panel("train: ", title, xTitle, "final train loss", points, Point::train, Point::trainStderr));
        if (points.stream().anyMatch(p -> !p.diverged() && Double.isFinite(p.test()))) {
            panels.add(panel("test: ", title, xTitle, "final test loss", points, Point::test, Point::testStderr));
        }
        return panels;
    }

    private static XYChart panel(String panelTitle, String title, String xTitle, String yTitle, List<Point> points,
                                 ToDoubleFunction<Point> loss, ToDoubleFunction<Point> stderr) {
        List<Point> finished = points.stream().filter(p -> !p.diverged() && Double.isFinite(loss.applyAsDouble(p)))
                .toList();
        double ceiling = OFF_SCALE * median(finished.stream().mapToDouble(loss));
        List<Point> drawn = finished.stream().filter(p -> !(loss.applyAsDouble(p) > ceiling)).toList();
        List<Point> marked = points.stream().filter(p -> p.diverged() || loss.applyAsDouble(p) > ceiling).toList();
        boolean logX = Charts.logFits(points.stream().mapToDouble(Point::x), LOG_SPAN_X);
        boolean logY = Charts.logFits(drawn.stream().mapToDouble(loss), LOG_SPAN_Y);
        XYChart chart = Charts.chart(panelTitle + title, xTitle + (logX ? " (log scale)" : ""),
                yTitle + (logY ? " (log scale)" : "") + "; bars: +-1 s.e. over replicas");
        if (logX) {
            Charts.logX(chart, points.stream().mapToDouble(Point::x));
        }
        if (logY) {
            Charts.logY(chart, drawn.stream().mapToDouble(loss));
        }
        double[] xRange = range(points.stream().mapToDouble(Point::x));
        Map<String, List<Point>> bySeries = new LinkedHashMap<>();
        points.forEach(p -> bySeries.computeIfAbsent(p.series(), s -> new ArrayList<>()));
        drawn.forEach(p -> bySeries.get(p.series()).add(p));
        int colour = 0;
        for (Map.Entry<String, List<Point>> series : bySeries.entrySet()) {
            Color color = Charts.color(colour++);
            List<Point> placed = series.getValue().stream().filter(p -> Double.isFinite(p.x()))
                    .sorted(Comparator.comparingDouble(Point::x)).toList();
            if (!placed.isEmpty()) {
                double[] x = placed.stream().mapToDouble(Point::x).toArray();
                double[] y = placed.stream().mapToDouble(loss).toArray();
                XYSeries s = chart.addSeries(series.getKey(), x, y);
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                s.setLineColor(color);
                s.setLineStyle(placed.stream().allMatch(Point::limit) ? DASHED : SeriesLines.SOLID);
                s.setMarkerColor(color);
                s.setMarker(SeriesMarkers.CIRCLE);
                for (Point p : placed) {
                    if (Double.isFinite(stderr.applyAsDouble(p))) {
                        Charts.addErrorBar(chart, series.getKey() + " bar " + p.x(), p.x(), loss.applyAsDouble(p),
                                stderr.applyAsDouble(p), color, logY);
                    }
                }
            }
            // series names must be unique; only the first line of a series without points is in the legend
            int level = 0;
            for (Point p : series.getValue()) {
                if (!Double.isFinite(p.x())) {
                    String name = series.getKey() + (placed.isEmpty() ? "" : " (no " + xTitle + ")")
                            + (level == 0 ? "" : " #" + (level + 1));
                    Charts.addLevel(chart, name, loss.applyAsDouble(p), xRange[0], xRange[1], color, DASHED,
                            placed.isEmpty() && level == 0);
                    level++;
                }
            }
        }
        addMarked(chart, marked, drawn.stream().mapToDouble(loss), logY);
        return chart;
    }

    /** Crosses at the top of the panel for the diverged and off-scale tasks that have an x value. */
    private static void addMarked(XYChart chart, List<Point> marked, DoubleStream drawnLosses, boolean logY) {
        double[] x = marked.stream().filter(p -> Double.isFinite(p.x())).mapToDouble(Point::x).toArray();
        if (x.length == 0) {
            return;
        }
        double[] yRange = range(drawnLosses);
        double top = logY ? yRange[1] * 2 : yRange[1] + 0.05 * Math.max(yRange[1] - yRange[0], Math.abs(yRange[1]));
        double[] y = DoubleStream.generate(() -> top).limit(x.length).toArray();
        XYSeries crosses = chart.addSeries("diverged, or loss > " + (int) OFF_SCALE + "x median", x, y);
        crosses.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        crosses.setMarker(SeriesMarkers.CROSS);
        crosses.setMarkerColor(DIVERGED);
    }

    /** The median of the values; NaN when there are none. */
    private static double median(DoubleStream values) {
        double[] sorted = values.sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** Smallest and largest finite value; {@code [0, 1]} when there is none. */
    private static double[] range(DoubleStream values) {
        double[] finite = values.filter(Double::isFinite).sorted().toArray();
        return finite.length == 0 ? new double[] {0, 1} : new double[] {finite[0], finite[finite.length - 1]};
    }
}
