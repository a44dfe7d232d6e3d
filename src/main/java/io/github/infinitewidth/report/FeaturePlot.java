package io.github.infinitewidth.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * {@code features.png}: how far each hidden layer's feature kernel has moved from its start,
 * {@code |K_t - K_0|_F / |K_0|_F}, against the step, with a band of one standard error over replicas.
 * The picture that tells the limits apart: it grows in the muP limit (features are learned) and
 * stays at zero in the NT limit.
 */
public final class FeaturePlot {
    public static final String FILE = "features.png";

    private FeaturePlot() {}

    /** Draws one curve per hidden layer into {@code dir/features.png}. */
    public static void write(Path dir, String title, List<Curve> layers) throws IOException {
        XYChart chart = Charts.chart(title, "step",
                "feature kernel change |K_t - K_0|_F / |K_0|_F; band: +-1 s.e. over replicas");
        for (int i = 0; i < layers.size(); i++) {
            Charts.addCurve(chart, layers.get(i), Charts.color(i), false, false);
        }
        Charts.writePng(dir, FILE, List.of(chart));
    }
}
