package io.github.infinitewidth.report;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.DoubleStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code convergence.png}: how far finite networks are from their limit against the width, log-log: one
 * series per limit (distance with error bars of one standard error), a dotted {@code 1/sqrt(width)} guide
 * through the series' smallest width, and the limit's own Monte Carlo error as a dashed horizontal floor,
 * below which a distance cannot be told from zero.
 */
public final class ConvergencePlot {
    public static final String FILE = "convergence.png";
    private static final BasicStroke DOTTED = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
            10f, new float[] {2f, 4f}, 0f);

    private ConvergencePlot() {}

    /**
     * One limit's finite networks.
     *
     * @param name     the series name ({@code finite-ntp vs nt-limit})
     * @param widths   the widths, ascending
     * @param distance the distance at each width
     * @param stderr   its standard error (NaN: no bar)
     * @param floor    the limit's own Monte Carlo error (NaN: none drawn)
     */
    public record Series(String name, double[] widths, double[] distance, double[] stderr, double floor) { }

    /** Draws the series into {@code dir/convergence.png}; points that are not positive are left out. */
    public static void write(Path dir, String title, List<Series> series) throws IOException {
        XYChart chart = Charts.chart(title, "width (log scale)",
                "RMS distance to the limit (log scale); bars: +-1 s.e.");
        Charts.logX(chart, series.stream().flatMapToDouble(s -> Arrays.stream(s.widths())));
        Charts.logY(chart, series.stream().flatMapToDouble(s -> DoubleStream.concat(Arrays.stream(s.distance()),
                DoubleStream.of(s.floor()))));
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double w : s.widths()) {
                lo = Math.min(lo, w);
                hi = Math.max(hi, w);
            }
        }
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("nothing to draw");
        }
        if (lo == hi) {
            lo /= 2;
            hi *= 2;
        }
        int drawn = 0;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            var color = Charts.color(i);
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int k = 0; k < s.widths().length; k++) {
                if (s.distance()[k] > 0 && Double.isFinite(s.distance()[k])) {
                    x.add(s.widths()[k]);
                    y.add(s.distance()[k]);
                }
            }
            if (!x.isEmpty()) {
                XYSeries line = chart.addSeries(s.name(), x, y);
                line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                line.setLineColor(color);
                line.setLineStyle(SeriesLines.SOLID);
                line.setMarker(SeriesMarkers.CIRCLE);
                line.setMarkerColor(color);
                for (int k = 0; k < s.widths().length; k++) {
                    if (s.distance()[k] > 0 && Double.isFinite(s.stderr()[k])) {
                        Charts.addErrorBar(chart, s.name() + " bar " + k, s.widths()[k], s.distance()[k],
                                s.stderr()[k], color, true);
                    }
                }
                double anchor = y.get(0) * Math.sqrt(x.get(0));
                XYSeries guide = chart.addSeries(s.name() + ": 1/sqrt(width)", new double[] {lo, hi},
                        new double[] {anchor / Math.sqrt(lo), anchor / Math.sqrt(hi)});
                guide.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                guide.setLineColor(color);
                guide.setLineStyle(DOTTED);
                guide.setMarker(SeriesMarkers.NONE);
                drawn++;
            }
            if (s.floor() > 0 && Double.isFinite(s.floor())) {
                Charts.addLevel(chart, s.name() + ": limit's Monte Carlo error", s.floor(), lo, hi, color,
                        SeriesLines.DASH_DASH, true);
                drawn++;
            }
        }
        if (drawn == 0) {
            throw new IllegalArgumentException("no positive distance to draw on a log scale");
        }
        Charts.writePng(dir, FILE, List.of(chart));
    }
}
