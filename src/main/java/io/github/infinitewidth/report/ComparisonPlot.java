package io.github.infinitewidth.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * {@code comparison.png}: finite networks of several widths next to their infinite-width limit, the
 * layout of Figures 5.1 and 5.2 of Tensor Programs IVb. One row of panels per limit, one panel per input
 * (at most {@link #MAX_INPUTS}): the output {@code f_t(xi)} against the step, one colour per width (solid
 * lines, the mean over the finite networks' seeds) and the limit as a dashed black line with a band of
 * one standard error over its replicas.
 */
public final class ComparisonPlot {
    public static final String FILE = "comparison.png";
    /** Inputs drawn per limit. */
    public static final int MAX_INPUTS = 6;
    /** Size of one panel. */
    public static final int PANEL_WIDTH = 640;
    public static final int PANEL_HEIGHT = 440;
    /** The limit's colour: black, the palette's seventh entry, which widths do not reach before it. */
    private static final int LIMIT_COLOUR = 6;

    private ComparisonPlot() {}

    /**
     * One panel: one input's curves.
     *
     * @param title  what the panel shows (limit and input)
     * @param finite one curve per width, in the order of the widths (the colours follow it)
     * @param limit  the limit's curve, or null when the limit has no result
     */
    public record Panel(String title, List<Curve> finite, Curve limit) { }

    /** Draws the panels, one row per list, into {@code dir/comparison.png}. */
    public static void write(Path dir, List<List<Panel>> rows) throws IOException {
        int cols = rows.stream().mapToInt(List::size).max().orElse(0);
        if (cols == 0) {
            throw new IllegalArgumentException("nothing to draw");
        }
        List<XYChart> charts = new ArrayList<>();
        for (List<Panel> row : rows) {
            for (int c = 0; c < cols; c++) {
                charts.add(c < row.size() ? chart(row.get(c))
                        : Charts.chart("", "step", "", PANEL_WIDTH, PANEL_HEIGHT));
            }
        }
        Charts.writePng(dir, FILE, charts, rows.size(), cols);
    }

    private static XYChart chart(Panel panel) {
        XYChart chart = Charts.chart(panel.title(), "step", "output f_t(x); dashed: limit +-1 s.e.", PANEL_WIDTH,
                PANEL_HEIGHT);
        for (int i = 0; i < panel.finite().size(); i++) {
            Curve c = panel.finite().get(i);
            double[] none = new double[c.x().length];
            Arrays.fill(none, Double.NaN);
            Charts.addCurve(chart, new Curve(c.name(), c.x(), c.mean(), none), Charts.color(i % LIMIT_COLOUR), false,
                    false);
        }
        if (panel.limit() != null) {
            Charts.addCurve(chart, panel.limit(), Charts.color(LIMIT_COLOUR), true, false);
        }
        return chart;
    }
}
