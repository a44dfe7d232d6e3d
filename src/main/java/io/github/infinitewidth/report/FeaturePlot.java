package io.github.infinitewidth.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * {@code features.png}: how far each hidden layer's feature kernel has moved from its start,
 * {@code |K_t - K_0|_F / |K_0|_F}, against the step, with a band of one standard error over replicas.
 * The picture that tells the limits apart: it grows in the muP limit (features are learned) and
 * stays at zero in the NT limit, where a flat plot is the result, not a failure: the title says so.
 */
public final class FeaturePlot {
    public static final String FILE = "features.png";
    /** Added to the title of a limit whose features are frozen. */
    static final String FLAT_BY_DESIGN = " - flat by design: the NT limit learns no features";

    private FeaturePlot() {}

    /** Draws the curves into {@code dir/features.png}, with no claim about their flatness. */
    public static void write(Path dir, String title, List<Curve> layers) throws IOException {
        write(dir, title, layers, false);
    }

    /**
     * Draws one curve per hidden layer into {@code dir/features.png}.
     *
     * @param frozen whether the features cannot move (the NT limit), which the title then says
     */
    public static void write(Path dir, String title, List<Curve> layers, boolean frozen) throws IOException {
        Charts.writePng(dir, FILE, List.of(chart(title, layers, frozen)));
    }

    static XYChart chart(String title, List<Curve> layers, boolean frozen) {
        XYChart chart = Charts.chart(title + (frozen ? FLAT_BY_DESIGN : ""), "step",
                "feature kernel change |K_t - K_0|_F / |K_0|_F; band: +-1 s.e. over replicas");
        for (int i = 0; i < layers.size(); i++) {
            Charts.addCurve(chart, layers.get(i), Charts.color(i), false, false);
        }
        return chart;
    }
}
