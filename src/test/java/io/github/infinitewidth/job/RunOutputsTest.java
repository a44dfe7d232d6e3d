package io.github.infinitewidth.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Trajectory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output files of JOB-SPEC.md from hand-made trajectories, checked cell by cell. */
class RunOutputsTest {
    @TempDir
    Path dir;
    private Backend backend;
    private Job job;

    @BeforeEach
    void setUp() throws IOException {
        backend = Backends.cpu(Precision.FLOAT64, 1);
        // Two train inputs (targets 1, -1) and one test input (target 0.5); mse loss.
        job = JobFile.read(Files.writeString(dir.resolve("job.yaml"), """
                engine: finite
                parametrization: mup
                network: {width: 4}
                optimizer: {learningRate: 0.1}
                data:
                  train: {inputs: [[1], [2]], targets: [1, -1]}
                  test: {inputs: [[3]], targets: [0.5]}
                training: {steps: 2}
                """));
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void oneReplicaGivesMeansAndNaNStandardErrors() throws IOException {
        Trajectory t = new Trajectory(new int[] {0, 2}, new double[][][] {{{0, 0, 0}, {1, -1, 1.5}}}, 2,
                Trajectory.Status.COMPLETED, -1, Map.of(), List.of());
        Path out = dir.resolve("out");
        RunOutputs.Written written = RunOutputs.write(out, job, t, backend, 1.25);

        assertEquals(List.of("trajectory.csv", "loss.csv", "loss.png", "trajectory.png", "summary.json"),
                written.files());
        assertEquals(List.of(), written.problems());
        assertEquals("""
                step,split,index,output,stderr
                0,train,0,0.0,NaN
                0,train,1,0.0,NaN
                0,test,0,0.0,NaN
                2,train,0,1.0,NaN
                2,train,1,-1.0,NaN
                2,test,0,1.5,NaN
                """, Files.readString(out.resolve("trajectory.csv")));
        // step 0: train (0.5 + 0.5) / 2, test 0.125; step 2: train 0, test 0.5.
        assertEquals("""
                step,split,loss,stderr
                0,train,0.5,NaN
                0,test,0.125,NaN
                2,train,0.0,NaN
                2,test,0.5,NaN
                """, Files.readString(out.resolve("loss.csv")));
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("completed", summary.get("status").textValue());
        assertFalse(summary.has("divergedStep"));
        assertEquals(1.25, summary.get("wallSeconds").doubleValue());
        assertEquals(2, summary.get("finalStep").intValue());
        assertEquals(0.5, summary.at("/finalLoss/test/mean").doubleValue());
        assertTrue(summary.at("/finalLoss/test/stderr").isNull(), "no standard error from one replica");
        assertNoTmpFiles(out);
    }

    @Test
    void twoReplicasGiveStandardErrorsAndKernelAndFeatureFiles() throws IOException {
        double[][] nngp = {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {3, 2, 1, 4, 5, 6, 7, 8, 9}};
        Trajectory t = new Trajectory(new int[] {0}, new double[][][] {{{1, 2, 3}}, {{3, 2, 1}}}, 2,
                Trajectory.Status.COMPLETED, -1, Map.of("ntk", nngp, "nngp", nngp),
                List.of(new Trajectory.FeatureKernel(0, 1, nngp)));
        Path out = dir.resolve("out");
        assertEquals(List.of("trajectory.csv", "loss.csv", "kernels.csv", "features.csv", "loss.png", "trajectory.png",
                "features.png", "kernels.png", "summary.json"), RunOutputs.write(out, job, t, backend, 0).files());

        List<String> trajectory = Files.readAllLines(out.resolve("trajectory.csv"));
        assertEquals("0,train,0,2.0,1.0", trajectory.get(1), "mean 2, sd sqrt(2), stderr sd / sqrt(2)");
        assertEquals("0,train,1,2.0,0.0", trajectory.get(2));
        List<String> kernels = Files.readAllLines(out.resolve("kernels.csv"));
        assertEquals("kernel,i,j,value,stderr", kernels.get(0));
        assertEquals(1 + 2 * 9, kernels.size(), "nngp and ntk over 3 x 3 input pairs");
        assertEquals("nngp,0,0,2.0,1.0", kernels.get(1));
        assertEquals("ntk,2,2,9.0,0.0", kernels.get(18));
        List<String> features = Files.readAllLines(out.resolve("features.csv"));
        assertEquals("step,layer,i,j,value,stderr", features.get(0));
        assertEquals("0,1,0,1,2.0,0.0", features.get(2));
        assertEquals(10, features.size());
        assertNoTmpFiles(out);
    }

    @Test
    void aDivergedRunRecordsItsStepAndTheLossBeforeIt() throws IOException {
        Trajectory t = new Trajectory(new int[] {0}, new double[][][] {{{0, 0, 0}}}, 2,
                Trajectory.Status.DIVERGED, 1, Map.of(), List.of());
        Path out = dir.resolve("out");
        assertEquals(List.of("trajectory.csv", "loss.csv", "loss.png", "trajectory.png", "summary.json"),
                RunOutputs.write(out, job, t, backend, 0).files(), "the steps before the divergence are drawn");
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("diverged", summary.get("status").textValue());
        assertEquals(1, summary.get("divergedStep").intValue());
        assertEquals(0, summary.get("finalStep").intValue());
        assertEquals(0.5, summary.at("/finalLoss/train/mean").doubleValue());
    }

    @Test
    void rewritingAFolderReplacesEveryFileAndDropsOptionalOnesThisRunDidNotMake() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("kernels.csv"), "from an earlier run");
        Files.writeString(out.resolve("features.png"), "from an earlier run");
        Files.writeString(out.resolve("trajectory.csv"), "from an earlier run");
        Trajectory t = new Trajectory(new int[] {0}, new double[][][] {{{0, 0, 0}}}, 2,
                Trajectory.Status.COMPLETED, -1, Map.of(), List.of());
        RunOutputs.write(out, job, t, backend, 0);
        assertFalse(Files.exists(out.resolve("kernels.csv")));
        assertFalse(Files.exists(out.resolve("features.png")));
        assertTrue(Files.readString(out.resolve("trajectory.csv")).startsWith("step,split,index,output,stderr\n"));
    }

    @Test
    void withoutTestDataTheFinalTestLossIsNull() throws IOException {
        Job trainOnly = JobFile.read(Files.writeString(dir.resolve("train-only.yaml"), """
                engine: finite
                optimizer: {learningRate: 0.1}
                data: {train: {inputs: [[1], [2]], targets: [1, -1]}}
                """));
        Trajectory t = new Trajectory(new int[] {0}, new double[][][] {{{0, 0}}}, 2,
                Trajectory.Status.COMPLETED, -1, Map.of(), List.of());
        Path out = dir.resolve("out");
        RunOutputs.write(out, trainOnly, t, backend, 0);
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.at("/finalLoss/test").isNull());
        assertEquals(List.of("step,split,loss,stderr", "0,train,0.5,NaN"), Files.readAllLines(out.resolve("loss.csv")));
    }

    @Test
    void aRunThatDivergedBeforeRecordingAnythingHasNoPlots() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("loss.png"), "from an earlier run");
        Trajectory t = new Trajectory(new int[0], new double[][][] {{}}, 2, Trajectory.Status.DIVERGED, 0, Map.of(),
                List.of());
        assertEquals(List.of("trajectory.csv", "loss.csv", "summary.json"),
                RunOutputs.write(out, job, t, backend, 0).files());
        assertFalse(Files.exists(out.resolve("loss.png")));
    }

    @Test
    void aPlotThatCannotBeWrittenLosesNoResult() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        // a non-empty folder where loss.png goes: the rename onto it fails
        Files.writeString(Files.createDirectories(out.resolve("loss.png")).resolve("keep"), "mine");
        Trajectory t = new Trajectory(new int[] {0, 2}, new double[][][] {{{0, 0, 0}, {1, -1, 1.5}}}, 2,
                Trajectory.Status.COMPLETED, -1, Map.of(), List.of());
        RunOutputs.Written written = RunOutputs.write(out, job, t, backend, 0);
        assertEquals(List.of("trajectory.csv", "loss.csv", "trajectory.png", "summary.json"), written.files());
        assertEquals(2, written.problems().size(), written.problems().toString());
        assertTrue(written.problems().get(0).startsWith("loss.png was not drawn ("), written.problems().get(0));
        assertTrue(written.problems().get(1).startsWith("an earlier loss.png could not be removed ("),
                written.problems().get(1));
        assertTrue(Files.exists(out.resolve("summary.json")));
        assertEquals(5, Files.readAllLines(out.resolve("loss.csv")).size());
        assertNoTmpFiles(out);
    }

    private static void assertNoTmpFiles(Path out) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".tmp")));
        }
    }
}
