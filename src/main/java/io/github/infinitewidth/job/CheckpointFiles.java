package io.github.infinitewidth.job;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Checkpoints;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Checkpoints as files in {@code <run folder>/checkpoint/} (JOB-SPEC.md, "Checkpoints"; the format
 * is specified in docs/design-notes.md). Format {@value #FORMAT}, version {@value #VERSION}:
 * <ul>
 *   <li>{@code state-r<replica>-s<step>.bin}: the saved arrays back to back, little-endian, no
 *   padding: {@code float64} and {@code float32} IEEE 754, {@code int32}, {@code int64};</li>
 *   <li>{@code checkpoint.json}: the header, naming the format and version, the engine, the job
 *   (its identity tree without the data, and SHA-256s of both), the position (replica, step), the
 *   data file with its size and SHA-256, and every array: name, type, count, byte offset, and
 *   rows and cols for matrices (column-major).</li>
 * </ul>
 * A save writes the data file aside ({@code .tmp}), forces it to disk and renames it, then does the
 * same for the header, and only then deletes older data files: a run killed at any moment leaves
 * the previous complete checkpoint or the new one. Not Java serialization: any language can read
 * it (a header and raw arrays), and a class change cannot silently garble it.
 */
public final class CheckpointFiles implements Checkpoints {
    /** The folder inside a run's {@code --out}. */
    public static final String FOLDER = "checkpoint";
    /** The header file. */
    public static final String HEADER = "checkpoint.json";
    /** The format's name, the header's {@code format}. */
    public static final String FORMAT = "infinitewidth-checkpoint";
    /** The format's version, the header's {@code version}; readers refuse other versions. */
    public static final int VERSION = 1;
    /** Values per block when matrices are streamed to and from the file. */
    private static final int BLOCK = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final String engine;
    private final ObjectNode job;
    private final String jobSha256;
    private final String dataSha256;
    private final Backend backend;
    private final int replicas;
    private final int steps;
    private final Loaded resumed;
    private final long startNanos = System.nanoTime();

    private CheckpointFiles(Path runFolder, Job job, Backend backend, Loaded resumed) {
        this.folder = runFolder.resolve(FOLDER);
        this.engine = job.engine();
        ObjectNode identity = JobIdentity.of(job);
        this.jobSha256 = JobIdentity.sha256(identity);
        this.dataSha256 = JobIdentity.sha256(identity.path("data"));
        identity.remove("data");
        this.job = identity;
        this.backend = backend;
        this.replicas = job.experiment().simulation().replicas();
        this.steps = job.experiment().training().steps();
        this.resumed = resumed;
    }

    /** Checkpoints of a run that starts at step 0 (nothing to resume). */
    public static CheckpointFiles fresh(Path runFolder, Job job, Backend backend) {
        return new CheckpointFiles(runFolder, job, backend, null);
    }

    /**
     * Checkpoints of a run that continues from the checkpoint in {@code runFolder}, which must exist,
     * be intact and belong to this job.
     *
     * @throws CheckpointException when there is none, or it is corrupt or another job's
     */
    public static CheckpointFiles resume(Path runFolder, Job job, Backend backend) {
        Loaded loaded = load(runFolder, job);
        if (loaded == null) {
            throw new CheckpointException("no checkpoint in " + runFolder.resolve(FOLDER));
        }
        return new CheckpointFiles(runFolder, job, backend, loaded);
    }

    /**
     * Checks the checkpoint in {@code runFolder} against {@code job} without using it: null when there
     * is none, otherwise where it stands ({@code replica 2 of 4, step 40 of 100}).
     *
     * @throws CheckpointException when it is corrupt or another job's
     */
    public static String inspect(Path runFolder, Job job) {
        Loaded loaded = load(runFolder, job);
        return loaded == null ? null : loaded.describe();
    }

    /** True when {@code runFolder} holds a checkpoint header. */
    public static boolean exists(Path runFolder) {
        return Files.exists(runFolder.resolve(FOLDER).resolve(HEADER));
    }

    /** Deletes the checkpoint folder of {@code runFolder} (after the run's outputs are written). */
    public static void delete(Path runFolder) throws IOException {
        Path folder = runFolder.resolve(FOLDER);
        if (!Files.isDirectory(folder)) {
            return;
        }
        // the header first, so that a half-deleted folder is never mistaken for a checkpoint
        Files.deleteIfExists(folder.resolve(HEADER));
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(folder);
    }

    /** Where the resumed checkpoint stood ({@code replica 2 of 4, step 40 of 100}); null for a fresh run. */
    public String resumedPosition() {
        return resumed == null ? null : resumed.describe();
    }

    /** Wall-clock seconds the run had spent up to the checkpoint it resumed from (0 for a fresh run). */
    public double wallSecondsBefore() {
        return resumed == null ? 0 : resumed.header.path("wallSeconds").asDouble(0);
    }

    @Override
    public StateReader resumeFrom() {
        return resumed == null ? null : resumed.reader();
    }

    @Override
    public void save(int replica, int step, Consumer<StateWriter> state) {
        try {
            Files.createDirectories(folder);
            String dataName = "state-r" + replica + "-s" + step + ".bin";
            Path dataTmp = folder.resolve(dataName + ".tmp");
            ObjectNode header = JSON.createObjectNode();
            header.put("format", FORMAT);
            header.put("version", VERSION);
            header.put("engine", engine);
            header.put("jobSha256", jobSha256);
            header.put("dataSha256", dataSha256);
            ObjectNode position = header.putObject("position");
            position.put("replica", replica);
            position.put("step", step);
            header.put("replicas", replicas);
            header.put("steps", steps);
            header.put("precision", backend.precision().spelling());
            header.put("backend", backend.name());
            header.put("infinitewidthVersion", Version.current());
            header.put("savedAt", Instant.now().toString());
            header.put("wallSeconds", wallSecondsBefore() + (System.nanoTime() - startNanos) * 1e-9);
            ObjectNode data = header.putObject("data");
            ArrayNode arrays = JSON.createArrayNode();
            MessageDigest digest = sha256();
            long bytes;
            try (FileChannel channel = FileChannel.open(dataTmp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                 OutputStream file = new DigestOutputStream(new BufferedOutputStream(
                         java.nio.channels.Channels.newOutputStream(channel), 1 << 16), digest)) {
                FileStateWriter writer = new FileStateWriter(file, arrays);
                state.accept(writer);
                file.flush();
                channel.force(true);
                bytes = writer.offset;
            }
            Files.move(dataTmp, folder.resolve(dataName), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            data.put("file", dataName);
            data.put("bytes", bytes);
            data.put("sha256", HexFormat.of().formatHex(digest.digest()));
            header.set("job", job);
            header.set("arrays", arrays);
            Path headerTmp = folder.resolve(HEADER + ".tmp");
            try (FileChannel channel = FileChannel.open(headerTmp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(header)));
                channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
                channel.force(true);
            }
            Files.move(headerTmp, folder.resolve(HEADER), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            try (DirectoryStream<Path> old = Files.newDirectoryStream(folder, "state-*")) {
                for (Path f : old) {
                    if (!f.getFileName().toString().equals(dataName)) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not save a checkpoint in " + folder + ": " + e.getMessage(), e);
        }
    }

    // ---- reading -------------------------------------------------------------------------------

    /** A checked checkpoint: its header and the entries of its data file. */
    private record Loaded(Path folder, ObjectNode header, Path data, Map<String, Entry> entries) {
        String describe() {
            JsonNode p = header.path("position");
            return "replica " + (p.path("replica").asInt() + 1) + " of " + header.path("replicas").asInt() + ", step "
                    + p.path("step").asInt() + " of " + header.path("steps").asInt();
        }

        StateReader reader() {
            return new FileStateReader(data, entries);
        }
    }

    /** One saved array: type, count, offset in the data file, and the shape of matrices (rows -1 otherwise). */
    private record Entry(String name, String type, long count, long offset, int rows, int cols) {
        int width() {
            return type.equals("float64") || type.equals("int64") ? 8 : 4;
        }
    }

    /** The checkpoint of {@code runFolder}, checked; null when there is none. */
    private static Loaded load(Path runFolder, Job job) {
        Path folder = runFolder.resolve(FOLDER);
        Path headerFile = folder.resolve(HEADER);
        if (!Files.exists(headerFile)) {
            return null;
        }
        JsonNode read;
        try {
            read = JSON.readTree(headerFile.toFile());
        } catch (JsonProcessingException e) {
            throw corrupt(folder, HEADER + " is not valid JSON");
        } catch (IOException e) {
            throw corrupt(folder, HEADER + " cannot be read: " + e.getMessage());
        }
        if (!(read instanceof ObjectNode header) || !FORMAT.equals(header.path("format").asText())) {
            throw corrupt(folder, HEADER + " is not an " + FORMAT + " header");
        }
        if (header.path("version").asInt(-1) != VERSION) {
            throw new CheckpointException("checkpoint " + folder + " has format version " + header.path("version")
                    + ", this version of infinitewidth reads version " + VERSION + " only");
        }
        // the job before the data: "a different job" is the more useful message
        ObjectNode identity = JobIdentity.of(job);
        String dataSha = JobIdentity.sha256(identity.path("data"));
        identity.remove("data");
        String different = !job.engine().equals(header.path("engine").asText())
                ? "engine is " + header.path("engine") + " there and \"" + job.engine() + "\" here"
                : JobIdentity.difference(header.path("job"), identity);
        if (different == null && !dataSha.equals(header.path("dataSha256").asText())) {
            different = "the data differ";
        }
        if (different != null) {
            throw new CheckpointException("checkpoint " + folder + " was saved by a different job (" + different + ")");
        }
        JsonNode data = header.path("data");
        String dataName = data.path("file").asText("");
        if (!dataName.matches("state-r\\d+-s\\d+\\.bin")) {
            throw corrupt(folder, HEADER + " names no data file");
        }
        Path dataFile = folder.resolve(dataName);
        long bytes = data.path("bytes").asLong(-1);
        try {
            long size = Files.size(dataFile);
            if (size != bytes) {
                throw corrupt(folder, dataName + " has " + size + " bytes, the header says " + bytes);
            }
            MessageDigest digest = sha256();
            try (InputStream in = Files.newInputStream(dataFile)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            }
            if (!HexFormat.of().formatHex(digest.digest()).equals(data.path("sha256").asText())) {
                throw corrupt(folder, dataName + " does not match its SHA-256 in the header");
            }
        } catch (NoSuchFileException e) {
            throw corrupt(folder, dataName + " is missing");
        } catch (IOException e) {
            throw corrupt(folder, dataName + " cannot be read: " + e.getMessage());
        }
        Map<String, Entry> entries = new HashMap<>();
        for (JsonNode a : header.path("arrays")) {
            Entry entry = new Entry(a.path("name").asText(), a.path("type").asText(), a.path("count").asLong(-1),
                    a.path("offset").asLong(-1), a.path("rows").asInt(-1), a.path("cols").asInt(-1));
            boolean known = switch (entry.type()) {
                case "float64", "float32", "int32", "int64" -> true;
                default -> false;
            };
            if (!known || entry.count() < 0 || entry.offset() < 0
                    || entry.offset() + entry.count() * entry.width() > bytes
                    || (entry.rows() >= 0 && (long) entry.rows() * entry.cols() != entry.count())) {
                throw corrupt(folder, "array " + entry.name() + " does not fit the data file");
            }
            entries.put(entry.name(), entry);
        }
        JsonNode position = header.path("position");
        int replica = position.path("replica").asInt(-1);
        int step = position.path("step").asInt(-1);
        int replicas = job.experiment().simulation().replicas();
        int steps = job.experiment().training().steps();
        if (replica < 0 || replica >= replicas || step < 0 || step >= steps) {
            throw corrupt(folder, "its position (replica " + replica + ", step " + step + ") is outside the run");
        }
        return new Loaded(folder, header, dataFile, entries);
    }

    private static CheckpointException corrupt(Path folder, String why) {
        return new CheckpointException("checkpoint " + folder + " is corrupt (" + why + ")");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }

    /** Writes arrays back to back, little-endian, and lists them in the header. */
    private static final class FileStateWriter implements StateWriter {
        private final OutputStream out;
        private final ArrayNode arrays;
        private final java.util.Set<String> names = new java.util.HashSet<>();
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
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
            return entry;
        }

        @Override
        public void ints(String name, int... values) {
            entry(name, "int32", values.length, 4);
            for (int v : values) {
                room(4).putInt(v);
            }
            flush();
        }

        @Override
        public void longs(String name, long... values) {
            entry(name, "int64", values.length, 8);
            for (long v : values) {
                room(8).putLong(v);
            }
            flush();
        }

        @Override
        public void doubles(String name, double... values) {
            entry(name, "float64", values.length, 8);
            for (double v : values) {
                room(8).putDouble(v);
            }
            flush();
        }

        @Override
        public void matrix(String name, DeviceMatrix m) {
            boolean single = m.backend().precision() == Precision.FLOAT32;
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
            flush();
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
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            buffer.clear();
        }
    }

    /** Reads arrays by name from the data file. */
    private static final class FileStateReader implements StateReader {
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
                throw new IllegalStateException("the checkpoint has no array " + name);
            }
            if (!java.util.List.of(types).contains(e.type())) {
                throw new IllegalStateException("the checkpoint's array " + name + " is " + e.type() + ", not "
                        + String.join(" or ", types));
            }
            if (e.count() > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("the checkpoint's array " + name + " is too long for one array");
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
                        throw new IllegalStateException("the checkpoint's data file ended early");
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
                throw new IllegalStateException("the checkpoint's array " + name + " is not a matrix");
            }
            return new int[] {e.rows(), e.cols()};
        }

        @Override
        public void matrix(String name, DeviceMatrix into) {
            Entry e = entries.get(name);
            int[] shape = shape(name);
            if (shape[0] != into.rows() || shape[1] != into.cols()) {
                throw new IllegalStateException("the checkpoint's matrix " + name + " is " + shape[0] + " x " + shape[1]
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
