package io.github.infinitewidth.report;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;

/**
 * The accuracy panel of {@code loss.png} for the losses that classify (logistic, cross-entropy): the
 * mean fraction of each split's inputs classified right against the step, on a fixed 0..1 axis so
 * that runs compare at a glance, with an error bar of one standard error over replicas at the
 * recorded steps (at most {@link #MAX_BARS} of them, evenly spread, so that long runs stay readable).
 */
final class AccuracyPanel {
    /** Error bars per curve at most. */
    static final int MAX_BARS = 40;

    private AccuracyPanel() {}

    static XYChart chart(String title, List<Curve> splits) {
        XYChart chart = Charts.chart(title, "step", "accuracy, fraction of inputs classified right; bars: +-1 s.e."
                + " over replicas");
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        for (int i = 0; i < splits.size(); i++) {
            Curve curve = splits.get(i);
            Charts.addCurve(chart, lineAlone(curve), Charts.color(i), false, false);
            for (int k : barSteps(curve.x().length)) {
                if (Double.isFinite(curve.mean()[k]) && Double.isFinite(curve.stderr()[k])) {
                    Charts.addErrorBar(chart, curve.name() + " accuracy bar " + k, curve.x()[k], curve.mean()[k],
                            curve.stderr()[k], Charts.color(i), false);
                }
            }
        }
        return chart;
    }

    /** The line alone: its standard errors are drawn as bars instead of a band. */
    private static Curve lineAlone(Curve c) {
        double[] none = new double[c.x().length];
        Arrays.fill(none, Double.NaN);
        return new Curve(c.name() + " accuracy", c.x(), c.mean(), none);
    }

    /** The indices of the recorded steps that get a bar: all of them, or {@link #MAX_BARS} evenly spread. */
    static int[] barSteps(int count) {
        if (count <= MAX_BARS) {
            return IntStream.range(0, count).toArray();
        }
        return IntStream.range(0, MAX_BARS)
                .map(b -> (int) Math.round(b * (count - 1) / (double) (MAX_BARS - 1))).toArray();
    }
}
