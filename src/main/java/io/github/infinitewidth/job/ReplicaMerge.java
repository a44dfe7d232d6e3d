package io.github.infinitewidth.job;

import io.github.infinitewidth.engine.Divergence;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.util.InvalidSpecException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code merge} of the partial runs of one job (JOB-SPEC.md, "Replicas across machines"): checks
 * that they are parts of the same job whose replica ranges cover {@code 0..R-1} once each, puts their
 * replicas' numbers back together as the whole run's {@link Trajectory} and writes it with
 * {@link RunOutputs}, so the merged files are those of the run never split. Replica r's numbers
 * depend on its seed and r only, and the outputs are computed from the replicas in replica order,
 * which is why the CSV files come out byte for byte the same.
 *
 * <p>Divergence: a run stops recording at the first step at which any replica diverged, and every
 * replica runs to its own end regardless, so the whole run's divergence step is the least of the
 * parts', and each part holds at least the steps before it.
 */
public final class ReplicaMerge {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplicaMerge() {}

    /**
     * What {@link #merge} wrote.
     *
     * @param trajectory the whole run's trajectory (its status and divergence step)
     * @param divergedIn the part whose replicas diverged first, null when none diverged or when only the
     *                   estimates over all replicas overflowed
     */
    public record Merged(Trajectory trajectory, int replicas, RunOutputs.Written files, Path divergedIn) { }

    /** One input folder, read and checked on its own. */
    private record Input(Path dir, JsonNode summary, Job job, ReplicaFiles.Part part) { }

    /**
     * True when every input is a partial run ({@code run --replica-range}), false when none is (sweep
     * shards).
     *
     * @throws InvalidSpecException when some are and some are not
     */
    public static boolean arePartialRuns(List<Path> inputs) {
        Path partial = null;
        Path other = null;
        for (Path input : inputs) {
            if (isPartialRun(input)) {
                partial = partial == null ? input : partial;
            } else {
                other = other == null ? input : other;
            }
        }
        if (partial != null && other != null) {
            throw new InvalidSpecException("merge", partial + " is a partial run (run --replica-range) and " + other
                    + " is not; merge the parts of one run, or the shards of one sweep");
        }
        return partial != null;
    }

    private static boolean isPartialRun(Path dir) {
        if (ReplicaFiles.exists(dir)) {
            return true;
        }
        Path summary = dir.resolve(RunOutputs.SUMMARY);
        try {
            return Files.isRegularFile(summary) && JSON.readTree(summary.toFile()).has(Summary.PARTIAL);
        } catch (IOException unreadable) {
            return false;   // not a partial run's summary: left to the sweep merge to refuse
        }
    }

    /**
     * Merges the partial runs in {@code inputs} into {@code out}. Every input is read and checked
     * before anything is written.
     *
     * @throws InvalidSpecException (one line) when an input is not a finished partial run, the inputs
     *         are parts of different jobs, or their ranges overlap or leave replicas out
     */
    public static Merged merge(List<Path> inputs, Path out) throws IOException {
        List<Input> parts = new ArrayList<>();
        for (Path dir : inputs) {
            if (dir.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
                throw new InvalidSpecException("--out", out + " is one of the partial runs being merged; choose"
                        + " another folder");
            }
            parts.add(read(dir));
        }
        Input first = parts.get(0);
        for (Input p : parts.subList(1, parts.size())) {
            String different = JobIdentity.difference(JobIdentity.of(first.job()), JobIdentity.of(p.job()));
            if (different != null) {
                throw new InvalidSpecException("merge", p.dir() + " is a part of a different job than " + first.dir()
                        + " (" + different + "); merge the parts of one run only");
            }
        }
        int replicas = first.job().experiment().simulation().replicas();
        requireEachReplicaOnce(parts, replicas);
        parts.sort(Comparator.comparingInt(p -> p.part().range().first()));

        // estimates over all replicas can overflow where each part's did not (Divergence)
        Trajectory whole = Divergence.check(combine(parts, replicas, first.job().experiment().data().train().size()),
                first.job().experiment().objective());
        Path divergedIn = parts.stream().filter(p -> p.part().trajectory().divergedStep() == whole.divergedStep()
                && whole.status() == Trajectory.Status.DIVERGED).map(Input::dir).findFirst().orElse(null);
        double wallSeconds = parts.stream().mapToDouble(p -> p.summary().path("wallSeconds").asDouble(0)).sum();
        BackendUsed backend = new BackendUsed(joined(parts, "backend"), joined(parts, "gemm"),
                first.job().experiment().simulation().precision());
        Job job = first.job();
        String jobFile = first.summary().path("jobFile").asText(null);
        job = new Job(job.engine(), job.experiment(), jobFile == null ? null : Path.of(jobFile), job.fashionMnist());
        RunOutputs.Written files = RunOutputs.write(out, job, whole, backend, wallSeconds);
        return new Merged(whole, replicas, files, divergedIn);
    }

    /** A finished partial run: its summary, its job (read back from the summary) and its replicas. */
    private static Input read(Path dir) {
        Path summaryFile = dir.resolve(RunOutputs.SUMMARY);
        if (!Files.isRegularFile(summaryFile)) {
            throw new InvalidSpecException("merge", dir + " holds no finished partial run (it has no "
                    + RunOutputs.SUMMARY + "; is it still running? run --resume finishes a killed one)");
        }
        JsonNode summary;
        try {
            summary = JSON.readTree(summaryFile.toFile());
        } catch (IOException e) {
            throw new InvalidSpecException("merge", summaryFile + " cannot be read: " + e.getMessage());
        }
        if (!summary.path(Summary.PARTIAL).isObject() || !(summary.path("job") instanceof ObjectNode tree)) {
            throw new InvalidSpecException("merge", summaryFile + " is not the summary of a partial run (it has no "
                    + Summary.PARTIAL + " or no job)");
        }
        Job job;
        try {
            job = JobFile.read(tree.deepCopy(), null);
        } catch (InvalidSpecException e) {
            throw new InvalidSpecException("merge", "the job in " + summaryFile + " cannot be read back: "
                    + e.getMessage());
        }
        if (!ReplicaFiles.exists(dir)) {
            throw new InvalidSpecException("merge", dir + " has no " + ReplicaFiles.FOLDER + "/" + ReplicaFiles.HEADER
                    + " beside its " + RunOutputs.SUMMARY);
        }
        ReplicaFiles.Part part;
        try {
            part = ReplicaFiles.read(dir, job);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("merge", e.getMessage());
        }
        JsonNode range = summary.path(Summary.PARTIAL);
        if (range.path("first").asInt(-1) != part.range().first() || range.path("end").asInt(-1) != part.range().end()
                || part.replicas() != job.experiment().simulation().replicas()) {
            throw new InvalidSpecException("merge", dir + " is inconsistent: its " + RunOutputs.SUMMARY + " and "
                    + ReplicaFiles.FOLDER + "/" + ReplicaFiles.HEADER + " name different replicas");
        }
        return new Input(dir, summary, job, part);
    }

    /** Ranges that overlap, or replicas in no range, are refused, naming the replicas. */
    private static void requireEachReplicaOnce(List<Input> parts, int replicas) {
        Input[] owner = new Input[replicas];
        for (Input p : parts) {
            int overlapFrom = -1;
            int overlapTo = -1;
            Input other = null;
            for (int r = p.part().range().first(); r < p.part().range().end(); r++) {
                if (owner[r] != null && other == null) {
                    other = owner[r];
                    overlapFrom = r;
                }
                if (owner[r] == other && other != null) {
                    overlapTo = r + 1;
                }
                owner[r] = owner[r] == null ? p : owner[r];
            }
            if (other != null) {
                throw new InvalidSpecException("merge", "replicas " + overlapFrom + ":" + overlapTo + " are in both "
                        + other.dir() + " (" + other.part().range() + ") and " + p.dir() + " (" + p.part().range()
                        + "); merge each replica once");
            }
        }
        List<String> missing = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            if (owner[r] == null) {
                int end = r;
                while (end < replicas && owner[end] == null) {
                    end++;
                }
                missing.add(r + ":" + end);
                r = end;
            }
        }
        if (!missing.isEmpty()) {
            String held = parts.stream().map(p -> p.part().range().toString()).sorted(Comparator.comparingInt(
                    s -> Integer.parseInt(s.substring(0, s.indexOf(':'))))).collect(Collectors.joining(", "));
            throw new InvalidSpecException("merge", "replicas " + String.join(", ", missing) + " of the " + replicas
                    + " are in none of the inputs (they hold " + held + "); run them with --replica-range "
                    + missing.get(0) + " and merge again");
        }
    }

    /** The whole run's trajectory from its parts, in replica order. */
    private static Trajectory combine(List<Input> parts, int replicas, int trainCount) {
        List<Trajectory> ts = parts.stream().map(p -> p.part().trajectory()).toList();
        int divergedStep = ts.stream().filter(t -> t.status() == Trajectory.Status.DIVERGED)
                .mapToInt(Trajectory::divergedStep).min().orElse(-1);
        // each part kept the steps before its own divergence: the run keeps the fewest
        Trajectory shortest = ts.stream().min(Comparator.comparingInt(t -> t.steps().length)).orElseThrow();
        int[] steps = shortest.steps();
        double[][][] outputs = new double[replicas][][];
        Map<String, double[][]> kernels = new LinkedHashMap<>();
        for (String name : ts.get(0).kernels().keySet()) {
            kernels.put(name, new double[replicas][]);
        }
        int featureCount = shortest.features().size();
        double[][][] features = new double[featureCount][replicas][];
        for (int i = 0; i < parts.size(); i++) {
            Trajectory t = ts.get(i);
            int from = parts.get(i).part().range().first();
            if (!Arrays.equals(steps, Arrays.copyOf(t.steps(), steps.length))
                    || !kernels.keySet().equals(new LinkedHashSet<>(t.kernels().keySet()))) {
                throw new InvalidSpecException("merge", parts.get(i).dir() + " recorded other steps or kernels than "
                        + parts.get(0).dir() + " of the same job");
            }
            for (int k = 0; k < t.replicas(); k++) {
                outputs[from + k] = Arrays.copyOf(t.outputs()[k], steps.length);
                for (var kernel : t.kernels().entrySet()) {
                    kernels.get(kernel.getKey())[from + k] = kernel.getValue()[k];
                }
                for (int f = 0; f < featureCount; f++) {
                    Trajectory.FeatureKernel mine = t.features().get(f);
                    Trajectory.FeatureKernel theirs = shortest.features().get(f);
                    if (mine.step() != theirs.step() || mine.layer() != theirs.layer()) {
                        throw new InvalidSpecException("merge", parts.get(i).dir() + " recorded other feature kernels"
                                + " than " + parts.get(0).dir() + " of the same job");
                    }
                    features[f][from + k] = mine.perReplica()[k];
                }
            }
        }
        List<Trajectory.FeatureKernel> featureList = new ArrayList<>();
        for (int f = 0; f < featureCount; f++) {
            Trajectory.FeatureKernel key = shortest.features().get(f);
            featureList.add(new Trajectory.FeatureKernel(key.step(), key.layer(), features[f]));
        }
        return new Trajectory(steps, outputs, trainCount, ts.get(0).components(),
                divergedStep < 0 ? Trajectory.Status.COMPLETED : Trajectory.Status.DIVERGED, divergedStep, kernels,
                featureList);
    }

    /** A summary field of every part: the one value when they agree, else the values in replica order joined by "+". */
    private static String joined(List<Input> parts, String field) {
        return parts.stream().map(p -> p.summary().path(field).asText("")).distinct().collect(Collectors.joining("+"));
    }
}
