package io.github.infinitewidth.job;

import io.github.infinitewidth.backend.BackendChoice;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Command-line values that replace the job file's (JOB-SPEC.md: "Command-line values override
 * the file"). A null component leaves the file's value, or its default, in place.
 *
 * @param seed      {@code --seed}: {@code simulation.seed}
 * @param particles {@code --particles}: {@code simulation.particles}
 * @param replicas  {@code --replicas}: {@code simulation.replicas}
 * @param steps     {@code --steps}: {@code training.steps}
 * @param backend   {@code --backend}: {@code simulation.backend}
 */
public record Overrides(Long seed, Integer particles, Integer replicas, Integer steps, BackendChoice backend) {

    /** No overrides: the job file as written. */
    public static final Overrides NONE = new Overrides(null, null, null, null, null);

    /**
     * Writes the overrides into the job-file tree, so that they pass through exactly the
     * checks (and error messages) a value in the file would, and show up in the resolved job.
     */
    void applyTo(ObjectNode root) {
        if (seed != null) {
            section(root, "simulation").put("seed", seed);
        }
        if (particles != null) {
            section(root, "simulation").put("particles", particles);
        }
        if (replicas != null) {
            section(root, "simulation").put("replicas", replicas);
        }
        if (steps != null) {
            section(root, "training").put("steps", steps);
        }
        if (backend != null) {
            section(root, "simulation").put("backend", backend.spelling());
        }
    }

    /**
     * The named section, created when absent. A section that is present but not a mapping is
     * left alone and a detached node returned, so the reader still reports the file's mistake.
     */
    private static ObjectNode section(ObjectNode root, String name) {
        JsonNode existing = root.get(name);
        if (existing == null || existing.isNull()) {
            return root.putObject(name);
        }
        return existing.isObject() ? (ObjectNode) existing : root.objectNode();
    }
}
