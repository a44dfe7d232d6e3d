package io.github.infinitewidth.report;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.HeatMapSeries;

/**
 * {@code kernels.png} (nt-limit): the NNGP and the NTK of the inputs as two heat maps side by side, the
 * numbers of {@code kernels.csv} (mean over replicas). Rows and columns are the inputs, train then test;
 * beyond {@link #MAX_PER_SPLIT} inputs of a split only the first are drawn (the caller says so in the
 * title). Kernels with negative entries are coloured blue to red around a white zero, others white to
 * blue from zero, so that the colour of a cell is read the same way in both maps.
 */
public final class KernelPlot {
    public static final String FILE = "kernels.png";
    /** Inputs drawn per split. */
    public static final int MAX_PER_SPLIT = 24;
    /** Beyond this many inputs the cells are too small for their values to be written in them. */
    private static final int MAX_WRITTEN = 8;
    private static final Color[] SEQUENTIAL = {Color.WHITE, new Color(120, 190, 235), new Color(40, 110, 190)};
    private static final Color[] DIVERGING = {new Color(40, 110, 190), Color.WHITE, new Color(215, 80, 60)};

    private KernelPlot() {}

    /**
     * One kernel: its name and its values over the drawn inputs, {@code values[i][j]}.
     */
    public record Kernel(String name, double[][] values) { }

    /** Draws the kernels, side by side, into {@code dir/kernels.png}; {@code labels} name the inputs. */
    public static void write(Path dir, String title, List<String> labels, List<Kernel> kernels) throws IOException {
        Charts.writePng(dir, FILE, charts(title, labels, kernels));
    }

    static List<HeatMapChart> charts(String title, List<String> labels, List<Kernel> kernels) {
        List<HeatMapChart> charts = new ArrayList<>();
        for (Kernel kernel : kernels) {
            charts.add(chart(kernel.name() + ": " + title, labels, kernel.values()));
        }
        return charts;
    }

    private static HeatMapChart chart(String title, List<String> labels, double[][] values) {
        Font titleFont = Charts.titleFont(title, Charts.WIDTH);
        HeatMapChart chart = new HeatMapChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT)
                .title(Charts.fitted(title, titleFont, Charts.WIDTH)).xAxisTitle("input j").yAxisTitle("input i").build();
        double largest = 0;
        boolean negative = false;
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < values.length; j++) {
                // row 0 at the top, as a matrix is written (the library counts rows from the bottom)
                cells.add(new Number[] {j, values.length - 1 - i, values[i][j]});
                largest = Math.max(largest, Math.abs(values[i][j]));
                negative |= values[i][j] < 0;
            }
        }
        chart.getStyler()
                .setRangeColors(negative ? DIVERGING : SEQUENTIAL)
                .setShowValue(labels.size() <= MAX_WRITTEN)
                .setHeatMapValueDecimalPattern("0.###")
                .setChartBackgroundColor(Color.WHITE)
                .setPlotBackgroundColor(Color.WHITE)
                .setLegendBorderColor(Color.WHITE)
                .setChartTitleBoxVisible(false)
                .setChartTitleFont(titleFont)
                .setAntiAlias(true);
        chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13))
                .setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11))
                .setXAxisLabelRotation(labels.size() > MAX_WRITTEN ? 90 : 0);
        List<String> rows = new ArrayList<>(labels);
        Collections.reverse(rows);
        HeatMapSeries series = chart.addSeries("value", labels, rows, cells);
        // a common zero: white is 0 in both colourings (the library would stretch min..max instead); the
        // ends rounded up to 3 digits, since the colour scale prints them in full
        double end = largest > 0 ? new BigDecimal(largest).round(new MathContext(3, RoundingMode.CEILING)).doubleValue() : 1;
        series.setMin(negative ? -end : 0).setMax(end);
        return chart;
    }
}
