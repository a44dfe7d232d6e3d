package io.github.infinitewidth.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.report.Pngs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which grid field {@code sweep.png} puts on its x axis, and the table it reads. */
class SweepPlotsTest {
    @TempDir
    Path dir;

    @Test
    void theLearningRateIsTheXAxisWhenItVaries() {
        Map<String, List<String>> grid = new LinkedHashMap<>();
        grid.put("engine", List.of("finite", "mu-limit"));
        grid.put("network.width", List.of("64", "256"));
        grid.put(SweepPlots.LEARNING_RATE, List.of("0.01", "0.1"));
        assertEquals(SweepPlots.LEARNING_RATE, SweepPlots.xField(grid, List.copyOf(grid.keySet())));
    }

    @Test
    void otherwiseTheFirstVariedFieldOfNumbersOnly() {
        Map<String, List<String>> grid = new LinkedHashMap<>();
        grid.put("engine", List.of("finite", "mu-limit"));
        grid.put(SweepPlots.LEARNING_RATE, List.of("0.1"));
        grid.put("training.shuffle", List.of("true", "false"));
        grid.put("network.width", List.of("64", "256"));
        assertEquals("network.width", SweepPlots.xField(grid, List.of("engine", "training.shuffle", "network.width")));
        assertNull(SweepPlots.xField(grid, List.of("engine", "training.shuffle")), "no numbers: the task index");
    }

    @Test
    void aTableWithoutNumericFieldsIsDrawnByTaskAndOneWithoutResultsNotAtAll() throws IOException {
        Files.writeString(dir.resolve("sweep.json"), """
                {"format": "infinitewidth-sweep", "version": 1, "grid": {"engine": ["finite", "nt-limit", "mu-limit"]}}
                """);
        Files.writeString(dir.resolve("sweep.csv"), String.join("\n",
                "task,engine,final_train_loss,final_train_loss_stderr,final_test_loss,final_test_loss_stderr,status",
                "0000_engine=finite,finite,0.5,0.01,NaN,NaN,completed",
                "0001_engine=nt-limit,nt-limit,NaN,NaN,NaN,NaN,failed",
                "0002_engine=mu-limit,\"mu-limit\",0.25,0.02,NaN,NaN,completed", ""));
        SweepPlots.write(dir);
        Pngs.assertPlot(dir.resolve("sweep.png"), 1);

        Files.writeString(dir.resolve("sweep.csv"),
                "task,engine,final_train_loss,final_train_loss_stderr,final_test_loss,final_test_loss_stderr,status\n");
        SweepPlots.write(dir);
        assertFalse(Files.exists(dir.resolve("sweep.png")), "no results, no plot (and none left from before)");
    }

    @Test
    void quotedCellsAreReadBackAsWritten() {
        List<String> cells = List.of("0001_a=x_y", "x,y", "say \"hi\"", "");
        assertEquals(cells, SweepOutputs.csvCells(SweepOutputs.csvLine(cells).strip()));
    }

    /** sweep.png dashes limit tasks: the engine comes from the grid when it varies, else from the task's summary. */
    @Test
    void aTaskIsALimitByItsGridEngineOrByItsSummary() throws IOException {
        assertTrue(SweepPlots.isLimit(dir, Map.of("task", "0000_engine=mu-limit", "engine", "mu-limit")));
        assertFalse(SweepPlots.isLimit(dir, Map.of("task", "0001_engine=finite", "engine", "finite")));

        Path task = Files.createDirectories(dir.resolve("tasks").resolve("0002_optimizer.learningRate=0.1"));
        Files.writeString(task.resolve("summary.json"), "{\"engine\": \"nt-limit\", \"status\": \"completed\"}");
        assertTrue(SweepPlots.isLimit(dir, Map.of("task", "0002_optimizer.learningRate=0.1")));
        assertFalse(SweepPlots.isLimit(dir, Map.of("task", "0003_optimizer.learningRate=1")), "no summary: solid");
        Files.writeString(task.resolve("summary.json"), "{\"engine\": ");
        assertFalse(SweepPlots.isLimit(dir, Map.of("task", "0002_optimizer.learningRate=0.1")), "unreadable: solid");
    }
}
