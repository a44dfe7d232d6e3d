package io.github.infinitewidth.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files of a 2-class cross-entropy run from a hand-made trajectory, checked against hand-computed numbers. */
class ClassificationOutputsTest {
    @TempDir
    Path dir;

    @Test
    void componentsLossesAndAccuraciesAreWrittenAsJobSpecSays() throws IOException {
        Job job = JobFile.read(Files.writeString(dir.resolve("job.yaml"), """
                engine: finite
                parametrization: mup
                loss: cross-entropy
                network: {width: 4, outputs: 2}
                optimizer: {learningRate: 0.1}
                data:
                  train: {inputs: [[1], [2]], targets: [0, 1]}
                  test: {inputs: [[3]], targets: [1]}
                training: {steps: 2}
                """));
        // f[j k + c]: at step 0 every output 0 (a tie, which goes to class 0); at step 2 train 0 -> (2, 0),
        // train 1 -> (0, 1), test 0 -> (1, 0)
        Trajectory t = new Trajectory(new int[] {0, 2}, new double[][][] {{{0, 0, 0, 0, 0, 0}, {2, 0, 0, 1, 1, 0}}},
                2, 2, Trajectory.Status.COMPLETED, -1, Map.of(), List.of());
        Path out = dir.resolve("out");
        try (Backend backend = Backends.cpu(Precision.FLOAT64, 1)) {
            RunOutputs.Written written = RunOutputs.write(out, job, t, backend, 1.0);
            assertEquals(List.of(), written.problems());
        }

        assertEquals("""
                step,split,index,component,output,stderr
                0,train,0,0,0.0,NaN
                0,train,0,1,0.0,NaN
                0,train,1,0,0.0,NaN
                0,train,1,1,0.0,NaN
                0,test,0,0,0.0,NaN
                0,test,0,1,0.0,NaN
                2,train,0,0,2.0,NaN
                2,train,0,1,0.0,NaN
                2,train,1,0,0.0,NaN
                2,train,1,1,1.0,NaN
                2,test,0,0,1.0,NaN
                2,test,0,1,0.0,NaN
                """, Files.readString(out.resolve("trajectory.csv")));

        List<String> loss = Files.readAllLines(out.resolve("loss.csv"));
        assertEquals("step,split,loss,stderr,accuracy,accuracy_stderr", loss.get(0));
        // softmax cross-entropy log(sum_c exp f_c) - f_y (LIMITS.md section 0)
        double[][] expected = {
            {Math.log(2), 0.5}, {Math.log(2), 0},
            {(Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1))) / 2, 1}, {Math.log1p(Math.E), 0},
        };
        String[] keys = {"0,train", "0,test", "2,train", "2,test"};
        for (int r = 0; r < 4; r++) {
            String[] cells = loss.get(1 + r).split(",");
            assertEquals(keys[r], cells[0] + "," + cells[1]);
            assertEquals(expected[r][0], Double.parseDouble(cells[2]), 1e-15, loss.get(1 + r));
            assertEquals("NaN", cells[3]);
            assertEquals(expected[r][1], Double.parseDouble(cells[4]), 0, loss.get(1 + r));
            assertEquals("NaN", cells[5]);
        }

        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(1.0, summary.at("/finalAccuracy/train/mean").doubleValue());
        assertEquals(0.0, summary.at("/finalAccuracy/test/mean").doubleValue());
        assertTrue(summary.at("/finalAccuracy/train/stderr").isNull(), "one replica: no standard error");
        assertEquals(expected[3][0], summary.at("/finalLoss/test/mean").doubleValue(), 1e-15);
    }
}
