package io.github.infinitewidth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;

/**
 * The JShell scripts in {@code examples/} run without a rejected snippet or an exception and print what
 * they promise. They run in this JVM (JShell's local execution engine) against the test class path, with
 * their printing captured so that the tests print nothing.
 */
class ExampleScriptsTest {

    /** What running a script printed, and every snippet that was rejected or threw. */
    record Outcome(String printed, List<String> problems) { }

    static Outcome run(Path script) throws IOException {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> problems = new ArrayList<>();
        PrintStream original = System.out;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
             JShell shell = JShell.builder().out(out).err(out).executionEngine("local").build()) {
            classPath().forEach(shell::addToClasspath);
            System.setOut(out);
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            String remaining = Files.readString(script);
            while (!remaining.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
                if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                    break;   // only comments are left
                }
                if (!info.completeness().isComplete()) {
                    problems.add("incomplete snippet: " + remaining.strip());
                    break;
                }
                for (SnippetEvent event : shell.eval(info.source())) {
                    problems.addAll(problems(shell, event));
                }
                remaining = info.remaining();
            }
        } finally {
            System.setOut(original);
        }
        return new Outcome(captured.toString(StandardCharsets.UTF_8), problems);
    }

    private static List<String> problems(JShell shell, SnippetEvent event) {
        List<String> problems = new ArrayList<>();
        if (event.status() == Snippet.Status.REJECTED) {
            problems.add("rejected: " + event.snippet().source().strip() + " -- " + shell.diagnostics(event.snippet())
                    .map(d -> d.getMessage(null)).collect(Collectors.joining("; ")));
        }
        if (event.exception() != null) {
            problems.add("threw " + event.exception() + ": " + event.snippet().source().strip());
        }
        return problems;
    }

    /**
     * The test class path: surefire passes it in {@code surefire.test.class.path} (the JVM's own class path
     * is a manifest-only jar there), an IDE in {@code java.class.path}.
     */
    private static List<String> classPath() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(path.split(File.pathSeparator));
    }

    private static void assertRanAndPrinted(Outcome outcome, String... lineStarts) {
        assertEquals(List.of(), outcome.problems(), outcome.printed());
        List<String> lines = outcome.printed().lines().toList();
        for (String start : lineStarts) {
            assertTrue(lines.stream().anyMatch(line -> line.startsWith(start)),
                    "a line starting with \"" + start + "\" in:\n" + outcome.printed());
        }
    }

    @Test
    void quickTourRuns() throws IOException {
        assertRanAndPrinted(run(Path.of("examples/quick-tour.jsh")), "engine: mu-limit",
                "mu-limit completed, 20 steps in", "step 20  train loss", "finite completed, 20 steps in",
                "saved [trajectory.csv, loss.csv, features.csv, summary.json] in");
    }

    @Test
    void widthSweepRuns() throws IOException {
        assertRanAndPrinted(run(Path.of("examples/width-sweep.jsh")), "mu-limit      test loss", "width    64   test loss",
                "width   256   test loss", "width  1024   test loss");
    }

    @Test
    void ntVersusMuOnFashionMnistRuns() throws IOException {
        assumeTrue(Datasets.fashionMnistInstalled(), "dataset-fashion-mnist is not installed");
        assertRanAndPrinted(run(Path.of("examples/nt-vs-mu-fashion-mnist.jsh")), "nt-limit completed, 10 steps in",
                "mu-limit completed, 10 steps in", "finite completed, 10 steps in", "step 10  test loss  nt-limit");
    }

    @Test
    void aFailingSnippetIsReported(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path script = Files.writeString(dir.resolve("bad.jsh"), "int x = 1;\nString s = x;\nInteger.parseInt(\"a\");\n");
        List<String> problems = run(script).problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("rejected: String s = x;"), problems.get(0));
        assertTrue(problems.get(1).startsWith("threw "), problems.get(1));
    }
}
