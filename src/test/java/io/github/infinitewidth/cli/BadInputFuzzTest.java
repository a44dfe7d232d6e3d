package io.github.infinitewidth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.infinitewidth.job.Sweep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzz tests of the bad-input contract (JOB-SPEC.md, "Command line"): job files and sweep files
 * generated the way a careless or hostile user writes them (a field set to a value of the wrong kind
 * or an extreme one, removed, misspelled; the text cut short, garbled, not UTF-8, or full of
 * aliases), run in-process through {@link Main}. Whatever the input, the tool either runs (exit 0,
 * or 4 for a divergence, with one line) or refuses it with exit status 2, exactly one line on stderr
 * and nothing in {@code --out}; never an internal error or a stack trace. The default run tries a few
 * hundred cases; the tests tagged {@code slow} try thousands.
 */
class BadInputFuzzTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Property(tries = 200)
    void aJobFileIsRunOrRefusedWithOneLine(@ForAll("jobFiles") Input job) {
        check(job, "run");
    }

    @Property(tries = 60)
    void aSweepFileIsRunOrRefusedWithOneLine(@ForAll("sweepFiles") Input sweep) {
        check(sweep, "sweep");
    }

    @Property(tries = 3000)
    @Tag("slow")
    void thousandsOfJobFiles(@ForAll("jobFiles") Input job) {
        check(job, "run");
    }

    @Property(tries = 600)
    @Tag("slow")
    void hundredsOfSweepFiles(@ForAll("sweepFiles") Input sweep) {
        check(sweep, "sweep");
    }

    /** A generated file: what kind of damage it has (for the failure message), and its bytes. */
    record Input(String damage, byte[] bytes) {
        @Override
        public String toString() {
            return damage + ":\n" + new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static void check(Input input, String command) {
        Path dir = temporaryFolder();
        try {
            Files.writeString(dir.resolve("job.yaml"), Cli.VALID_JOB);
            Path file = dir.resolve("input.yaml");
            Files.write(file, input.bytes());
            Path out = dir.resolve("out");
            Cli cli = Cli.run(command, file.toString(), "--out", out.toString(), "--quiet");
            List<String> lines = cli.err().lines().toList();
            Statistics.label("exit status by damage").collect(input.damage().split(" ")[0], cli.status());
            assertFalse(cli.err().contains("internal error") || cli.err().contains("\tat "), cli.err());
            assertTrue(cli.status() == Main.OK || cli.status() == Main.BAD_INPUT || cli.status() == Main.DIVERGED
                    || cli.status() == Main.BACKEND_UNAVAILABLE, "exit status " + cli.status() + ": " + cli.err());
            if (cli.status() != Main.OK) {
                assertEquals(1, lines.size(), cli.err());
            }
            if (cli.status() == Main.BAD_INPUT) {
                assertFalse(Files.exists(out), "bad input left " + out + " behind: " + cli.err());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(dir);
        }
    }

    // ---- job files -------------------------------------------------------------------------------

    @Provide
    Arbitrary<Input> jobFiles() {
        return Arbitraries.oneOf(fieldChanges(), textDamage(), aliases(), sizes());
    }

    /**
     * A size field of each engine set to a value no run of this machine's heap can record or hold
     * (JOB-SPEC.md, "Sizes"): refused through the plan in a moment, or harmless (a batch, an interval).
     */
    private static Arbitrary<Input> sizes() {
        return Combinators.combine(Arbitraries.of("engine: finite\nparametrization: mup", "engine: mu-limit",
                        "engine: nt-limit"),
                Arbitraries.of("training.steps", "simulation.replicas", "network.width", "simulation.particles",
                        "network.hiddenLayers", "training.batchSize", "training.recordEvery",
                        "simulation.checkpointEvery"),
                Arbitraries.of(100_000_000, 1_000_000_000, Integer.MAX_VALUE)).as((engine, path, value) -> {
                    ObjectNode tree = tree(Cli.VALID_JOB.replace("engine: finite\nparametrization: mup", engine));
                    String[] parts = path.split("\\.");
                    ((ObjectNode) tree.get(parts[0])).put(parts[1], value);
                    return new Input("size " + engine.replace('\n', ' ') + " " + path + " = " + value, yaml(tree));
                });
    }

    /** One field of the valid job set to a hostile value, removed, or joined by an unknown one. */
    private static Arbitrary<Input> fieldChanges() {
        List<String> paths = paths(tree(Cli.VALID_JOB), "");
        return Combinators.combine(Arbitraries.of(paths), Arbitraries.of("set", "remove", "add"), hostileValues(),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)).as((path, how, value, name) -> {
                    ObjectNode tree = tree(Cli.VALID_JOB);
                    String[] parts = path.split("\\.");
                    ObjectNode parent = tree;
                    for (int i = 0; i < parts.length - 1; i++) {
                        parent = (ObjectNode) parent.get(parts[i]);
                    }
                    String last = parts[parts.length - 1];
                    switch (how) {
                        case "set" -> parent.set(last, value);
                        case "remove" -> parent.remove(last);
                        default -> parent.set(name, value);
                    }
                    return new Input(how + " " + path + (how.equals("remove") ? "" : " = " + value), yaml(tree));
                });
    }

    /** Values of every kind, and extremes of each: what a field of any type may be given. */
    private static Arbitrary<JsonNode> hostileValues() {
        List<JsonNode> fixed = List.of(NODES.nullNode(), NODES.booleanNode(true), NODES.textNode(""),
                NODES.textNode("x".repeat(100_000)), NODES.textNode("ünïcödé \u0000 \u202e"), NODES.numberNode(0),
                NODES.numberNode(-1), NODES.numberNode(Integer.MAX_VALUE), NODES.numberNode(Integer.MIN_VALUE),
                NODES.numberNode(Long.MAX_VALUE), NODES.numberNode(new BigInteger("1" + "0".repeat(40))),
                NODES.numberNode(1e308), NODES.numberNode(-1e308), NODES.numberNode(Double.MIN_VALUE),
                NODES.numberNode(1e-308), NODES.numberNode(0.5), NODES.arrayNode(),
                NODES.arrayNode().add(1).add("a"), NODES.objectNode(), NODES.objectNode().put("x", 1),
                NODES.arrayNode().add(NODES.arrayNode().add(1e308).add(-1e308)));
        return Arbitraries.oneOf(Arbitraries.of(fixed),
                // mid-sized numbers only where a run stays short whichever field gets them
                Arbitraries.doubles().between(-10, 10).map(d -> (JsonNode) NODES.numberNode(d)),
                Arbitraries.integers().between(-3, 3).map(i -> (JsonNode) NODES.numberNode(i)),
                Arbitraries.strings().ofMaxLength(20).map(s -> (JsonNode) NODES.textNode(s)));
    }

    /** The valid job's text cut short, with a character put in, or made of bytes that are not UTF-8. */
    private static Arbitrary<Input> textDamage() {
        byte[] valid = Cli.VALID_JOB.getBytes(StandardCharsets.UTF_8);
        Arbitrary<Integer> at = Arbitraries.integers().between(0, valid.length);
        Arbitrary<Input> cut = at.map(n -> new Input("cut at " + n, java.util.Arrays.copyOf(valid, n)));
        Arbitrary<Input> inserted = Combinators.combine(at, Arbitraries.of(":", "{", "}", "[", "]", "- ", "#", "&", "*",
                "!", "|", ">", "'", "\"", "\t", "%", "@", "`", "\n  ", "? ", ",", "<<: ")).as((n, s) -> {
                    String text = Cli.VALID_JOB.substring(0, n) + s + Cli.VALID_JOB.substring(n);
                    return new Input("inserted " + s.strip() + " at " + n, text.getBytes(StandardCharsets.UTF_8));
                });
        Arbitrary<Input> bytes = Combinators.combine(at, Arbitraries.bytes().array(byte[].class).ofMinSize(1)
                .ofMaxSize(8)).as((n, junk) -> {
                    byte[] text = new byte[valid.length + junk.length];
                    System.arraycopy(valid, 0, text, 0, n);
                    System.arraycopy(junk, 0, text, n, junk.length);
                    System.arraycopy(valid, n, text, n + junk.length, valid.length - n);
                    return new Input("bytes put in at " + n, text);
                });
        return Arbitraries.oneOf(cut, inserted, bytes);
    }

    /** Anchors and aliases: good ones, undefined ones, and nests that expand beyond any job ("billion laughs"). */
    private static Arbitrary<Input> aliases() {
        Arbitrary<Input> bomb = Arbitraries.integers().between(2, 12).map(depth -> {
            StringBuilder text = new StringBuilder(Cli.VALID_JOB).append("x0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n");
            for (int d = 1; d <= depth; d++) {
                String previous = "*a" + (d - 1);
                text.append('x').append(d).append(": &a").append(d).append(" [")
                        .append(String.join(", ", java.util.Collections.nCopies(10, previous))).append("]\n");
            }
            return new Input("alias-nest of depth " + depth, text.toString().getBytes(StandardCharsets.UTF_8));
        });
        Arbitrary<Input> used = Arbitraries.of("learningRate: 0.1", "width: 8", "steps: 2").flatMap(line ->
                Arbitraries.of("&v", "*v", "&v *v").map(mark -> {
                    String value = line.substring(line.indexOf(':') + 2);
                    String text = Cli.VALID_JOB.replace(line, line.replace(value, mark + " " + value))
                            .replace("  epsilon: 1.0e-8", "  epsilon: *v");
                    return new Input("alias-use " + mark + " on " + line, text.getBytes(StandardCharsets.UTF_8));
                }));
        return Arbitraries.oneOf(bomb, used);
    }

    // ---- sweep files -----------------------------------------------------------------------------

    /** A sweep over the valid job: grid fields known and unknown, value lists of every shape and value. */
    @Provide
    Arbitrary<Input> sweepFiles() {
        List<String> fields = new ArrayList<>(Sweep.FIELDS);
        fields.addAll(List.of("nope", "network", "simulation.replicas.x", "data.train.inputs", ""));
        Arbitrary<JsonNode> list = Arbitraries.oneOf(
                hostileValues().list().ofMinSize(0).ofMaxSize(3).map(values -> {
                    var array = NODES.arrayNode();
                    values.forEach(array::add);
                    return (JsonNode) array;
                }),
                hostileValues());
        Arbitrary<JsonNode> base = Arbitraries.of(NODES.textNode("job.yaml"), NODES.textNode("job.yaml"),
                NODES.textNode("missing.yaml"), NODES.textNode(""), NODES.numberNode(3), NODES.nullNode(),
                NODES.arrayNode().add("job.yaml"));
        return Combinators.combine(base, Arbitraries.maps(Arbitraries.of(fields), list).ofMinSize(0).ofMaxSize(2),
                Arbitraries.of(true, true, true, false)).as((b, grid, withGrid) -> {
                    ObjectNode tree = NODES.objectNode();
                    tree.set("base", b);
                    if (withGrid) {
                        ObjectNode g = tree.putObject("grid");
                        grid.forEach(g::set);
                    }
                    return new Input("sweep " + tree, yaml(tree));
                });
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static ObjectNode tree(String yaml) {
        try {
            return (ObjectNode) YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] yaml(JsonNode tree) {
        try {
            return YAML.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dotted paths of every field of a tree, sections included. */
    private static List<String> paths(JsonNode node, String prefix) {
        List<String> paths = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = prefix + e.getKey();
            paths.add(path);
            if (e.getValue().isObject()) {
                paths.addAll(paths(e.getValue(), path + "."));
            }
        }
        return paths;
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
