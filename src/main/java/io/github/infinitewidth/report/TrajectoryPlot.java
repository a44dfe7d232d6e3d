package io.github.infinitewidth.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 *
 * <p>With k > 1 outputs per input ({@code network.outputs}) each input gets a panel of its own, its k
 * outputs coloured by component and named in the legend ({@code output c}); one row of panels per
 * split, at most {@link #MAX_PANELS_PER_SPLIT} in a row (k lines for each of eight inputs in one chart
 * would be unreadable).
 */
public final class TrajectoryPlot {
    public static final String FILE = "trajectory.png";
    /** Inputs drawn per split; the title says when there are more. */
    public static final int MAX_PER_SPLIT = 8;
    /** Inputs drawn per split, a panel each, when each has several outputs; the title says when there are more. */
    public static final int MAX_PANELS_PER_SPLIT = 4;
    public static final int PANEL_WIDTH = 700;
    public static final int PANEL_HEIGHT = 420;
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

    /**
     * One input with k > 1 outputs: a curve per component (in component order), its coordinates and its
     * target, either k numbers ({@code mse}) or a class label ({@code cross-entropy}).
     *
     * @param name    {@code train 0}, say
     * @param targets the k targets, or null when the input has a class label instead
     * @param label   the class label, or -1 when the input has k targets
     */
    public record Outputs(String name, List<Curve> components, double[] input, double[] targets, int label,
                          boolean test) { }

    /**
     * Draws one panel per input into {@code dir/trajectory.png}, the inputs of each split in a row of
     * their own, in the order of {@code splits}.
     */
    public static void writeComponents(Path dir, String title, List<List<Outputs>> splits) throws IOException {
        int cols = splits.stream().mapToInt(List::size).max().orElse(0);
        if (cols == 0) {
            throw new IllegalArgumentException("nothing to draw");
        }
        List<XYChart> charts = new ArrayList<>();
        for (List<Outputs> split : splits) {
            for (int c = 0; c < cols; c++) {
                charts.add(c < split.size() ? panel(title, split.get(c))
                        : Charts.blank(PANEL_WIDTH, PANEL_HEIGHT));
            }
        }
        Charts.writePng(dir, FILE, charts, splits.size(), cols);
    }

    /**
     * One input's panel, titled by the input, the run's title beside the step axis: output c in colour c (dashed once
     * the colours start over), named {@code output c} in the legend, {@code (label)} added to the labelled class; its
     * target as diamonds of the same colour when the input has k targets.
     */
    static XYChart panel(String title, Outputs input) {
        // the run's title under the axis: above it, beside the input's, it would be drawn too small to read
        XYChart chart = Charts.chart(panelTitle(input), "step - " + title,
                "outputs f_t(x)_c" + (input.targets() == null ? "" : " (diamonds: targets)")
                        + "; band: +-1 s.e. over replicas", PANEL_WIDTH, PANEL_HEIGHT);
        for (int c = 0; c < input.components().size(); c++) {
            Curve output = input.components().get(c);
            Color color = Charts.color(c);
            String name = "output " + c + (c == input.label() ? " (label)" : "");
            Charts.addCurve(chart, new Curve(name, output.x(), output.mean(), output.stderr()), color,
                    c >= Charts.COLOURS, false);
            double[] x = output.x();
            if (input.targets() != null && x.length > 0) {
                addTarget(chart, name + " target", input.targets()[c], x[0], x[x.length - 1], color);
            }
        }
        return chart;
    }

    /** {@code train 0: x = (1, 0.4), label 2}, {@code ... y = (0.5, -1)}, or the name alone for a long input. */
    static String panelTitle(Outputs input) {
        String target = input.targets() == null ? "label " + input.label() : "y = " + tuple(input.targets());
        if (input.input().length > SHORT_INPUT) {
            return input.name() + ", " + target;
        }
        return input.name() + ": x = " + (input.input().length == 1 ? Charts.number(input.input()[0])
                : tuple(input.input())) + ", " + target;
    }

    private static String tuple(double[] values) {
        StringJoiner joined = new StringJoiner(", ", "(", ")");
        for (double v : values) {
            joined.add(Charts.number(v));
        }
        return joined.toString();
    }

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
        return input.output().name() + ": x = " + (input.input().length == 1 ? Charts.number(input.input()[0])
                : tuple(input.input()))
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
