package io.github.infinitewidth.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.report.Pngs;
import io.github.infinitewidth.report.TrajectoryPlot;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plots of runs whose loss classifies or whose network has several outputs, from hand-made trajectories. */
class RunPlotsTest {
    @TempDir
    Path dir;

    private Job job(String loss, int outputs, String targets) throws IOException {
        return JobFile.read(Files.writeString(dir.resolve("job.yaml"), """
                engine: finite
                parametrization: mup
                loss: %s
                network: {width: 4, outputs: %d}
                optimizer: {learningRate: 0.1}
                data:
                  train: {inputs: [[1], [2], [3], [4], [5], [6]], targets: %s}
                  test: {inputs: [[7]], targets: [%s]}
                training: {steps: 2}
                """.formatted(loss, outputs, targets, targets.startsWith("[[") ? "[0, 1, 2]" : "1")));
    }

    /** Two recorded steps, one replica, {@code m k} outputs: 0 at step 0, then +1 for component 1 and -1 else. */
    private static Trajectory trajectory(int m, int k) {
        double[][] outputs = new double[2][m * k];
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < m * k; i++) {
                outputs[s][i] = s * (i % k == 1 ? 1 : -1);
            }
        }
        return new Trajectory(new int[] {0, 2}, new double[][][] {outputs}, m - 1, k, Trajectory.Status.COMPLETED,
                -1, Map.of(), List.of());
    }

    @Test
    void aRegressionDrawsTheLossAloneAndOneChartOfOutputs() throws IOException {
        Job job = job("mse", 1, "[1, 2, 3, 4, 5, 6]");
        List<String> problems = new ArrayList<>();
        assertEquals(List.of("loss.png", "trajectory.png"), RunPlots.write(dir, job, trajectory(7, 1), problems));
        assertEquals(List.of(), problems);
        Pngs.assertPlot(dir.resolve("loss.png"), 1);
        Pngs.assertPlot(dir.resolve("trajectory.png"), 1);
    }

    @Test
    void aClassificationAddsTheAccuracyPanelAndDrawsAPanelPerInputAndSplit() throws IOException {
        Job job = job("cross-entropy", 3, "[0, 1, 2, 0, 1, 2]");
        List<String> problems = new ArrayList<>();
        assertEquals(List.of("loss.png", "trajectory.png"), RunPlots.write(dir, job, trajectory(7, 3), problems));
        assertEquals(List.of(), problems);
        Pngs.assertPlot(dir.resolve("loss.png"), 2);
        // the first four of the six train inputs in one row, the one test input in the next
        BufferedImage trajectory = ImageIO.read(dir.resolve("trajectory.png").toFile());
        assertEquals(4 * TrajectoryPlot.PANEL_WIDTH, trajectory.getWidth());
        assertEquals(2 * TrajectoryPlot.PANEL_HEIGHT, trajectory.getHeight());
    }

    @Test
    void aLogisticRunHasItsAccuracyPanelToo() throws IOException {
        Job job = job("logistic", 1, "[1, -1, 1, -1, 1, -1]");
        List<String> problems = new ArrayList<>();
        RunPlots.write(dir, job, trajectory(7, 1), problems);
        assertEquals(List.of(), problems);
        Pngs.assertPlot(dir.resolve("loss.png"), 2);
        Pngs.assertPlot(dir.resolve("trajectory.png"), 1);
    }

    @Test
    void vectorTargetsGetTheirPanelsWithoutAnAccuracy() throws IOException {
        Job job = job("mse", 3, "[[0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 2]]");
        List<String> problems = new ArrayList<>();
        RunPlots.write(dir, job, trajectory(7, 3), problems);
        assertEquals(List.of(), problems);
        Pngs.assertPlot(dir.resolve("loss.png"), 1);
        assertTrue(ImageIO.read(dir.resolve("trajectory.png").toFile()).getHeight() == 2 * TrajectoryPlot.PANEL_HEIGHT);
    }
}
