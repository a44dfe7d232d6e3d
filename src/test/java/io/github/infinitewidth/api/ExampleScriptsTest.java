package io.github.infinitewidth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The JShell scripts in {@code examples/} run without a rejected snippet or an exception and print what they promise. */
class ExampleScriptsTest {

    private static JShellRunner.Outcome script(String name) throws IOException {
        return JShellRunner.run(Files.readString(Path.of("examples", name)));
    }

    static void assertRanAndPrinted(JShellRunner.Outcome outcome, String... lineStarts) {
        assertEquals(List.of(), outcome.problems(), outcome.printed());
        List<String> lines = outcome.printed().lines().toList();
        for (String start : lineStarts) {
            assertTrue(lines.stream().anyMatch(line -> line.startsWith(start)),
                    "a line starting with \"" + start + "\" in:\n" + outcome.printed());
        }
    }

    @Test
    void quickTourRuns() throws IOException {
        assertRanAndPrinted(script("quick-tour.jsh"), "engine: mu-limit", "mu-limit completed, 20 steps in",
                "step 20  train loss", "finite completed, 20 steps in",
                "saved [trajectory.csv, loss.csv, features.csv, loss.png, trajectory.png, features.png, summary.json] in");
    }

    @Test
    void widthSweepRuns() throws IOException {
        assertRanAndPrinted(script("width-sweep.jsh"), "mu-limit      test loss", "width    64   test loss",
                "width   256   test loss", "width  1024   test loss");
    }

    @Test
    void ntVersusMuOnFashionMnistRuns() throws IOException {
        assumeTrue(Datasets.fashionMnistInstalled(), "dataset-fashion-mnist is not installed");
        assertRanAndPrinted(script("nt-vs-mu-fashion-mnist.jsh"), "nt-limit completed, 10 steps in",
                "mu-limit completed, 10 steps in", "finite completed, 10 steps in", "step 10  test loss  nt-limit");
    }

    /** {@code jshell script.jsh} stays at its prompt after the last line unless the script ends with {@code /exit}. */
    @Test
    void everyScriptEndsWithExit() throws IOException {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(Path.of("examples"))) {
            scripts = files.filter(p -> p.toString().endsWith(".jsh")).sorted().toList();
        }
        assertTrue(scripts.size() >= 3, scripts.toString());
        for (Path script : scripts) {
            List<String> lines = Files.readAllLines(script).stream().filter(line -> !line.isBlank()).toList();
            assertEquals(JShellRunner.EXIT, lines.get(lines.size() - 1), script + " ends with /exit");
        }
    }

    @Test
    void exitEndsTheScriptAsInTheJshellTool() {
        JShellRunner.Outcome outcome = JShellRunner.run("System.out.println(\"before\");\n/exit\nSystem.out.println(\"after\");\n");

        assertEquals(List.of(), outcome.problems());
        assertEquals("before", outcome.printed().strip());
    }

    @Test
    void aChainContinuedAfterACompleteLineFailsAsInTheJshellTool() {
        List<String> problems = JShellRunner.run("String s = \"a\"\n    .repeat(2);\n").problems();

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("rejected: .repeat(2);"), problems.get(0));
    }

    @Test
    void aRejectedSnippetAndAnExceptionAreReported() {
        List<String> problems = JShellRunner.run("int x = 1;\nString s = x;\nInteger.parseInt(\"a\");\n").problems();

        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("rejected: String s = x;"), problems.get(0));
        assertTrue(problems.get(1).startsWith("threw "), problems.get(1));
    }
}
