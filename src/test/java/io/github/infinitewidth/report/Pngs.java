package io.github.infinitewidth.report;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Checks on written plots: a PNG that an image reader decodes, with the size of the charts it holds. */
public final class Pngs {
    private Pngs() {}

    /** Asserts that {@code file} is a PNG image of {@code panels} charts side by side; returns it. */
    public static BufferedImage assertPlot(Path file, int panels) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " exists");
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > 8 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', file + " is a PNG");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " decodes");
        assertTrue(image.getWidth() == panels * Charts.WIDTH && image.getHeight() == Charts.HEIGHT,
                file + " is " + image.getWidth() + " x " + image.getHeight() + ", expected " + panels + " panel(s) of "
                        + Charts.WIDTH + " x " + Charts.HEIGHT);
        return image;
    }
}
