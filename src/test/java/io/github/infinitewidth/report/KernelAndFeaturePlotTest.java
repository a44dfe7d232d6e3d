package io.github.infinitewidth.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kernels.png} and the note of a flat {@code features.png}. */
class KernelAndFeaturePlotTest {
    @TempDir
    Path dir;

    @Test
    void kernelsPngHoldsTheNngpAndTheNtkSideBySide() throws IOException {
        double[][] nngp = {{0.145, 0.064}, {0.064, 0.146}};
        double[][] ntk = {{0.58, -0.067}, {-0.067, 0.585}};
        KernelPlot.write(dir, "nt-limit", List.of("train 0", "test 0"),
                List.of(new KernelPlot.Kernel("NNGP", nngp), new KernelPlot.Kernel("NTK", ntk)));

        Pngs.assertPlot(dir.resolve(KernelPlot.FILE), 2);
        assertEquals(List.of("NNGP: nt-limit", "NTK: nt-limit"), KernelPlot.charts("nt-limit", List.of("a", "b"),
                List.of(new KernelPlot.Kernel("NNGP", nngp), new KernelPlot.Kernel("NTK", ntk))).stream()
                .map(c -> c.getTitle()).toList());
    }

    @Test
    void aFrozenFeaturePlotSaysItIsFlatByDesign() {
        Curve flat = new Curve("layer 1", new double[] {0, 1, 2}, new double[] {0, 0, 0}, new double[] {0, 0, 0});
        assertTrue(FeaturePlot.chart("nt-limit", List.of(flat), true).getTitle().endsWith(FeaturePlot.FLAT_BY_DESIGN));
        assertFalse(FeaturePlot.chart("mu-limit", List.of(flat), false).getTitle().contains("flat"));
    }
}
