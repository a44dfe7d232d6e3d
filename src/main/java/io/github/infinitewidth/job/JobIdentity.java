package io.github.infinitewidth.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * What makes two jobs the same simulation, for checkpoints and sweeps: the resolved job
 * ({@link Job#resolvedTree()}) without the fields that do not change any number a run computes,
 * {@code simulation.backend} (auto, cpu or cuda: where it runs), {@code simulation.memoryLimitMiB}
 * {@code simulation.checkpointEvery} and {@code simulation.checkpointMinutes}. Its SHA-256 is taken over the compact JSON text of that
 * tree, whose field order is fixed by {@link ResolvedJob}.
 */
public final class JobIdentity {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fields of {@code simulation} that do not change the numbers. */
    static final List<String> IGNORED_SIMULATION_FIELDS = List.of("backend", "memoryLimitMiB", "checkpointEvery",
            "checkpointMinutes");

    /** The path under which the data are compared; any name other than {@code data} would do. */
    private static final String DATA_CONTENTS = "data contents";

    private JobIdentity() {}

    /** The identity tree of a job. */
    public static ObjectNode of(Job job) {
        return of(job.resolvedTree());
    }

    /** The identity tree of a resolved job tree (for example the {@code job} of a {@code summary.json}). */
    public static ObjectNode of(JsonNode resolved) {
        ObjectNode tree = resolved.deepCopy();
        if (tree.get("simulation") instanceof ObjectNode simulation) {
            simulation.remove(IGNORED_SIMULATION_FIELDS);
        }
        return tree;
    }

    /** Hex SHA-256 of a tree's compact JSON text. */
    public static String sha256(JsonNode tree) {
        try {
            return sha256(JSON.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }

    /** True when two identity trees describe the same simulation (numbers compared by value). */
    public static boolean same(JsonNode there, JsonNode here) {
        return difference(there, here) == null;
    }

    /**
     * The first field in which two identity trees differ, for a user: {@code optimizer.learningRate
     * is 0.1 there and 0.2 here}; {@code data} when only the data differ. Null when equal.
     */
    public static String difference(JsonNode there, JsonNode here) {
        return difference("", there, here);
    }

    private static String difference(String path, JsonNode there, JsonNode here) {
        if (there != null && there.equals(here)) {
            return null;
        }
        if (path.equals("data")) {
            // compared like any tree (a seed read back from JSON is an int node, written as a long one),
            // reported as one fact: the first differing number among a million would say nothing
            return difference(DATA_CONTENTS, there, here) == null ? null : "the data differ";
        }
        if (there != null && here != null && there.isObject() && here.isObject()) {
            for (Iterator<String> it = here.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                String d = difference(path.isEmpty() ? name : path + "." + name, there.get(name), here.get(name));
                if (d != null) {
                    return d;
                }
            }
            for (Iterator<String> it = there.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!here.has(name)) {
                    return (path.isEmpty() ? name : path + "." + name) + " is " + there.get(name) + " there and absent here";
                }
            }
            return null;
        }
        if (there != null && here != null && there.isNumber() && here.isNumber()
                && there.doubleValue() == here.doubleValue()) {
            return null;
        }
        return (path.isEmpty() ? "the job" : path) + " is " + (there == null ? "absent" : there.toString()) + " there and "
                + (here == null ? "absent" : here.toString()) + " here";
    }
}
