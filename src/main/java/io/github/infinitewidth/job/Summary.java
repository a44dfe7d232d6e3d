package io.github.infinitewidth.job;

import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.train.Objective;
import io.github.infinitewidth.ket.Estimate;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * The content of {@code summary.json} (JOB-SPEC.md, "Outputs"). Numbers that do not exist (the
 * standard error of a single replica) are JSON {@code null}: JSON has no NaN, and strict readers
 * reject the bare {@code NaN} token some writers emit.
 */
final class Summary {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The field of a partial run's summary: its replica range and the run's number of replicas. */
    static final String PARTIAL = "partial";

    private Summary() {}

    static String json(Job job, Trajectory t, BackendUsed backend, double wallSeconds) {
        Experiment e = job.experiment();
        ObjectNode root = JSON.createObjectNode();
        root.put("engine", job.engine());
        root.put("status", t.status().spelling());
        if (t.status() == Trajectory.Status.DIVERGED) {
            root.put("divergedStep", t.divergedStep());
        }
        root.put("backend", backend.name());
        root.put("gemm", backend.gemm());
        root.put("precision", backend.precision().spelling());
        if (job.engine().equals("finite")) {
            root.put("width", e.network().width());   // a network has neurons, not particles
        } else {
            root.put("particles", e.simulation().particles());
        }
        root.put("replicas", e.simulation().replicas());
        if (e.simulation().partial()) {
            // a part of a split run: its finalLoss is over these replicas only; merge gives the run's
            ObjectNode partial = root.putObject(PARTIAL);
            partial.put("first", e.simulation().firstReplica());
            partial.put("end", e.simulation().endReplica());
            partial.put("replicas", e.simulation().replicas());
        }
        root.put("steps", e.training().steps());
        root.put("wallSeconds", wallSeconds);
        finalLoss(root, job, t);
        root.put("version", Version.current());
        root.put("jobFile", job.file() == null ? null : job.file().toString());
        root.set("job", job.resolvedTree());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException impossible) {
            throw new UncheckedIOException(impossible);   // a tree of plain values always serializes
        }
    }

    /**
     * {@code finalLoss} at the last recorded step, which {@code finalStep} names: {@code steps}
     * for a completed run, the last step before divergence otherwise. Both are null when a run
     * diverged before recording anything; {@code test} is null when there is no test data.
     * Classification losses add {@code finalAccuracy} in the same form.
     */
    private static void finalLoss(ObjectNode root, Job job, Trajectory t) {
        int k = t.steps().length - 1;
        Objective objective = job.experiment().objective();
        if (k < 0) {
            root.putNull("finalStep");
            root.putNull("finalLoss");
            if (objective.classifies()) {
                root.putNull("finalAccuracy");
            }
            return;
        }
        root.put("finalStep", t.steps()[k]);
        perSplit(root.putObject("finalLoss"), t, split -> split.loss(t, k, objective));
        if (objective.classifies()) {
            perSplit(root.putObject("finalAccuracy"), t, split -> split.accuracy(t, k, objective));
        }
    }

    /** {@code {train: {mean, stderr}, test: {mean, stderr} or null}}. */
    private static void perSplit(ObjectNode into, Trajectory t, java.util.function.Function<Split, Estimate> value) {
        for (Split split : Split.of(t)) {
            Estimate estimate = value.apply(split);
            ObjectNode node = into.putObject(split.name());
            number(node, "mean", estimate.mean());
            number(node, "stderr", estimate.stderr());
        }
        if (!into.has("test")) {
            into.putNull("test");
        }
    }

    private static void number(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }
}
