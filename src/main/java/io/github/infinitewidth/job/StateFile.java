package io.github.infinitewidth.job;

import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A file of named arrays written through {@link StateWriter}: the arrays back to back, little-endian,
 * no padding ({@code float64} and {@code float32} IEEE 754, {@code int32}, {@code int64}), described by
 * a JSON list kept elsewhere (a header) with each array's {@code name}, {@code type}, {@code count},
 * byte {@code offset}, and {@code rows}, {@code cols} for matrices (column-major). Checkpoints and the
 * per-replica data of partial runs share it, so both are read by one tested reader and any language
 * can read them (a header and raw arrays).
 */
final class StateFile {
    /** Values per block when matrices are streamed to and from the file. */
    private static final int BLOCK = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private StateFile() {}

    /**
     * What {@link #write} wrote: the list of arrays for the header, the file's size and its SHA-256.
     */
    record Written(ArrayNode arrays, long bytes, String sha256) { }

    /** A data file that does not match its header; the message says why, naming the file. */
    static final class Mismatch extends Exception {
        private static final long serialVersionUID = 1L;

        Mismatch(String why) {
            super(why);
        }
    }

    /**
     * Writes {@code file} aside ({@code .tmp}), forces it to disk and renames it, so that the file is
     * either complete or absent.
     */
    static Written write(Path file, Consumer<StateWriter> content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ArrayNode arrays = JSON.createArrayNode();
        MessageDigest digest = sha256();
        long bytes;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 OutputStream out = new DigestOutputStream(new BufferedOutputStream(
                         java.nio.channels.Channels.newOutputStream(channel), 1 << 16), digest)) {
                FileStateWriter writer = new FileStateWriter(out, arrays);
                content.accept(writer);
                out.flush();
                channel.force(true);
                bytes = writer.offset;
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);   // only still there when the save failed (a full disk, say)
        }
        return new Written(arrays, bytes, HexFormat.of().formatHex(digest.digest()));
    }

    /**
     * Opens {@code file} after checking it against what its header says: its size and SHA-256, and
     * every listed array: a known type, a count and offset that are whole numbers, the arrays back to
     * back in the order listed from byte 0 to the end of the file (so none overlaps another or lies
     * outside), a unique name, matrices' rows times cols equal to the count, and each array's CRC-32C
     * ({@code crc32c}, 8 hex digits, over its name in UTF-8 and then its bytes) when {@code checksums}
     * is true. One pass over the file.
     *
     * @throws Mismatch when the file is missing, unreadable or does not match
     */
    static StateReader open(Path file, JsonNode arrays, JsonNode bytesNode, JsonNode sha256Node, boolean checksums)
            throws Mismatch {
        String name = file.getFileName().toString();
        long bytes = wholeNumber(bytesNode, "the data file's bytes");
        String sha256 = sha256Node.isTextual() && sha256Node.textValue().matches("[0-9a-f]{64}")
                ? sha256Node.textValue() : null;
        if (sha256 == null) {
            throw new Mismatch("its data file's sha256 is not 64 hex digits");
        }
        if (!arrays.isArray()) {
            throw new Mismatch("its list of arrays is missing");
        }
        java.util.List<Entry> order = new java.util.ArrayList<>();
        Map<String, Entry> entries = new HashMap<>();
        long end = 0;
        for (JsonNode a : arrays) {
            Entry entry = entry(a, checksums);
            if (entries.put(entry.name(), entry) != null) {
                throw new Mismatch("array " + entry.name() + " is listed twice");
            }
            if (entry.offset() != end) {
                throw new Mismatch("array " + entry.name() + " starts at byte " + entry.offset() + ", not at byte " + end
                        + " where the array before it ends");
            }
            if (entry.count() > (bytes - end) / entry.width()) {
                throw new Mismatch("array " + entry.name() + " of " + entry.count() + " values does not fit the "
                        + bytes + " bytes of " + name);
            }
            end += entry.count() * entry.width();
            order.add(entry);
        }
        if (end != bytes) {
            throw new Mismatch("its arrays end at byte " + end + " but " + name + " has " + bytes + " bytes");
        }
        verify(file, name, bytes, sha256, order, checksums);
        return new FileStateReader(file, entries);
    }

    /**
     * {@link #open(Path, JsonNode, JsonNode, JsonNode, boolean)} for files whose header may predate the
     * per-array checksums (the replica files of partial runs).
     */
    static StateReader open(Path file, JsonNode arrays, long bytes, String sha256) throws Mismatch {
        return open(file, arrays, JSON.getNodeFactory().numberNode(bytes), JSON.getNodeFactory().textNode(sha256),
                false);
    }

    /** One listed array, its fields checked one by one. */
    private static Entry entry(JsonNode a, boolean checksums) throws Mismatch {
        if (!a.isObject() || !a.path("name").isTextual() || a.path("name").textValue().isEmpty()) {
            throw new Mismatch("an array has no name");
        }
        String name = a.path("name").textValue();
        String type = a.path("type").asText("");
        if (!java.util.List.of("float64", "float32", "int32", "int64").contains(type)) {
            throw new Mismatch("array " + name + " has an unknown type " + a.path("type"));
        }
        long count = wholeNumber(a.path("count"), "array " + name + "'s count");
        long offset = wholeNumber(a.path("offset"), "array " + name + "'s offset");
        int rows = -1;
        int cols = -1;
        if (a.has("rows") || a.has("cols")) {
            long r = wholeNumber(a.path("rows"), "array " + name + "'s rows");
            long c = wholeNumber(a.path("cols"), "array " + name + "'s cols");
            if (type.startsWith("int") || r > Integer.MAX_VALUE || c > Integer.MAX_VALUE || r * c != count) {
                throw new Mismatch("array " + name + " is not a " + r + " x " + c + " matrix of " + count + " values");
            }
            rows = (int) r;
            cols = (int) c;
        }
        String crc = null;
        if (checksums) {
            crc = a.path("crc32c").isTextual() && a.path("crc32c").textValue().matches("[0-9a-f]{8}")
                    ? a.path("crc32c").textValue() : null;
            if (crc == null) {
                throw new Mismatch("array " + name + " has no crc32c of 8 hex digits");
            }
        }
        return new Entry(name, type, count, offset, rows, cols, crc);
    }

    /** A JSON whole number >= 0 that fits a long. */
    private static long wholeNumber(JsonNode value, String what) throws Mismatch {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new Mismatch(what + " is " + (value.isMissingNode() ? "missing" : value + ", not a whole number >= 0"));
        }
        return value.longValue();
    }

    /** Reads {@code file} once: its size, its SHA-256, and each array's CRC-32C when {@code checksums}. */
    private static void verify(Path file, String name, long bytes, String sha256, java.util.List<Entry> order,
                               boolean checksums) throws Mismatch {
        try {
            long size = Files.size(file);
            if (size != bytes) {
                throw new Mismatch(name + " has " + size + " bytes, the header says " + bytes);
            }
            MessageDigest digest = sha256();
            ArrayChecksums arrays = checksums ? new ArrayChecksums(name, order) : null;
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    if (arrays != null) {
                        arrays.feed(buffer, n);
                    }
                }
            }
            if (!HexFormat.of().formatHex(digest.digest()).equals(sha256)) {
                throw new Mismatch(name + " does not match its SHA-256 in the header");
            }
        } catch (NoSuchFileException e) {
            throw new Mismatch(name + " is missing");
        } catch (IOException e) {
            throw new Mismatch(name + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * The CRC-32C of each array, over its name (UTF-8) and then its bytes, so that neither its bytes
     * nor the name they are read under can change unseen; fed the data file's bytes in order.
     */
    private static final class ArrayChecksums {
        private final String file;
        private final java.util.List<Entry> order;
        private final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        private int index = -1;
        private long left;

        ArrayChecksums(String file, java.util.List<Entry> order) throws Mismatch {
            this.file = file;
            this.order = order;
            next();
        }

        void feed(byte[] buffer, int n) throws Mismatch {
            for (int from = 0; from < n; ) {
                int take = (int) Math.min(n - from, left);
                crc.update(buffer, from, take);
                from += take;
                left -= take;
                if (left == 0) {
                    next();
                }
            }
        }

        /** Checks the array just read, then starts the next one with bytes (checking empty ones on the way). */
        private void next() throws Mismatch {
            while (true) {
                if (index >= 0) {
                    Entry entry = order.get(index);
                    if (!String.format("%08x", crc.getValue()).equals(entry.crc32c())) {
                        throw new Mismatch(file + " does not match the crc32c of array " + entry.name() + " in the header");
                    }
                }
                index++;
                if (index == order.size()) {
                    left = Long.MAX_VALUE;   // the layout was checked: no byte comes after the last array
                    return;
                }
                crc.reset();
                crc.update(order.get(index).name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                left = order.get(index).count() * order.get(index).width();
                if (left > 0) {
                    return;
                }
            }
        }
    }

    /**
     * One saved array: type, count, offset in the data file, the shape of matrices (rows -1 otherwise)
     * and its CRC-32C (null where the header has none).
     */
    private record Entry(String name, String type, long count, long offset, int rows, int cols, String crc32c) {
        int width() {
            return type.equals("float64") || type.equals("int64") ? 8 : 4;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }

    /** Writes arrays back to back, little-endian, and lists them in the header. */
    static final class FileStateWriter implements StateWriter {
        private final OutputStream out;
        private final ArrayNode arrays;
        private final java.util.Set<String> names = new java.util.HashSet<>();
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        private long offset;

        FileStateWriter(OutputStream out, ArrayNode arrays) {
            this.out = out;
            this.arrays = arrays;
        }

        private ObjectNode entry(String name, String type, long count, int width) {
            if (!names.add(name)) {
                throw new IllegalArgumentException("the state array " + name + " was saved twice");
            }
            ObjectNode entry = arrays.addObject();
            entry.put("name", name);
            entry.put("type", type);
            entry.put("count", count);
            entry.put("offset", offset);
            offset += count * width;
            crc.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return entry;
        }

        /** Writes out the rest of an array's bytes and lists the CRC-32C of its name and bytes. */
        private void end(ObjectNode entry) {
            flush();
            entry.put("crc32c", String.format("%08x", crc.getValue()));
            crc.reset();
        }

        @Override
        public void ints(String name, int... values) {
            ObjectNode entry = entry(name, "int32", values.length, 4);
            for (int v : values) {
                room(4).putInt(v);
            }
            end(entry);
        }

        @Override
        public void longs(String name, long... values) {
            ObjectNode entry = entry(name, "int64", values.length, 8);
            for (long v : values) {
                room(8).putLong(v);
            }
            end(entry);
        }

        @Override
        public void doubles(String name, double... values) {
            ObjectNode entry = entry(name, "float64", values.length, 8);
            for (double v : values) {
                room(8).putDouble(v);
            }
            end(entry);
        }

        @Override
        public void matrix(String name, DeviceMatrix m) {
            boolean single = m.precision() == Precision.FLOAT32;
            ObjectNode entry = entry(name, single ? "float32" : "float64", (long) m.rows() * m.cols(), single ? 4 : 8);
            entry.put("rows", m.rows());
            entry.put("cols", m.cols());
            int perBlock = Math.max(1, BLOCK / Math.max(1, m.rows()));
            for (int from = 0; from < m.cols(); from += perBlock) {
                int to = Math.min(m.cols(), from + perBlock);
                for (double v : m.backend().download(m.columns(from, to))) {
                    if (single) {
                        room(4).putFloat((float) v);
                    } else {
                        room(8).putDouble(v);
                    }
                }
            }
            end(entry);
        }

        private ByteBuffer room(int bytes) {
            if (buffer.remaining() < bytes) {
                flush();
            }
            return buffer;
        }

        private void flush() {
            try {
                out.write(buffer.array(), 0, buffer.position());
                crc.update(buffer.array(), 0, buffer.position());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            buffer.clear();
        }
    }

    /** Reads arrays by name from the data file. */
    static final class FileStateReader implements StateReader {
        private final Path data;
        private final Map<String, Entry> entries;

        FileStateReader(Path data, Map<String, Entry> entries) {
            this.data = data;
            this.entries = entries;
        }

        @Override
        public boolean has(String name) {
            return entries.containsKey(name);
        }

        private Entry entry(String name, String... types) {
            Entry e = entries.get(name);
            if (e == null) {
                throw new io.github.infinitewidth.state.SavedStateException("the saved state has no array " + name);
            }
            if (!java.util.List.of(types).contains(e.type())) {
                throw new io.github.infinitewidth.state.SavedStateException("the saved array " + name + " is " + e.type() + ", not "
                        + String.join(" or ", types));
            }
            if (e.count() > Integer.MAX_VALUE - 8) {
                throw new io.github.infinitewidth.state.SavedStateException("the saved array " + name + " is too long for one array");
            }
            return e;
        }

        /** {@code count} values of {@code width} bytes from {@code offset}, as a little-endian buffer. */
        private ByteBuffer read(long offset, long count, int width) {
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(count * width)).order(ByteOrder.LITTLE_ENDIAN);
            try (FileChannel channel = FileChannel.open(data, StandardOpenOption.READ)) {
                long at = offset;
                while (b.hasRemaining()) {
                    int n = channel.read(b, at);
                    if (n < 0) {
                        throw new io.github.infinitewidth.state.SavedStateException("the data file ended early");
                    }
                    at += n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return b.flip();
        }

        @Override
        public int[] ints(String name) {
            Entry e = entry(name, "int32");
            int[] values = new int[(int) e.count()];
            read(e.offset(), e.count(), 4).asIntBuffer().get(values);
            return values;
        }

        @Override
        public long[] longs(String name) {
            Entry e = entry(name, "int64");
            long[] values = new long[(int) e.count()];
            read(e.offset(), e.count(), 8).asLongBuffer().get(values);
            return values;
        }

        @Override
        public double[] doubles(String name) {
            Entry e = entry(name, "float64");
            double[] values = new double[(int) e.count()];
            read(e.offset(), e.count(), 8).asDoubleBuffer().get(values);
            return values;
        }

        @Override
        public int[] shape(String name) {
            Entry e = entry(name, "float64", "float32");
            if (e.rows() < 0) {
                throw new io.github.infinitewidth.state.SavedStateException("the saved array " + name + " is not a matrix");
            }
            return new int[] {e.rows(), e.cols()};
        }

        @Override
        public void matrix(String name, DeviceMatrix into) {
            Entry e = entries.get(name);
            int[] shape = shape(name);
            if (shape[0] != into.rows() || shape[1] != into.cols()) {
                throw new io.github.infinitewidth.state.SavedStateException("the saved matrix " + name + " is " + shape[0] + " x " + shape[1]
                        + ", not " + into.rows() + " x " + into.cols());
            }
            int width = e.width();
            int perBlock = Math.max(1, BLOCK / Math.max(1, into.rows()));
            for (int from = 0; from < into.cols(); from += perBlock) {
                int to = Math.min(into.cols(), from + perBlock);
                long count = (long) into.rows() * (to - from);
                ByteBuffer b = read(e.offset() + (long) from * into.rows() * width, count, width);
                double[] values = new double[(int) count];
                for (int i = 0; i < values.length; i++) {
                    values[i] = width == 4 ? b.getFloat() : b.getDouble();
                }
                into.backend().upload(values, into.columns(from, to));
            }
        }
    }
}
