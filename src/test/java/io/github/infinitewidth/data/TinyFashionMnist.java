package io.github.infinitewidth.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a small Fashion-MNIST look-alike for tests that must not need Debian's package: 2 x 2 images
 * whose pixel k of image i is {@code (10 i + k) mod 256}, labels {@code i mod 10}; 40 training and 20
 * test images, so each class has 4 training and 2 test images.
 */
public final class TinyFashionMnist {
    public static final int TRAIN = 40;
    public static final int TEST = 20;
    public static final int PIXELS = 4;

    private TinyFashionMnist() {}

    /** The four files in {@code dir}, gzip-compressed like the package's, or plain. */
    public static Path write(Path dir, boolean gzip) throws IOException {
        Files.createDirectories(dir);
        String suffix = gzip ? ".gz" : "";
        writeIdx(dir.resolve("train-images-idx3-ubyte" + suffix), gzip, images(TRAIN), TRAIN, 2, 2);
        writeIdx(dir.resolve("train-labels-idx1-ubyte" + suffix), gzip, labels(TRAIN), TRAIN);
        writeIdx(dir.resolve("t10k-images-idx3-ubyte" + suffix), gzip, images(TEST), TEST, 2, 2);
        writeIdx(dir.resolve("t10k-labels-idx1-ubyte" + suffix), gzip, labels(TEST), TEST);
        return dir;
    }

    /** Pixel k of image i. */
    public static int pixel(int i, int k) {
        return (10 * i + k) % 256;
    }

    static byte[] images(int count) {
        byte[] values = new byte[count * PIXELS];
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < PIXELS; k++) {
                values[i * PIXELS + k] = (byte) pixel(i, k);
            }
        }
        return values;
    }

    static byte[] labels(int count) {
        byte[] values = new byte[count];
        for (int i = 0; i < count; i++) {
            values[i] = (byte) (i % 10);
        }
        return values;
    }

    /** An IDX file of unsigned bytes with the given sizes. */
    public static void writeIdx(Path file, boolean gzip, byte[] values, int... dimensions) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x0800 | dimensions.length);
            for (int size : dimensions) {
                out.writeInt(size);
            }
            out.write(values);
        }
        try (OutputStream file0 = Files.newOutputStream(file);
             OutputStream out = gzip ? new GZIPOutputStream(file0) : file0) {
            out.write(bytes.toByteArray());
        }
    }
}
