package io.github.infinitewidth.api;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Runs JShell source as the {@code jshell} tool runs a script: line by line, each snippet evaluated as
 * soon as its lines make it complete (so a chain of calls continued on the next line after a complete
 * first line fails here as it fails there), up to a line {@code /exit}. It runs in this JVM (JShell's local execution engine) against
 * the test class path, with its printing captured so that tests print nothing, and collects every
 * snippet that was rejected or threw.
 */
final class JShellRunner {
    /** The one tool command the scripts use: it ends them, so that {@code jshell script.jsh} returns to the shell. */
    static final String EXIT = "/exit";

    private JShellRunner() {}

    /** What running a script printed, and every snippet that was rejected or threw. */
    record Outcome(String printed, List<String> problems) { }

    static Outcome run(String source) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> problems = new ArrayList<>();
        PrintStream original = System.out;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
             JShell shell = JShell.builder().out(out).err(out).executionEngine("local").build()) {
            classPath().forEach(shell::addToClasspath);
            System.setOut(out);
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            String pending = "";
            for (String line : source.split("\n", -1)) {
                if (pending.isBlank() && line.strip().equals(EXIT)) {
                    pending = "";
                    break;   // the tool ends there, and so does the script
                }
                pending += line + "\n";
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(pending);
                while (info.completeness().isComplete()) {
                    for (SnippetEvent event : shell.eval(info.source())) {
                        problems.addAll(problems(shell, event));
                    }
                    pending = info.remaining();
                    info = analysis.analyzeCompletion(pending);
                }
                if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                    pending = "";
                }
            }
            if (!pending.isBlank()) {
                problems.add("incomplete snippet at the end: " + pending.strip());
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

}
