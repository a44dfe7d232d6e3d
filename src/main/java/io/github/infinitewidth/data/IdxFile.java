package io.github.infinitewidth.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An IDX file of unsigned bytes, the format the MNIST and Fashion-MNIST files come in: a magic
 * number {@code 0x0000 08 n} (type 0x08 = unsigned byte, n dimensions), n big-endian int sizes, then
 * the values in row-major order. Files compressed with gzip (as Debian's dataset-fashion-mnist
 * installs them) and plain files are both read; which one is told by the first two bytes.
 *
 * @param dimensions the sizes, outermost first ({@code [60000, 28, 28]} for 60000 images)
 * @param values     the bytes, to be read as unsigned ({@code values[i] & 0xFF})
 */
public record IdxFile(int[] dimensions, byte[] values) {
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;
    private static final int UNSIGNED_BYTE = 0x08;

    public IdxFile {
        dimensions = dimensions.clone();
    }

    @Override
    public int[] dimensions() {
        return dimensions.clone();
    }

    /** Number of items: the outermost size. */
    public int count() {
        return dimensions[0];
    }

    /** Values per item: the product of the inner sizes (784 for 28 x 28 images, 1 for labels). */
    public int itemSize() {
        int size = 1;
        for (int k = 1; k < dimensions.length; k++) {
            size *= dimensions[k];
        }
        return size;
    }

    /** Value k of item i, unsigned: 0..255. */
    public int value(int i, int k) {
        return values[i * itemSize() + k] & 0xFF;
    }

    /**
     * Reads an IDX file of unsigned bytes.
     *
     * @throws IOException when it cannot be read, is not IDX of unsigned bytes, or is shorter than its
     *                     sizes say; the message says which
     */
    public static IdxFile read(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
             DataInputStream in = new DataInputStream(decompressed(raw))) {
            int magic = in.readInt();
            int type = (magic >>> 8) & 0xFF;
            int rank = magic & 0xFF;
            if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || rank < 1) {
                throw new IOException("not IDX of unsigned bytes (magic number 0x" + Integer.toHexString(magic) + ")");
            }
            int[] dimensions = new int[rank];
            long total = 1;
            for (int k = 0; k < rank; k++) {
                dimensions[k] = in.readInt();
                total *= dimensions[k];
                if (dimensions[k] < 0 || total > Integer.MAX_VALUE - 8) {
                    throw new IOException("impossible sizes " + Arrays.toString(Arrays.copyOf(dimensions, k + 1)));
                }
            }
            byte[] values = new byte[(int) total];
            in.readFully(values);
            return new IdxFile(dimensions, values);
        } catch (EOFException e) {
            throw new IOException("truncated: it ends before the values its header announces", e);
        }
    }

    /** The stream itself, or its gzip decompression when it starts with gzip's magic bytes. */
    private static InputStream decompressed(InputStream raw) throws IOException {
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        return b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1 ? new GZIPInputStream(raw, 1 << 16) : raw;
    }
}
