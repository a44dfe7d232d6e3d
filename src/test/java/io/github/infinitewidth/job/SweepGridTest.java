package io.github.infinitewidth.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.infinitewidth.util.InvalidSpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large grids: a shard's work does not grow with the grid; tasks are found from their index. */
class SweepGridTest {
    private static final String BASE = """
            engine: finite
            parametrization: mup
            network: {hiddenLayers: 1, activation: tanh, width: 8}
            optimizer: {type: sgd, learningRate: 0.1}
            data:
              train: {inputs: [[1.0, 0.4], [-0.6, 0.9]], targets: [0.8, -0.6]}
            training: {steps: 1}
            simulation: {particles: 16, replicas: 1, seed: 3}
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @AfterEach
    void removeHook() {
        Sweep.jobBuilt = null;
    }

    /** A grid of 100 x 100 x 100 points, every field applying to every point: 10^6 tasks. */
    private Path millionPointSweep(String lastLearningRate) throws IOException {
        Files.writeString(dir.resolve("base.yaml"), BASE);
        String rates = IntStream.range(1, 100).mapToObj(i -> String.format("0.%02d", i))
                .collect(Collectors.joining(", ")) + ", " + lastLearningRate;
        String stds = IntStream.range(50, 150).mapToObj(i -> String.format("%d.%02d", i / 100, i % 100))
                .collect(Collectors.joining(", "));
        String decays = IntStream.range(0, 100).mapToObj(i -> String.format("0.%02d", i)).collect(Collectors.joining(", "));
        return Files.writeString(dir.resolve("big.yaml"), "base: base.yaml\ngrid:\n  optimizer.learningRate: [" + rates
                + "]\n  network.initStd.output: [" + stds + "]\n  optimizer.weightDecay: [" + decays + "]\n");
    }

    @Test
    void aShardOfAMillionPointGridBuildsOneJobPerGridValueAndItsOwnTasksOnly() throws IOException {
        Sweep sweep = Sweep.read(millionPointSweep("1.5"));
        AtomicLong built = new AtomicLong();
        Sweep.jobBuilt = built::incrementAndGet;
        assertEquals(1_000_000, sweep.tasks().size());

        // what `sweep --shard-index 0 --shard-count 1000` does before its first task runs
        sweep.validate();
        // one task per value; the first value of every field is task 0's: 1 + 3 * 99
        assertEquals(298, built.get());
        String sha = sweep.sha256();
        List<Sweep.Task> mine = new ArrayList<>();
        sweep.shard(0, 1000).forEach(mine::add);
        assertEquals(1000, mine.size());
        for (int t = 0; t < mine.size(); t++) {
            assertEquals(1000 * t, mine.get(t).index());
        }
        mine.get(1).job();
        Path out = Files.createDirectories(dir.resolve("out"));
        SweepOutputs.requireSameSweep(out, sweep);
        SweepOutputs.writeDescription(out, sweep);
        SweepOutputs.writeTable(out, sweep);
        SweepOutputs.requireSameSweep(out, sweep);
        // 298 for the values, task 0 for the fingerprint, one own task
        assertEquals(300, built.get());

        JsonNode description = JSON.readTree(out.resolve("sweep.json").toFile());
        assertEquals(2, description.get("version").asInt());
        assertEquals(1_000_000, description.get("taskCount").asInt());
        assertFalse(description.has("tasks"), "a million tasks are not listed");
        assertEquals(sha, description.get("sweepSha256").asText());
        assertEquals("000999_learningRate=0.01_output=0.59_weightDecay=0.99", sweep.tasks().get(999).id());
        assertEquals("999999_learningRate=1.5_output=1.49_weightDecay=0.99", sweep.tasks().get(999_999).id());
    }

    @Test
    void mergeNamesTheMissingTasksOfASweepTooLargeToListByTheirIndex() throws IOException {
        Sweep sweep = Sweep.read(millionPointSweep("1.5"));
        Path shard = Files.createDirectories(dir.resolve("shard"));
        SweepOutputs.writeDescription(shard, sweep);
        Sweep.Task done = sweep.tasks().get(1000);
        List<String> cells = new ArrayList<>(List.of(done.id()));
        sweep.grid().forEach(f -> cells.add(done.value(f.name())));
        cells.addAll(List.of("0.5", "NaN", "NaN", "NaN", "completed"));
        Files.writeString(shard.resolve("sweep.csv"), SweepOutputs.csvLine(SweepOutputs.columns(sweep))
                + SweepOutputs.csvLine(cells));
        SweepOutputs.Merged merged = SweepOutputs.merge(List.of(shard), dir.resolve("merged"));
        assertEquals(1, merged.rows());
        assertEquals(1_000_000, merged.tasks());
        assertEquals(999_999, merged.missing().size());
        assertEquals(List.of("000000", "000999", "001001"), List.of(merged.missing().get(0), merged.missing().get(999),
                merged.missing().get(1000)));
        assertEquals(Files.readString(shard.resolve("sweep.json")), Files.readString(dir.resolve("merged/sweep.json")));
    }

    @Test
    void aBadValueAtTheEndOfAMillionPointGridIsFoundByBuildingAFewHundredJobs() throws IOException {
        Sweep sweep = Sweep.read(millionPointSweep("-1"));
        AtomicLong built = new AtomicLong();
        Sweep.jobBuilt = built::incrementAndGet;
        InvalidSpecException e = assertThrows(InvalidSpecException.class, sweep::validate);
        // the first task that uses the value: learning rate 100 of 100, the other fields at their first values
        assertTrue(e.getMessage().startsWith("task 990000_learningRate=-1_output=0.5_weightDecay=0.0 has a problem:"
                + " optimizer.learningRate must be finite and > 0, got -1"), e.getMessage());
        assertTrue(built.get() <= 298, built + " jobs built");
    }

    @Test
    void tasksFoundFromTheirIndexSkipFieldsThatDoNotApplyAsTheDocumentedOrderDoes() throws IOException {
        Files.writeString(dir.resolve("base.yaml"), BASE);
        Path file = Files.writeString(dir.resolve("mixed.yaml"), """
                base: base.yaml
                grid:
                  engine: [mu-limit, nt-limit, finite]
                  parametrization: [mup, ntp]
                  network.width: [8, 16]
                  optimizer.type: [sgd, adam]
                  optimizer.beta2: [0.99, 0.999]
                  simulation.particles: [16, 32]
                  simulation.centerOutput: [false, true]
                """);
        Sweep sweep = Sweep.read(file);
        // per limit engine: particles 2 x (sgd 1 + adam with 2 beta2) = 6, x 2 centerOutput for nt-limit;
        // finite: parametrization 2 x width 2 x 3 optimizers x 2 centerOutput (both ntp and mup center)
        assertEquals(6 + 12 + 24, sweep.tasks().size());
        List<Sweep.Task> walked = new ArrayList<>();
        sweep.shard(0, 1).forEach(walked::add);
        Set<Map<String, JsonNode>> distinct = new HashSet<>();
        for (int i = 0; i < walked.size(); i++) {
            Sweep.Task t = walked.get(i);
            assertEquals(i, t.index());
            assertEquals(t.id(), sweep.tasks().get(i).id());
            assertTrue(distinct.add(t.values()), "task " + t.id() + " repeats an earlier one");
            String engine = t.value("engine");
            assertEquals(engine.equals("finite"), t.values().containsKey("network.width"), t.id());
            assertEquals(engine.equals("finite"), t.values().containsKey("parametrization"), t.id());
            assertEquals(!engine.equals("finite"), t.values().containsKey("simulation.particles"), t.id());
            assertEquals(!engine.equals("mu-limit"), t.values().containsKey("simulation.centerOutput"), t.id());
            assertEquals(t.value("optimizer.type").equals("adam"), t.values().containsKey("optimizer.beta2"), t.id());
        }
        // the order is that of nested loops, first field slowest, over the values that apply
        assertEquals("0000_engine=mu-limit_type=sgd_particles=16", walked.get(0).id());
        assertEquals("0001_engine=mu-limit_type=sgd_particles=32", walked.get(1).id());
        assertEquals("0002_engine=mu-limit_type=adam_beta2=0.99_particles=16", walked.get(2).id());
        assertEquals("0006_engine=nt-limit_type=sgd_particles=16_centerOutput=false", walked.get(6).id());
        assertEquals("0018_engine=finite_parametrization=mup_width=8_type=sgd_centerOutput=false", walked.get(18).id());
        assertEquals("0041_engine=finite_parametrization=ntp_width=16_type=adam_beta2=0.999_centerOutput=true",
                walked.get(41).id());
        List<String> third = new ArrayList<>();
        sweep.shard(2, 3).forEach(t -> third.add(t.id()));
        assertEquals(IntStream.range(0, 42).filter(i -> i % 3 == 2).mapToObj(i -> walked.get(i).id()).toList(), third);
    }

    @Test
    void aFolderWithAVersion1DescriptionContinuesWhenItsTasksMatch() throws IOException {
        Files.writeString(dir.resolve("base.yaml"), BASE);
        Path file = Files.writeString(dir.resolve("small.yaml"),
                "base: base.yaml\ngrid:\n  optimizer.learningRate: [0.1, 0.2]\n  engine: [mu-limit, finite]\n");
        Sweep sweep = Sweep.read(file);
        Path out = Files.createDirectories(dir.resolve("out"));
        SweepOutputs.writeDescription(out, sweep);
        ObjectNode old = (ObjectNode) JSON.readTree(out.resolve("sweep.json").toFile());
        assertNotEquals(sweep.sha256OfTasks(), sweep.sha256());
        old.put("version", 1).put("sweepSha256", sweep.sha256OfTasks()).remove("taskCount");
        Files.writeString(out.resolve("sweep.json"), old.toString());
        SweepOutputs.requireSameSweep(out, sweep);

        old.put("sweepSha256", sweep.sha256());   // a version 1 file holds the fingerprint over the tasks only
        Files.writeString(out.resolve("sweep.json"), old.toString());
        assertThrows(InvalidSpecException.class, () -> SweepOutputs.requireSameSweep(out, sweep));

        Path other = Files.writeString(dir.resolve("other.yaml"),
                "base: base.yaml\ngrid:\n  optimizer.learningRate: [0.1, 0.3]\n  engine: [mu-limit, finite]\n");
        Path otherOut = Files.createDirectories(dir.resolve("other"));
        SweepOutputs.writeDescription(otherOut, Sweep.read(other));
        assertThrows(InvalidSpecException.class, () -> SweepOutputs.requireSameSweep(otherOut, sweep));
    }
}
