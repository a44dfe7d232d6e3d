package io.github.infinitewidth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * {@code examples/tour.ipynb} is an nbformat 4 notebook for the rapaio-jupyter-kernel, written to run as Jupyter
 * starts it (in the notebook's folder), and its Java cells run. Cells that need the kernel (its {@code %}
 * magics, its {@code display} function and the charts drawn with it) are left out here: .ci/run executes the
 * whole notebook in Jupyter ({@code scripts/run-notebook.sh}).
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

    private static boolean needsTheKernel(String cell) {
        return cell.startsWith("%") || cell.contains("display(") || cell.contains("show(");
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
    void loadsTheJarRelativeToTheNotebooksFolder() throws IOException {
        List<String> cells = codeCells(notebook());

        assertTrue(cells.contains("%jars ../target/infinitewidth.jar"), cells.toString());
        assertEquals(Path.of("target/infinitewidth.jar").toAbsolutePath(),
                NOTEBOOK.toAbsolutePath().getParent().resolve("../target/infinitewidth.jar").normalize());
    }

    /** The kernel's {@code display} stays visible: no wildcard import of a package that could hide it. */
    @Test
    void importsClassesByName() throws IOException {
        for (String cell : codeCells(notebook())) {
            for (String line : cell.lines().toList()) {
                assertFalse(line.startsWith("import java.") && line.contains("*"), line);
                assertFalse(line.startsWith("import org.knowm.") && line.contains("*"), line);
            }
        }
    }

    /** Every chart has a title and both axis titles. */
    @Test
    void everyChartHasATitleAndAxisTitles() throws IOException {
        String all = String.join("\n", codeCells(notebook()));
        Matcher builder = Pattern.compile("new XYChartBuilder\\(\\)[^;]*;").matcher(all);
        int charts = 0;
        while (builder.find()) {
            charts++;
            String chain = builder.group().replaceAll("\\s+", "");
            for (String part : List.of(".title(", ".xAxisTitle(", ".yAxisTitle(")) {
                assertTrue(chain.contains(part), part + " in " + builder.group());
            }
        }
        assertTrue(charts >= 1, "a chart");
        assertTrue(all.contains("show(lossChart("), "the chart is drawn");
    }

    @Test
    void itsJavaCellsRun() throws IOException {
        List<String> cells = codeCells(notebook());
        String java = String.join("\n", cells.stream().filter(c -> !needsTheKernel(c)).toList());

        ExampleScriptsTest.assertRanAndPrinted(JShellRunner.run(java), "engine: mu-limit",
                "mu-limit completed, 20 steps in", "finite completed, 20 steps in",
                "[trajectory.csv, loss.csv, features.csv, loss.png, trajectory.png, features.png, summary.json] in");
    }
}
