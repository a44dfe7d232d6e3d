package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Corrupted checkpoints (JOB-SPEC.md, "Checkpoints"): real checkpoints of three engines, damaged at
 * random, as a disk, a copy or a careless edit would: any header field set to another value or
 * removed, array entries removed, repeated, renamed or added, offsets and counts moved, the header
 * or the data file truncated, extended, bit-flipped, words swapped, the data file deleted. The
 * contract for every damage: {@code run --resume} exits with status 2 and one stderr line naming
 * the checkpoint folder, writes nothing, and leaves the checkpoint as it found it. A header edit
 * whose {@code headerSha256} was recomputed (a deliberate edit) may instead resume, but then to the
 * very files of the run never interrupted; that is also the contract of an edit to {@code version:
 * 1} (the older format, read without checksums). A few hundred cases run by default, thousands with
 * the slow tests ({@code -Pslow}).
 */
class CheckpointFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> JOBS = List.of(
            ResumeTest.job("finite", 2, "tanh", "adam", "float64"),
            ResumeTest.job("nt-limit", 2, "tanh", "adam", "float64"),
            ResumeTest.job("mu-limit", 2, "tanh", "sgd", "float32"));

    @TempDir
    static Path dir;

    /** Per job: the job file, the checkpoint's files (name to bytes), and the uninterrupted run's outputs. */
    private record Pristine(Path job, Map<String, byte[]> checkpoint, Path whole) { }

    private static final List<Pristine> PRISTINE = new ArrayList<>();

    @BeforeAll
    static void saveCheckpoints() throws IOException {
        for (int i = 0; i < JOBS.size(); i++) {
            Path job = Files.writeString(dir.resolve("job" + i + ".yaml"), JOBS.get(i));
            Path whole = dir.resolve("whole" + i);
            assertEquals(Main.OK, Cli.run("run", job.toString(), "--out", whole.toString(), "--quiet").status());
            Path killed = dir.resolve("killed" + i);
            RunCommand.afterStep = ResumeTest.dieAfter(0, 4);
            try {
                assertEquals(Main.FAILED, Cli.run("run", job.toString(), "--out", killed.toString(), "--quiet").status());
            } finally {
                RunCommand.afterStep = null;
            }
            PRISTINE.add(new Pristine(job, files(killed.resolve("checkpoint")), whole));
        }
    }

    @AfterAll
    static void forget() {
        PRISTINE.clear();
    }

    @Test
    void anIntactCheckpointResumesToTheFilesOfTheUninterruptedRun() throws IOException {
        for (int i = 0; i < PRISTINE.size(); i++) {
            Path out = dir.resolve("intact" + i);
            write(out, PRISTINE.get(i).checkpoint());
            Cli cli = resume(PRISTINE.get(i), out);
            assertEquals(Main.OK, cli.status(), cli.err());
            assertSameOutputs(PRISTINE.get(i), out);
        }
    }

    /** The issue's cases, one by one, as saved and with the header's SHA-256 recomputed. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"offset moved by 8", "array missing", "array renamed", "wrong type", "count 2^61",
        "count one short", "position moved", "rows and cols swapped"})
    void theIssuesHeaderEditsAreRefused(String edit) throws IOException {
        for (boolean reseal : new boolean[] {false, true}) {
            for (int i = 0; i < PRISTINE.size(); i++) {
                Pristine p = PRISTINE.get(i);
                ObjectNode header = (ObjectNode) JSON.readTree(p.checkpoint().get("checkpoint.json"));
                ArrayNode arrays = (ArrayNode) header.get("arrays");
                ObjectNode matrix = null;
                for (JsonNode a : arrays) {
                    if (a.has("rows") && a.get("rows").intValue() != a.get("cols").intValue()) {
                        matrix = (ObjectNode) a;
                    }
                }
                ObjectNode last = (ObjectNode) arrays.get(arrays.size() - 1);
                switch (edit) {
                    case "offset moved by 8" -> last.put("offset", last.get("offset").longValue() + 8);
                    case "array missing" -> arrays.remove(arrays.size() - 1);
                    case "array renamed" -> last.put("name", last.get("name").textValue() + "x");
                    case "wrong type" -> last.put("type", last.get("type").textValue().equals("int32") ? "float32" : "int64");
                    case "count 2^61" -> last.put("count", 1L << 61);
                    case "count one short" -> last.put("count", last.get("count").longValue() - 1);
                    case "position moved" -> ((ObjectNode) header.get("position")).put("step", 2);
                    case "rows and cols swapped" -> {
                        if (matrix == null) {
                            continue;
                        }
                        int rows = matrix.get("rows").intValue();
                        matrix.put("rows", matrix.get("cols").intValue());
                        matrix.put("cols", rows);
                    }
                    default -> throw new IllegalArgumentException(edit);
                }
                Map<String, byte[]> damaged = new TreeMap<>(p.checkpoint());
                damaged.put("checkpoint.json", JSON.writeValueAsBytes(reseal ? resealed(header) : header));
                Path out = dir.resolve("issue-" + edit.replace(' ', '-') + "-" + reseal + "-" + i);
                String problem = check(p, out, damaged, false);
                assertEquals(null, problem, edit + (reseal ? " (resealed)" : "") + " in " + p.job());
            }
        }
    }

    @Test
    void aFewHundredRandomDamagesKeepTheContract() throws IOException {
        fuzz(1, 300);
    }

    @Test
    @Tag("slow")
    void thousandsOfRandomDamagesKeepTheContract() throws IOException {
        fuzz(1000, 5000);
    }

    /** Runs cases {@code first .. first + count - 1} and fails listing the first ten that broke the contract. */
    private static void fuzz(long first, int count) throws IOException {
        List<String> broken = new ArrayList<>();
        int tried = 0;
        for (long seed = first; seed < first + count; seed++) {
            Random random = new Random(seed);
            Pristine p = PRISTINE.get(random.nextInt(PRISTINE.size()));
            Damage damage = damage(p.checkpoint(), random);
            if (damage == null) {
                continue;
            }
            tried++;
            String problem = check(p, dir.resolve("fuzz-" + seed), damage.files(), damage.mayResume());
            if (problem != null) {
                broken.add("case " + seed + " (" + damage.what() + "): " + problem);
            }
        }
        assertTrue(tried > count / 2, "most cases damage something: " + tried + " of " + count);
        assertTrue(broken.isEmpty(), broken.size() + " of " + tried + " cases broke the contract, for example\n"
                + String.join("\n", broken.subList(0, Math.min(10, broken.size()))));
    }

    /**
     * Resumes from {@code damaged} in {@code out}; null when the contract holds, else what broke it.
     * Exit 2: one line naming the checkpoint folder, nothing on stdout, nothing written, the checkpoint
     * as it was. Exit 0 (only where {@code mayResume}): the outputs of the uninterrupted run.
     */
    private static String check(Pristine p, Path out, Map<String, byte[]> damaged, boolean mayResume)
            throws IOException {
        write(out, damaged);
        Cli cli = resume(p, out);
        try {
            if (cli.status() == Main.OK && mayResume) {
                assertSameOutputs(p, out);
                return null;
            }
            if (cli.status() != Main.BAD_INPUT) {
                return "exit status " + cli.status() + ", stderr " + cli.err().lines().findFirst().orElse("");
            }
            if (cli.err().lines().count() != 1 || !cli.err().contains(out.resolve("checkpoint").toString())) {
                return "stderr is not one line naming the checkpoint: " + cli.err();
            }
            if (!cli.out().isEmpty()) {
                return "stdout: " + cli.out();
            }
            List<String> left;
            try (Stream<Path> list = Files.list(out)) {
                left = list.map(f -> f.getFileName().toString()).toList();
            }
            if (!left.equals(List.of("checkpoint"))) {
                return "left in --out: " + left;
            }
            Map<String, byte[]> after = files(out.resolve("checkpoint"));
            if (!after.keySet().equals(damaged.keySet())
                    || damaged.keySet().stream().anyMatch(f -> !Arrays.equals(damaged.get(f), after.get(f)))) {
                return "the checkpoint was changed";
            }
            return null;
        } catch (AssertionError e) {
            return "resumed to other outputs: " + e.getMessage();
        } finally {
            delete(out);
        }
    }

    /** A damaged copy of a checkpoint, what was done, and whether resuming from it may succeed. */
    private record Damage(Map<String, byte[]> files, String what, boolean mayResume) { }

    /** One random damage; null when it changed nothing. */
    private static Damage damage(Map<String, byte[]> pristine, Random random) throws IOException {
        Map<String, byte[]> files = new TreeMap<>(pristine);
        String data = files.keySet().stream().filter(f -> f.startsWith("state-")).findFirst().orElseThrow();
        byte[] header = files.get("checkpoint.json");
        byte[] bytes = files.get(data);
        String what;
        boolean mayResume = false;
        int kind = random.nextInt(10);
        if (kind < 5) {
            ObjectNode tree = (ObjectNode) JSON.readTree(header);
            what = editHeader(tree, random);
            if (Arrays.equals(JSON.writeValueAsBytes(tree), JSON.writeValueAsBytes(JSON.readTree(header)))) {
                return null;
            }
            boolean reseal = random.nextBoolean();
            mayResume = reseal || tree.path("version").asInt() == 1;
            files.put("checkpoint.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(
                    reseal ? resealed(tree) : tree));
            what += reseal ? ", resealed" : "";
        } else if (kind == 5) {
            int at = random.nextInt(header.length);
            what = random.nextBoolean() ? "header cut at byte " + at : "header byte " + at + " flipped";
            files.put("checkpoint.json", what.contains("cut") ? Arrays.copyOf(header, at) : flipped(header, at, random));
        } else if (kind == 6) {
            int at = random.nextInt(bytes.length);
            what = "data bit flipped at byte " + at;
            files.put(data, flipped(bytes, at, random));
        } else if (kind == 7) {
            int length = random.nextBoolean() ? random.nextInt(bytes.length) : bytes.length + 1 + random.nextInt(64);
            what = "data file of " + length + " bytes instead of " + bytes.length;
            byte[] resized = Arrays.copyOf(bytes, length);
            for (int i = bytes.length; i < length; i++) {
                resized[i] = (byte) random.nextInt(256);
            }
            files.put(data, resized);
        } else if (kind == 8) {
            int a = 8 * random.nextInt(bytes.length / 8);
            int b = 8 * random.nextInt(bytes.length / 8);
            what = "data words at bytes " + a + " and " + b + " swapped";
            byte[] swapped = bytes.clone();
            System.arraycopy(bytes, a, swapped, b, 8);
            System.arraycopy(bytes, b, swapped, a, 8);
            files.put(data, swapped);
        } else {
            what = random.nextBoolean() ? "data file deleted" : "data file renamed";
            files.remove(data);
            if (what.endsWith("renamed")) {
                files.put("state-r0-s6.bin", bytes);
            }
        }
        boolean same = files.keySet().equals(pristine.keySet())
                && files.keySet().stream().allMatch(f -> Arrays.equals(files.get(f), pristine.get(f)));
        return same ? null : new Damage(files, what, mayResume);
    }

    /** Sets a random field of the header to a random value, removes it, or edits the list of arrays. */
    private static String editHeader(ObjectNode header, Random random) {
        ArrayNode arrays = (ArrayNode) header.get("arrays");
        switch (random.nextInt(6)) {
            case 0 -> {
                int i = random.nextInt(arrays.size());
                return "array entry " + arrays.remove(i).path("name").textValue() + " removed";
            }
            case 1 -> {
                JsonNode copy = arrays.get(random.nextInt(arrays.size())).deepCopy();
                arrays.insert(random.nextInt(arrays.size() + 1), copy);
                return "array entry " + copy.path("name").textValue() + " repeated";
            }
            case 2 -> {
                ObjectNode a = (ObjectNode) arrays.get(random.nextInt(arrays.size()));
                ObjectNode b = (ObjectNode) arrays.get(random.nextInt(arrays.size()));
                JsonNode name = a.get("name");
                a.set("name", b.get("name"));
                b.set("name", name);
                return "names of arrays " + name.textValue() + " and " + a.get("name").textValue() + " swapped";
            }
            default -> {
                List<JsonNode> parents = new ArrayList<>();
                List<String> fields = new ArrayList<>();
                leaves(header, parents, fields);
                int i = random.nextInt(fields.size());
                JsonNode value = random.nextInt(8) == 0 ? null : value(parents.get(i).get(fields.get(i)), random);
                if (value == null) {
                    ((ObjectNode) parents.get(i)).remove(fields.get(i));
                    return "field " + fields.get(i) + " removed";
                }
                ((ObjectNode) parents.get(i)).set(fields.get(i), value);
                return "field " + fields.get(i) + " set to " + value;
            }
        }
    }

    /** Every field of an object below {@code node} whose value is not an object or array, with its parent. */
    private static void leaves(JsonNode node, List<JsonNode> parents, List<String> fields) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getValue().isContainerNode()) {
                    leaves(e.getValue(), parents, fields);
                } else {
                    parents.add(node);
                    fields.add(e.getKey());
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> leaves(child, parents, fields));
        }
    }

    /** A value to put in place of {@code old}: near it, huge, negative, or of another kind. */
    private static JsonNode value(JsonNode old, Random random) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        long n = old.isNumber() ? old.longValue() : 0;
        return switch (random.nextInt(12)) {
            case 0 -> f.numberNode(n + 1);
            case 1 -> f.numberNode(n - 1);
            case 2 -> f.numberNode(n + 8 * (random.nextInt(5) - 2));
            case 3 -> f.numberNode(1L << (31 + random.nextInt(32)));
            case 4 -> f.numberNode(-1 - random.nextInt(1000));
            case 5 -> f.numberNode(Long.MAX_VALUE);
            case 6 -> f.numberNode(n + 0.5);
            case 7 -> f.textNode(old.asText() + "x");
            case 8 -> f.textNode("");
            case 9 -> f.nullNode();
            case 10 -> f.booleanNode(true);
            default -> f.textNode(String.valueOf(n));
        };
    }

    /** {@code header} with its {@code headerSha256} recomputed, as a deliberate edit would leave it. */
    private static ObjectNode resealed(ObjectNode header) throws IOException {
        ObjectNode rest = header.deepCopy();
        rest.remove("headerSha256");
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(rest));
            ObjectNode sealed = header.deepCopy();
            sealed.put("headerSha256", HexFormat.of().formatHex(sha));
            return sealed;
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static byte[] flipped(byte[] bytes, int at, Random random) {
        byte[] copy = bytes.clone();
        copy[at] ^= (byte) (1 << random.nextInt(8));
        return copy;
    }

    private static Cli resume(Pristine p, Path out) {
        return Cli.run("run", p.job().toString(), "--out", out.toString(), "--resume", "--quiet");
    }

    private static void assertSameOutputs(Pristine p, Path out) throws IOException {
        for (String file : List.of("trajectory.csv", "loss.csv", "features.csv", "kernels.csv")) {
            assertEquals(Files.exists(p.whole().resolve(file)), Files.exists(out.resolve(file)), file);
            if (Files.exists(out.resolve(file))) {
                assertArrayEquals(Files.readAllBytes(p.whole().resolve(file)), Files.readAllBytes(out.resolve(file)),
                        file);
            }
        }
    }

    private static Map<String, byte[]> files(Path folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path f : list.toList()) {
                files.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return files;
    }

    private static void write(Path out, Map<String, byte[]> checkpoint) throws IOException {
        Path folder = Files.createDirectories(out.resolve("checkpoint"));
        for (var f : checkpoint.entrySet()) {
            Files.write(folder.resolve(f.getKey()), f.getValue());
        }
    }

    private static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
