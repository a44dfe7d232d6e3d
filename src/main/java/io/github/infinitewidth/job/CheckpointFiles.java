package io.github.infinitewidth.job;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.engine.Checkpoints;
import io.github.infinitewidth.state.SavedStateException;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
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
    /** The format's version, the header's {@code version}; readers refuse other versions but {@link #UNCHECKED_VERSION}. */
    public static final int VERSION = 2;
    /** The version before the header's and the arrays' checksums, still read (with a warning). */
    static final int UNCHECKED_VERSION = 1;
    /** The header field holding the SHA-256 of the rest of the header. */
    static final String HEADER_SHA256 = "headerSha256";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final String engine;
    private final ObjectNode job;
    private final String jobSha256;
    private final String dataSha256;
    private final Backend backend;
    private final int replicas;
    /** The replica range of a partial run ({@code a:b}), null for a run of every replica. */
    private final String replicaRange;
    private final int steps;
    private final Loaded resumed;
    private final long startNanos = System.nanoTime();
    /** {@code simulation.checkpointMinutes} in nanoseconds; 0: no saves by wall time. */
    private final long intervalNanos;
    private volatile long lastSaveNanos = startNanos;
    private volatile boolean stop;

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
        this.replicaRange = rangeOf(job);
        this.steps = job.experiment().training().steps();
        this.resumed = resumed;
        this.intervalNanos = (long) (job.experiment().simulation().checkpointMinutes() * 60e9);
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

    /**
     * The checkpoint resumed from, refused because an engine found that a saved array does not fit
     * its run (a missing array, another shape): bad input, as for any other corruption.
     */
    public CheckpointException unusable(SavedStateException e) {
        return corrupt(resumed.folder(), resumed.header().path("data").path("file").asText() + ": " + e.getMessage());
    }

    /** A line to warn with about the checkpoint resumed from (an old format); null when there is none. */
    public String warning() {
        return resumed == null ? null : resumed.warning();
    }

    /** Wall-clock seconds the run had spent up to the checkpoint it resumed from (0 for a fresh run). */
    public double wallSecondsBefore() {
        return resumed == null ? 0 : resumed.header.path("wallSeconds").asDouble(0);
    }

    @Override
    public StateReader resumeFrom() {
        return resumed == null ? null : resumed.reader();
    }

    /**
     * Asks the run to save a checkpoint after its current step and stop ({@link
     * io.github.infinitewidth.engine.RunStopped}); safe to call from any thread (a signal handler).
     */
    public void requestStop() {
        stop = true;
    }

    @Override
    public boolean stopRequested() {
        return stop;
    }

    /** A stop was requested, or {@code simulation.checkpointMinutes} have passed since the last save (or the start). */
    @Override
    public boolean due() {
        return stop || (intervalNanos > 0 && System.nanoTime() - lastSaveNanos >= intervalNanos);
    }

    @Override
    public void save(int replica, int step, Consumer<StateWriter> state) {
        try {
            Files.createDirectories(folder);
            String dataName = "state-r" + replica + "-s" + step + ".bin";
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
            if (replicaRange != null) {
                header.put("replicaRange", replicaRange);
            }
            header.put("steps", steps);
            header.put("precision", backend.precision().spelling());
            header.put("backend", backend.name());
            header.put("infinitewidthVersion", Version.current());
            header.put("savedAt", Instant.now().toString());
            header.put("wallSeconds", wallSecondsBefore() + (System.nanoTime() - startNanos) * 1e-9);
            ObjectNode data = header.putObject("data");
            StateFile.Written written = StateFile.write(folder.resolve(dataName), state);
            data.put("file", dataName);
            data.put("bytes", written.bytes());
            data.put("sha256", written.sha256());
            header.set("job", job);
            header.set("arrays", written.arrays());
            header.put(HEADER_SHA256, HexFormat.of().formatHex(headerSha256(header)));
            Path headerTmp = folder.resolve(HEADER + ".tmp");
            try {
                try (FileChannel channel = FileChannel.open(headerTmp, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    channel.write(ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(header)));
                    channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
                    channel.force(true);
                }
                Files.move(headerTmp, folder.resolve(HEADER), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(headerTmp);   // only still there when the save failed
            }
            try (DirectoryStream<Path> old = Files.newDirectoryStream(folder, "state-*")) {
                for (Path f : old) {
                    if (!f.getFileName().toString().equals(dataName)) {
                        Files.deleteIfExists(f);
                    }
                }
            }
            lastSaveNanos = System.nanoTime();
        } catch (IOException e) {
            throw new UncheckedIOException("could not save a checkpoint in " + folder + ": " + e.getMessage(), e);
        }
    }

    // ---- reading -------------------------------------------------------------------------------

    /**
     * A checked checkpoint: its header, the entries of its data file, and a line to warn with (an
     * old format), null if none.
     */
    private record Loaded(Path folder, ObjectNode header, StateReader reader, String warning) {
        String describe() {
            JsonNode p = header.path("position");
            return "replica " + (p.path("replica").asInt() + 1) + " of " + header.path("replicas").asInt() + ", step "
                    + p.path("step").asInt() + " of " + header.path("steps").asInt();
        }
    }

    /**
     * The checkpoint of {@code runFolder}, checked before anything of it is used; null when there is
     * none. Every header field is checked against this job and the data file: the header's own
     * SHA-256 ({@code headerSha256}, over its compact JSON without that field), the job, the
     * replicas and steps, the position and the data file's name, size and SHA-256, and every array's
     * layout and CRC-32C ({@link StateFile#open}); then the position saved in the data file.
     */
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
        JsonNode version = header.path("version");
        if (!version.isInt() || (version.intValue() != VERSION && version.intValue() != UNCHECKED_VERSION)) {
            throw new CheckpointException("checkpoint " + folder + " has format version " + version
                    + ", this version of infinitewidth reads versions " + UNCHECKED_VERSION + " and " + VERSION + " only");
        }
        boolean checksums = version.intValue() == VERSION;
        if (checksums && !HexFormat.of().formatHex(headerSha256(header)).equals(header.path(HEADER_SHA256).asText())) {
            throw corrupt(folder, HEADER + " does not match its " + HEADER_SHA256 + " (it was edited or damaged)");
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
        // the same job split otherwise: its replicas are other ones, and the saved position may lie outside
        String savedRange = header.path("replicaRange").asText(null);
        String range = rangeOf(job);
        if (!java.util.Objects.equals(savedRange, range)) {
            throw new CheckpointException("checkpoint " + folder + " was saved by a run of "
                    + (savedRange == null ? "all replicas" : "--replica-range " + savedRange) + ", not of "
                    + (range == null ? "all replicas" : "--replica-range " + range));
        }
        int replicas = job.experiment().simulation().replicas();
        int steps = job.experiment().training().steps();
        if (!header.path("jobSha256").asText().equals(JobIdentity.sha256(JobIdentity.of(job)))) {
            throw corrupt(folder, HEADER + "'s jobSha256 is not the SHA-256 of its job");
        }
        if (header.path("replicas").asLong(-1) != replicas || !header.path("replicas").isInt()) {
            throw corrupt(folder, HEADER + " says replicas " + header.path("replicas") + " but the job has " + replicas);
        }
        if (header.path("steps").asLong(-1) != steps || !header.path("steps").isInt()) {
            throw corrupt(folder, HEADER + " says steps " + header.path("steps") + " but the job has " + steps);
        }
        JsonNode wallSeconds = header.path("wallSeconds");
        if (!wallSeconds.isNumber() || !Double.isFinite(wallSeconds.doubleValue()) || wallSeconds.doubleValue() < 0) {
            throw corrupt(folder, HEADER + "'s wallSeconds is " + wallSeconds + ", not a number >= 0");
        }
        JsonNode position = header.path("position");
        JsonNode replicaNode = position.path("replica");
        JsonNode stepNode = position.path("step");
        int first = job.experiment().simulation().firstReplica();
        int end = job.experiment().simulation().endReplica();
        if (!replicaNode.isInt() || !stepNode.isInt() || replicaNode.intValue() < first
                || replicaNode.intValue() >= end || stepNode.intValue() < 0 || stepNode.intValue() >= steps) {
            throw corrupt(folder, HEADER + "'s position (replica " + replicaNode + ", step " + stepNode
                    + ") is outside the run's replicas " + first + " to " + (end - 1) + " and steps 0 to " + (steps - 1));
        }
        int replica = replicaNode.intValue();
        int step = stepNode.intValue();
        JsonNode data = header.path("data");
        String dataName = "state-r" + replica + "-s" + step + ".bin";
        if (!dataName.equals(data.path("file").asText())) {
            throw corrupt(folder, HEADER + " names data file " + data.path("file") + ", not " + dataName
                    + " of its position");
        }
        if (!header.path("precision").asText().equals(job.experiment().simulation().precision().spelling())) {
            throw corrupt(folder, HEADER + " says precision " + header.path("precision") + " but the job has "
                    + job.experiment().simulation().precision().spelling());
        }
        StateReader reader;
        try {
            reader = StateFile.open(folder.resolve(dataName), header.path("arrays"), data.path("bytes"),
                    data.path("sha256"), checksums);
        } catch (StateFile.Mismatch e) {
            String why = e.getMessage();
            throw corrupt(folder, why.startsWith(dataName) ? why : HEADER + ": " + why);
        }
        int[] saved;
        try {
            saved = reader.ints("position");
        } catch (SavedStateException e) {
            throw corrupt(folder, dataName + ": " + e.getMessage());
        }
        if (saved.length != 2 || saved[0] != replica || saved[1] != step) {
            throw corrupt(folder, dataName + " holds position " + java.util.Arrays.toString(saved) + ", "
                    + HEADER + " says replica " + replica + ", step " + step);
        }
        String warning = checksums ? null : "checkpoint " + folder + " is format version " + UNCHECKED_VERSION
                + ", saved without per-array checksums: only its data file's SHA-256 and layout were checked";
        return new Loaded(folder, header, reader, warning);
    }

    /** SHA-256 of the header's compact JSON without {@value #HEADER_SHA256}. */
    private static byte[] headerSha256(ObjectNode header) {
        ObjectNode rest = header.deepCopy();
        rest.remove(HEADER_SHA256);
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(rest));
        } catch (JsonProcessingException | java.security.NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("a tree of plain values always serializes, and every Java has SHA-256",
                    impossible);
        }
    }

    /** The job's replica range as written in the header, null when it runs every replica. */
    private static String rangeOf(Job job) {
        return job.experiment().simulation().partial() ? job.experiment().simulation().replicaRange().toString() : null;
    }

    private static CheckpointException corrupt(Path folder, String why) {
        return new CheckpointException("checkpoint " + folder + " is corrupt (" + why + ")");
    }
}
