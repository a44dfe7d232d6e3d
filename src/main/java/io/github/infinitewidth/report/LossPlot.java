package io.github.infinitewidth.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * {@code loss.png}: the mean loss of each split (train, test) against the step, with a band of one
 * standard error over replicas; on a log axis when the losses span two decades or more. Losses that
 * classify add a second panel beside it, the accuracy of each split ({@link AccuracyPanel}).
 */
public final class LossPlot {
    public static final String FILE = "loss.png";
    private static final double LOG_SPAN = 100;

    private LossPlot() {}

    /** Draws the curves, one per split, into {@code dir/loss.png}. */
    public static void write(Path dir, String title, List<Curve> splits) throws IOException {
        write(dir, title, splits, List.of());
    }

    /**
     * Draws the loss curves, one per split, and when {@code accuracies} is not empty the accuracy
     * curves (one per split, mean and standard error over replicas) in a panel beside them.
     */
    public static void write(Path dir, String title, List<Curve> splits, List<Curve> accuracies) throws IOException {
        XYChart loss = chart(title, splits);
        Charts.writePng(dir, FILE, accuracies.isEmpty() ? List.of(loss)
                : List.of(loss, AccuracyPanel.chart(title, accuracies)));
    }

    static XYChart chart(String title, List<Curve> splits) {
        boolean log = Charts.logFits(Charts.means(splits), LOG_SPAN);
        XYChart chart = Charts.chart(title, "step", "loss" + (log ? " (log scale)" : "")
                + ", mean over inputs; band: +-1 s.e. over replicas");
        if (log) {
            Charts.logY(chart, Charts.means(splits));
        }
        for (int i = 0; i < splits.size(); i++) {
            Charts.addCurve(chart, splits.get(i), Charts.color(i), false, log);
        }
        return chart;
    }
}
