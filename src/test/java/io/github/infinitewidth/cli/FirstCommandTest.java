package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.infinitewidth.job.JobFile;
import io.github.infinitewidth.train.Dataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first set-up command compares both limits with finite networks on the quickstart job and says
 * where {@code comparison.png} is; run here as written in the README, shortened by the job overrides so the
 * test stays quick; and the quickstart's task is one the network can fit.
 */
class FirstCommandTest {
    @TempDir
    Path dir;

    /** The arguments of the README's first command (the first code block after "## Set-up"), launcher dropped. */
    static List<String> readmeFirstCommand() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String setUp = readme.substring(readme.indexOf("\n## Set-up"));
        int open = setUp.indexOf("\n```\n") + 5;
        String command = setUp.substring(open, setUp.indexOf("\n```", open)).strip();
        List<String> words = Arrays.asList(command.split("\\s+"));
        assertEquals("bin/infinitewidth", words.get(0), command);
        return words.subList(1, words.size());
    }

    @Test
    void theReadmesFirstCommandComparesBothLimitsWithFiniteWidths() throws IOException {
        List<String> args = new ArrayList<>(readmeFirstCommand());
        assertEquals(List.of("compare", "examples/quickstart.yaml"), args.subList(0, 2), args.toString());
        Path out = dir.resolve("compare");
        args.addAll(List.of("--steps", "3", "--particles", "256", "--replicas", "2", "--out", out.toString()));

        Cli cli = Cli.run(args.toArray(String[]::new));

        assertEquals(Main.OK, cli.status(), cli.err());
        assertTrue(cli.out().strip().endsWith("the comparison: " + out.resolve("comparison.png")), cli.out());
        BufferedImage picture = ImageIO.read(out.resolve("comparison.png").toFile());
        assertEquals(2 * 440, picture.getHeight(), "one row of panels per limit");
        Set<String> sources = new TreeSet<>();
        List<String> rows = Files.readAllLines(out.resolve("comparison.csv"));
        for (String row : rows.subList(1, rows.size())) {
            sources.add(row.substring(0, row.indexOf(',')));
        }
        assertEquals(Set.of("nt-limit", "mu-limit", "finite-ntp", "finite-mup"), sources);
    }

    /** The README opens with a picture of that command's comparison, committed beside the docs. */
    @Test
    void theReadmeOpensWithTheComparisonPicture() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int picture = readme.indexOf("](docs/images/comparison.png)");

        assertTrue(picture > 0 && picture < readme.indexOf("\n## "), "the picture before the first section");
        BufferedImage image = ImageIO.read(Path.of("docs/images/comparison.png").toFile());
        assertEquals(2 * 440, image.getHeight(), "one row of panels per limit");
    }

    /**
     * Without biases and with tanh (odd), a network of the input x alone computes an odd function of x, so on
     * the quickstart's inputs {@code x, -x} its loss could not go below the best odd fit's. The constant second
     * coordinate lifts that bound: trained longer than the job's 30 steps, the loss falls far below it.
     */
    @Test
    void theQuickstartTaskIsOneTheNetworkFits() throws IOException {
        Dataset train = JobFile.read(Path.of("examples/quickstart.yaml")).experiment().data().train();
        double oddFloor = bestOddFitLoss(train);
        assertTrue(oddFloor > 1e-3, "the targets are not an odd function of x: " + oddFloor);
        Path out = dir.resolve("run");

        Cli cli = Cli.run("run", "examples/quickstart.yaml", "--steps", "200", "--replicas", "1", "--out",
                out.toString(), "--quiet");

        assertEquals(Main.OK, cli.status(), cli.err());
        double trainLoss = new ObjectMapper().readTree(out.resolve("summary.json").toFile())
                .at("/finalLoss/train/mean").asDouble(Double.NaN);
        assertTrue(trainLoss < oddFloor / 10, "final train loss " + trainLoss + ", best odd fit " + oddFloor);
    }

    /**
     * The mse loss {@code sum (f - y)^2 / (2n)} of the best odd function of the first coordinate x: 0 at
     * {@code x = 0}, and {@code c, -c} at a pair {@code x, -x} with targets {@code a, b}, which leaves
     * {@code (a + b)^2 / 2}. Every x must be 0 or have its negative among the inputs.
     */
    private static double bestOddFitLoss(Dataset data) {
        Map<Double, Double> targetAt = new HashMap<>();
        for (int i = 0; i < data.size(); i++) {
            targetAt.put(data.inputs()[i][0], data.targets()[i]);
        }
        double sum = 0;
        for (Map.Entry<Double, Double> point : targetAt.entrySet()) {
            double x = point.getKey();
            double y = point.getValue();
            if (x == 0) {
                sum += y * y;
                continue;
            }
            Double mirrored = targetAt.get(-x);
            assertTrue(mirrored != null, "no input at " + (-x));
            if (x > 0) {
                sum += (y + mirrored) * (y + mirrored) / 2;
            }
        }
        return sum / (2 * data.size());
    }
}
