package io.github.infinitewidth.job;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.train.Objective;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Writes a run's output files (JOB-SPEC.md, "Outputs"): {@code trajectory.csv},
 * {@code loss.csv}, {@code kernels.csv} and {@code features.csv} when the engine recorded
 * kernels, the plots of {@link RunPlots}, and {@code summary.json}. Means and standard errors are over replicas
 * ({@link Estimate}); numbers are written with {@link Double#toString}, which round-trips
 * exactly, and a missing standard error (one replica) as {@code NaN}.
 */
public final class RunOutputs {
    /** Mean output per recorded step and input: {@code step,split,index,output,stderr}. */
    public static final String TRAJECTORY = "trajectory.csv";
    /** Mean loss per recorded step and split: {@code step,split,loss,stderr}. */
    public static final String LOSS = "loss.csv";
    /** NNGP and NTK kernels, when the engine has them: {@code kernel,i,j,value,stderr}. */
    public static final String KERNELS = "kernels.csv";
    /** Feature kernels per recorded step and hidden layer: {@code step,layer,i,j,value,stderr}. */
    public static final String FEATURES = "features.csv";
    /** The run's summary and resolved job. */
    public static final String SUMMARY = "summary.json";

    private RunOutputs() {}

    /**
     * What {@link #write} wrote.
     *
     * @param files    the names of the files written, in the order written
     * @param problems one line per plot that could not be drawn (the CSV files and the summary are
     *                 written all the same)
     */
    public record Written(List<String> files, List<String> problems) { }

    /**
     * Writes every output of a finished (completed or diverged) run into {@code dir}, created
     * if needed. Each file is replaced atomically. {@code summary.json} is removed first and
     * written last, so that when it is present it describes the files beside it. The plots come
     * after the CSV files they show, so a plot that fails loses no result.
     *
     * @param backend     the backend the run used (its name and GEMM go into the summary)
     * @param wallSeconds the engine's wall-clock time
     */
    public static Written write(Path dir, Job job, Trajectory trajectory, Backend backend, double wallSeconds)
            throws IOException {
        return write(dir, job, trajectory, BackendUsed.of(backend), wallSeconds);
    }

    /**
     * {@link #write(Path, Job, Trajectory, Backend, double)} for a run whose backend is closed. A partial
     * run (its job has a {@link io.github.infinitewidth.engine.SimulationSpec#replicaRange() replica range})
     * also writes its replicas' own numbers into {@link ReplicaFiles#FOLDER} for {@code merge}, and its
     * other files are those of its replicas alone; {@code trajectory} may be the engine's or
     * {@link ReplicaFiles#ownReplicas} of it.
     */
    public static Written write(Path dir, Job job, Trajectory trajectory, BackendUsed backend, double wallSeconds)
            throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(SUMMARY));
        List<String> written = new ArrayList<>();
        if (job.experiment().simulation().partial()) {
            trajectory = ReplicaFiles.ownReplicas(trajectory, job);
            ReplicaFiles.write(dir, job, trajectory, job.experiment().simulation().replicaRange());
            written.add(ReplicaFiles.FOLDER + "/");
        } else {
            // an earlier partial run's replicas would make this folder look like a part of a split run
            ReplicaFiles.delete(dir);
        }
        return writeFiles(dir, job, trajectory, backend, wallSeconds, written);
    }

    /** Every file but the replicas' own, from a trajectory of the run's (or a partial run's) replicas. */
    private static Written writeFiles(Path dir, Job job, Trajectory trajectory, BackendUsed backend,
                                      double wallSeconds, List<String> written) throws IOException {
        Objective objective = job.experiment().objective();
        AtomicFiles.write(dir, TRAJECTORY, out -> trajectory(out, trajectory));
        written.add(TRAJECTORY);
        AtomicFiles.write(dir, LOSS, out -> loss(out, trajectory, objective));
        written.add(LOSS);
        // An optional file left by an earlier run into the same folder would be mistaken for this run's.
        if (trajectory.kernels().isEmpty()) {
            Files.deleteIfExists(dir.resolve(KERNELS));
        } else {
            AtomicFiles.write(dir, KERNELS, out -> kernels(out, trajectory));
            written.add(KERNELS);
        }
        if (trajectory.features().isEmpty()) {
            Files.deleteIfExists(dir.resolve(FEATURES));
        } else {
            AtomicFiles.write(dir, FEATURES, out -> features(out, trajectory));
            written.add(FEATURES);
        }
        List<String> problems = new ArrayList<>();
        written.addAll(RunPlots.write(dir, job, trajectory, problems));
        String summary = Summary.json(job, trajectory, backend, wallSeconds);
        AtomicFiles.write(dir, SUMMARY, out -> out.write(summary));
        written.add(SUMMARY);
        return new Written(written, problems);
    }

    /**
     * True when a {@code summary.json} is of a run of the replicas {@code job} runs: both of every
     * replica, or both partial runs of the same range.
     */
    public static boolean sameReplicas(com.fasterxml.jackson.databind.JsonNode summary, Job job) {
        com.fasterxml.jackson.databind.JsonNode partial = summary.path(Summary.PARTIAL);
        var simulation = job.experiment().simulation();
        if (!simulation.partial()) {
            return partial.isMissingNode();
        }
        return partial.path("first").asInt(-1) == simulation.firstReplica()
                && partial.path("end").asInt(-1) == simulation.endReplica();
    }

    /** One row per output; with k > 1 outputs per input a {@code component} column names the output. */
    private static void trajectory(Writer out, Trajectory t) throws IOException {
        int components = t.components();
        out.write(components == 1 ? "step,split,index,output,stderr\n" : "step,split,index,component,output,stderr\n");
        for (int k = 0; k < t.steps().length; k++) {
            Estimate[] outputs = Estimate.ofReplicas(replicaColumn(t, k));
            for (Split split : Split.of(t)) {
                for (int j = split.from(); j < split.to(); j++) {
                    String keys = t.steps()[k] + "," + split.name() + "," + (j - split.from());
                    for (int c = 0; c < components; c++) {
                        row(out, components == 1 ? keys : keys + "," + c, outputs[j * components + c]);
                    }
                }
            }
        }
    }

    /** The loss per step and split; for classification losses also the accuracy (JOB-SPEC.md loss.csv). */
    private static void loss(Writer out, Trajectory t, Objective objective) throws IOException {
        boolean accuracy = objective.classifies();
        out.write(accuracy ? "step,split,loss,stderr,accuracy,accuracy_stderr\n" : "step,split,loss,stderr\n");
        for (int k = 0; k < t.steps().length; k++) {
            for (Split split : Split.of(t)) {
                Estimate loss = split.loss(t, k, objective);
                String cells = t.steps()[k] + "," + split.name() + "," + loss.mean() + "," + loss.stderr();
                if (accuracy) {
                    Estimate right = split.accuracy(t, k, objective);
                    cells += "," + right.mean() + "," + right.stderr();
                }
                out.write(cells + "\n");
            }
        }
    }

    /** Kernels in name order ({@code nngp}, then {@code ntk}); i and j run over train then test inputs. */
    private static void kernels(Writer out, Trajectory t) throws IOException {
        out.write("kernel,i,j,value,stderr\n");
        int m = t.inputCount();
        for (var kernel : new TreeMap<>(t.kernels()).entrySet()) {
            Estimate[] values = Estimate.ofReplicas(kernel.getValue());
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    row(out, kernel.getKey() + "," + i + "," + j, values[i * m + j]);
                }
            }
        }
    }

    private static void features(Writer out, Trajectory t) throws IOException {
        out.write("step,layer,i,j,value,stderr\n");
        int m = t.inputCount();
        for (Trajectory.FeatureKernel kernel : t.features()) {
            Estimate[] values = Estimate.ofReplicas(kernel.perReplica());
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    row(out, kernel.step() + "," + kernel.layer() + "," + i + "," + j, values[i * m + j]);
                }
            }
        }
    }

    /** {@code outputs[r][k][*]} for every replica r: what {@link Estimate#ofReplicas(double[][])} takes. */
    private static double[][] replicaColumn(Trajectory t, int k) {
        double[][] perReplica = new double[t.replicas()][];
        for (int r = 0; r < perReplica.length; r++) {
            perReplica[r] = t.outputs()[r][k];
        }
        return perReplica;
    }

    /** One CSV row: the key cells (already comma-joined), then the estimate's mean and standard error. */
    private static void row(Writer out, String keys, Estimate estimate) throws IOException {
        out.write(keys + "," + estimate.mean() + "," + estimate.stderr() + "\n");
    }
}
