package io.github.infinitewidth.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code trajectory.png}: the network output {@code f_t(xi)} of each input against the step, with a band
 * of one standard error over replicas, and the input's target as a row of diamonds of the same colour
 * (a line would read as one more output). Train inputs are drawn in blues and greens, test inputs in
 * oranges and reds, so the split is seen at a glance; the legend gives each input and target when the
 * inputs have at most {@link #SHORT_INPUT} coordinates. Beyond a handful of inputs the lines become
 * unreadable, so only the first {@link #MAX_PER_SPLIT} of each split are drawn.
 */
public final class TrajectoryPlot {
    public static final String FILE = "trajectory.png";
    /** Inputs drawn per split; the title says when there are more. */
    public static final int MAX_PER_SPLIT = 8;
    /** Inputs of at most this many coordinates are written out in the legend. */
    static final int SHORT_INPUT = 3;
    /** Diamonds per target line: enough to read as a level, few enough not to read as a curve. */
    private static final int TARGET_MARKS = 9;
    /** Cool colours for train inputs, as many as {@link #MAX_PER_SPLIT}. */
    static final Color[] TRAIN = {
        new Color(0, 114, 178), new Color(0, 158, 115), new Color(86, 180, 233), new Color(40, 60, 140),
        new Color(0, 120, 120), new Color(110, 170, 60), new Color(100, 100, 220), new Color(0, 190, 190),
    };
    /** Warm colours for test inputs. */
    static final Color[] TEST = {
        new Color(213, 94, 0), new Color(230, 159, 0), new Color(190, 30, 45), new Color(204, 121, 167),
        new Color(150, 75, 0), new Color(250, 120, 90), new Color(170, 40, 120), new Color(200, 160, 40),
    };

    private TrajectoryPlot() {}

    /** One input's output curve, its coordinates, its target, and whether it is a test input. */
    public record Input(Curve output, double[] input, double target, boolean test) { }

    /** Draws the inputs' curves into {@code dir/trajectory.png}. */
    public static void write(Path dir, String title, List<Input> inputs) throws IOException {
        Charts.writePng(dir, FILE, List.of(chart(title, inputs)));
    }

    static XYChart chart(String title, List<Input> inputs) {
        XYChart chart = Charts.chart(title, "step", "output f_t(x) (diamonds: target); band: +-1 s.e. over replicas");
        int train = 0;
        int test = 0;
        for (Input input : inputs) {
            Color color = input.test() ? TEST[test++ % TEST.length] : TRAIN[train++ % TRAIN.length];
            Curve output = input.output();
            Charts.addCurve(chart, new Curve(legend(input), output.x(), output.mean(), output.stderr()), color, false,
                    false);
            double[] x = output.x();
            if (x.length > 0) {
                addTarget(chart, output.name() + " target", input.target(), x[0], x[x.length - 1], color);
            }
        }
        return chart;
    }

    /** {@code train 0: x = (1, 0.4), y = 0.8}, or the curve's name alone when the input is long. */
    static String legend(Input input) {
        if (input.input().length > SHORT_INPUT) {
            return input.output().name();
        }
        StringJoiner x = new StringJoiner(", ", "(", ")");
        for (double v : input.input()) {
            x.add(Charts.number(v));
        }
        return input.output().name() + ": x = " + (input.input().length == 1 ? Charts.number(input.input()[0]) : x)
                + ", y = " + Charts.number(input.target());
    }

    /** The target as evenly spaced diamonds across {@code [from, to]}, left out of the legend. */
    private static void addTarget(XYChart chart, String name, double target, double from, double to, Color color) {
        int marks = to > from ? TARGET_MARKS : 1;
        double[] x = new double[marks];
        double[] y = new double[marks];
        for (int k = 0; k < marks; k++) {
            x[k] = marks == 1 ? from : from + (to - from) * k / (marks - 1);
            y[k] = target;
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        series.setLineStyle(SeriesLines.NONE);
        series.setMarker(SeriesMarkers.DIAMOND);
        series.setMarkerColor(color);
        series.setShowInLegend(false);
    }
}
