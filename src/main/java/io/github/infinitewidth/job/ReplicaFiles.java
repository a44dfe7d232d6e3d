package io.github.infinitewidth.job;

import io.github.infinitewidth.engine.ReplicaRange;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.state.StateReader;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The per-replica data of a partial run ({@code run --replica-range a:b}; JOB-SPEC.md, "Replicas
 * across machines"), from which {@code merge} recomputes every output of the whole run exactly:
 * {@code replicas/replicas.json}, a header in the manner of a checkpoint's, and
 * {@code replicas/replicas.bin}, the arrays back to back, little-endian ({@link StateFile}). The
 * means and standard errors of a run are sums over replicas in replica order, so nothing less than
 * each replica's own numbers, bit for bit, reproduces them.
 *
 * <p>Per replica r of the range: {@code r<r>/outputs} ({@code f_t(xi_j)} at the k-th kept step at
 * {@code k * inputs + j}), {@code r<r>/kernel/<name>} ({@code [i * inputs + j]}) for each name in
 * {@code kernels}, and {@code r<r>/features}, the kernels listed in {@code features} one after the other.
 */
public final class ReplicaFiles {
    /** The folder inside a partial run's {@code --out}. */
    public static final String FOLDER = "replicas";
    /** The header file. */
    public static final String HEADER = "replicas.json";
    /** The data file. */
    public static final String DATA = "replicas.bin";
    /** The format's name, the header's {@code format}. */
    public static final String FORMAT = "infinitewidth-replicas";
    /** The format's version; readers refuse other versions. */
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplicaFiles() {}

    /**
     * What a partial run recorded for its replicas: the {@link Trajectory} of those replicas alone
     * ({@code outputs[i]} is replica {@code range.first() + i}), and which of the run's replicas they are.
     */
    public record Part(ReplicaRange range, int replicas, Trajectory trajectory) { }

    /**
     * The trajectory of the replicas {@code job} runs: for a partial run, the replicas of its range out of
     * the engine's trajectory (whose other replicas were not run and are null); a trajectory that holds
     * just those replicas already, and any trajectory of a run of every replica, as it is.
     */
    public static Trajectory ownReplicas(Trajectory t, Job job) {
        var simulation = job.experiment().simulation();
        if (!simulation.partial() || t.replicas() == simulation.replicaRange().size()) {
            return t;
        }
        if (t.replicas() != simulation.replicas()) {
            throw new IllegalArgumentException("a trajectory of " + t.replicas() + " replicas is neither the run's "
                    + simulation.replicas() + " nor the " + simulation.replicaRange().size() + " of its range");
        }
        return slice(t, simulation.replicaRange());
    }

    /** The replicas of {@code range} of an engine's trajectory, whose other replicas were not run (null). */
    private static Trajectory slice(Trajectory t, ReplicaRange range) {
        Map<String, double[][]> kernels = new LinkedHashMap<>();
        t.kernels().forEach((name, perReplica) -> kernels.put(name, part(perReplica, range)));
        List<Trajectory.FeatureKernel> features = new ArrayList<>();
        for (Trajectory.FeatureKernel f : t.features()) {
            features.add(new Trajectory.FeatureKernel(f.step(), f.layer(), part(f.perReplica(), range)));
        }
        return new Trajectory(t.steps(), part(t.outputs(), range), t.trainCount(), t.components(), t.status(),
                t.divergedStep(), kernels, features);
    }

    private static <T> T[] part(T[] perReplica, ReplicaRange range) {
        return Arrays.copyOfRange(perReplica, range.first(), range.end());
    }

    /**
     * Writes the folder for {@code part}, the trajectory of the range's replicas alone; the header
     * last, after the data, so that a header always describes a complete data file.
     */
    static void write(Path dir, Job job, Trajectory part, ReplicaRange range) throws IOException {
        Path folder = dir.resolve(FOLDER);
        Files.createDirectories(folder);
        Files.deleteIfExists(folder.resolve(HEADER));
        int m = job.experiment().data().size();
        List<String> kernelNames = new ArrayList<>(new java.util.TreeMap<>(part.kernels()).keySet());
        StateFile.Written written = StateFile.write(folder.resolve(DATA), w -> {
            for (int i = 0; i < range.size(); i++) {
                String r = "r" + (range.first() + i);
                w.doubles(r + "/outputs", concat(List.of(part.outputs()[i])));
                for (String name : kernelNames) {
                    w.doubles(r + "/kernel/" + name, part.kernels().get(name)[i]);
                }
                int replica = i;
                w.doubles(r + "/features", concat(part.features().stream().map(f -> f.perReplica()[replica]).toList()));
            }
        });
        ObjectNode header = JSON.createObjectNode();
        header.put("format", FORMAT);
        header.put("version", VERSION);
        header.put("engine", job.engine());
        ObjectNode identity = JobIdentity.of(job);
        header.put("jobSha256", JobIdentity.sha256(identity));
        header.put("replicas", job.experiment().simulation().replicas());
        header.put("first", range.first());
        header.put("end", range.end());
        header.put("status", part.status().spelling());
        if (part.status() == Trajectory.Status.DIVERGED) {
            header.put("divergedStep", part.divergedStep());
        } else {
            header.putNull("divergedStep");
        }
        header.put("inputs", m);
        header.put("trainInputs", part.trainCount());
        ArrayNode steps = header.putArray("steps");
        Arrays.stream(part.steps()).forEach(steps::add);
        ArrayNode kernels = header.putArray("kernels");
        kernelNames.forEach(kernels::add);
        ArrayNode features = header.putArray("features");
        for (Trajectory.FeatureKernel f : part.features()) {
            features.addObject().put("step", f.step()).put("layer", f.layer());
        }
        ObjectNode data = header.putObject("data");
        data.put("file", DATA);
        data.put("bytes", written.bytes());
        data.put("sha256", written.sha256());
        header.set("arrays", written.arrays());
        AtomicFiles.write(folder, HEADER, out -> out.write(JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(header) + "\n"));
    }

    /** Removes the folder: a run of every replica into a folder that held a partial run. */
    static void delete(Path dir) throws IOException {
        Path folder = dir.resolve(FOLDER);
        if (!Files.isDirectory(folder)) {
            return;
        }
        Files.deleteIfExists(folder.resolve(HEADER));
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(folder);
    }

    /** True when {@code dir} holds a partial run's header. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FOLDER).resolve(HEADER));
    }

    /**
     * Reads the folder of a partial run of {@code job}, checked against its header.
     *
     * @throws IllegalArgumentException with the reason (one line, naming the file) when it is
     *         missing, corrupt, of another format version or of another job
     */
    static Part read(Path dir, Job job) {
        Path folder = dir.resolve(FOLDER);
        JsonNode header;
        try {
            header = JSON.readTree(folder.resolve(HEADER).toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(folder.resolve(HEADER) + " is not valid JSON");
        } catch (IOException e) {
            throw new IllegalArgumentException(folder.resolve(HEADER) + " cannot be read: " + e.getMessage());
        }
        if (header == null || !FORMAT.equals(header.path("format").asText())) {
            throw new IllegalArgumentException(folder.resolve(HEADER) + " is not an " + FORMAT + " header");
        }
        if (header.path("version").asInt(-1) != VERSION) {
            throw new IllegalArgumentException(folder.resolve(HEADER) + " has format version " + header.path("version")
                    + ", this version of infinitewidth reads version " + VERSION + " only");
        }
        if (!JobIdentity.sha256(JobIdentity.of(job)).equals(header.path("jobSha256").asText())) {
            throw new IllegalArgumentException(folder.resolve(HEADER) + " belongs to another job than the "
                    + RunOutputs.SUMMARY + " beside it");
        }
        StateReader arrays;
        try {
            JsonNode data = header.path("data");
            arrays = StateFile.open(folder.resolve(DATA), header.path("arrays"), data.path("bytes").asLong(-1),
                    data.path("sha256").asText());
        } catch (StateFile.Mismatch e) {
            throw new IllegalArgumentException(folder + " is corrupt (" + e.getMessage() + ")");
        }
        ReplicaRange range;
        try {
            range = new ReplicaRange(header.path("first").asInt(-1), header.path("end").asInt(-1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(folder.resolve(HEADER) + " names no replica range (first, end)");
        }
        int m = header.path("inputs").asInt();
        int components = job.experiment().outputs();
        int[] steps = ints(header.path("steps"));
        List<String> kernelNames = new ArrayList<>();
        header.path("kernels").forEach(name -> kernelNames.add(name.asText()));
        List<int[]> featureKeys = new ArrayList<>();
        header.path("features").forEach(f -> featureKeys.add(new int[] {f.path("step").asInt(), f.path("layer").asInt()}));
        double[][][] outputs = new double[range.size()][][];
        Map<String, double[][]> kernels = new LinkedHashMap<>();
        kernelNames.forEach(name -> kernels.put(name, new double[range.size()][]));
        double[][][] features = new double[featureKeys.size()][range.size()][];
        try {
            for (int i = 0; i < range.size(); i++) {
                String r = "r" + (range.first() + i);
                outputs[i] = split(arrays.doubles(r + "/outputs"), steps.length, m * components);
                for (String name : kernelNames) {
                    kernels.get(name)[i] = arrays.doubles(r + "/kernel/" + name);
                }
                double[][] perKernel = split(arrays.doubles(r + "/features"), featureKeys.size(), m * m);
                for (int f = 0; f < featureKeys.size(); f++) {
                    features[f][i] = perKernel[f];
                }
            }
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(folder + " is corrupt (" + e.getMessage() + ")");
        }
        List<Trajectory.FeatureKernel> featureList = new ArrayList<>();
        for (int f = 0; f < featureKeys.size(); f++) {
            featureList.add(new Trajectory.FeatureKernel(featureKeys.get(f)[0], featureKeys.get(f)[1], features[f]));
        }
        boolean diverged = "diverged".equals(header.path("status").asText());
        Trajectory trajectory = new Trajectory(steps, outputs, header.path("trainInputs").asInt(), components,
                diverged ? Trajectory.Status.DIVERGED : Trajectory.Status.COMPLETED,
                diverged ? header.path("divergedStep").asInt() : -1, kernels, featureList);
        return new Part(range, header.path("replicas").asInt(), trajectory);
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    private static double[] concat(List<double[]> arrays) {
        double[] all = new double[arrays.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (double[] a : arrays) {
            System.arraycopy(a, 0, all, at, a.length);
            at += a.length;
        }
        return all;
    }

    /** {@code values} as {@code count} arrays of {@code length}. */
    private static double[][] split(double[] values, int count, int length) {
        if (values.length != (long) count * length) {
            throw new IllegalStateException("an array holds " + values.length + " values, not " + count + " x " + length);
        }
        double[][] parts = new double[count][];
        for (int i = 0; i < count; i++) {
            parts[i] = Arrays.copyOfRange(values, i * length, (i + 1) * length);
        }
        return parts;
    }
}
