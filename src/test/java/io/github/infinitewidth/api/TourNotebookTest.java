package io.github.infinitewidth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * {@code examples/tour.ipynb} is an nbformat 4 notebook for the rapaio-jupyter-kernel, and its Java cells
 * run. Cells that need the kernel (its {@code %} magics, its {@code display} function) or XChart, which the
 * kernel loads and this project does not depend on, are left out: those are not tested here.
 */
class TourNotebookTest {
    private static final Path NOTEBOOK = Path.of("examples/tour.ipynb");

    private static JsonNode notebook() throws IOException {
        return new ObjectMapper().readTree(NOTEBOOK.toFile());
    }

    private static List<String> codeCells(JsonNode notebook) {
        List<String> cells = new ArrayList<>();
        for (JsonNode cell : notebook.get("cells")) {
            if (cell.get("cell_type").asText().equals("code")) {
                cells.add(StreamSupport.stream(cell.get("source").spliterator(), false).map(JsonNode::asText)
                        .reduce("", String::concat));
            }
        }
        return cells;
    }

    private static boolean needsTheKernelOrXChart(String cell) {
        return cell.startsWith("%") || cell.contains("display(") || cell.contains("org.knowm.xchart");
    }

    @Test
    void isAnNbformat4NotebookForTheJavaKernel() throws IOException {
        JsonNode notebook = notebook();

        assertEquals(4, notebook.get("nbformat").asInt());
        assertEquals("rapaio-jupyter-kernel", notebook.at("/metadata/kernelspec/name").asText());
        assertEquals("java", notebook.at("/metadata/language_info/name").asText());
        for (JsonNode cell : notebook.get("cells")) {
            assertTrue(cell.get("source").isArray() && cell.has("metadata") && cell.has("id"), cell.toString());
            if (cell.get("cell_type").asText().equals("code")) {
                assertTrue(cell.get("outputs").isArray() && cell.has("execution_count"), cell.toString());
            }
        }
    }

    @Test
    void declaresTheJarAndXChartForTheKernel() throws IOException {
        List<String> cells = codeCells(notebook());

        assertTrue(cells.contains("%jars target/infinitewidth.jar"), cells.toString());
        assertTrue(cells.stream().anyMatch(c -> c.contains("%dependency /add org.knowm.xchart:xchart:4.0.3")),
                cells.toString());
    }

    @Test
    void itsJavaCellsRun() throws IOException {
        List<String> cells = codeCells(notebook());
        String java = String.join("\n", cells.stream().filter(c -> !needsTheKernelOrXChart(c)).toList());

        ExampleScriptsTest.assertRanAndPrinted(JShellRunner.run(java), "engine: mu-limit",
                "mu-limit completed, 20 steps in", "finite completed, 20 steps in",
                "[trajectory.csv, loss.csv, features.csv, loss.png, trajectory.png, features.png, summary.json] in");
    }
}
