package io.github.infinitewidth.report;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * {@code trajectory.png}: the network output {@code f_t(xi)} of each input against the step, with a band
 * of one standard error over replicas, and the input's target as a dotted line of the same colour.
 * Train inputs are solid lines, test inputs dashed. Beyond a handful of inputs the lines become
 * unreadable, so only the first {@link #MAX_PER_SPLIT} of each split are drawn.
 */
public final class TrajectoryPlot {
    public static final String FILE = "trajectory.png";
    /** Inputs drawn per split; the title says when there are more. */
    public static final int MAX_PER_SPLIT = 8;
    private static final BasicStroke DOTTED = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
            10f, new float[] {2f, 4f}, 0f);

    private TrajectoryPlot() {}

    /** One input's output curve, its target, and whether it is a test input. */
    public record Input(Curve output, double target, boolean test) { }

    /** Draws the inputs' curves into {@code dir/trajectory.png}. */
    public static void write(Path dir, String title, List<Input> inputs) throws IOException {
        XYChart chart = Charts.chart(title, "step", "output f_t(x) (dotted: target); band: +-1 s.e. over replicas");
        for (int i = 0; i < inputs.size(); i++) {
            Input input = inputs.get(i);
            double[] x = input.output().x();
            Charts.addCurve(chart, input.output(), Charts.color(i), input.test(), false);
            if (x.length > 0) {
                Charts.addLevel(chart, input.output().name() + " target", input.target(), x[0], x[x.length - 1],
                        Charts.color(i), DOTTED, false);
            }
        }
        Charts.writePng(dir, FILE, List.of(chart));
    }
}
