package io.github.infinitewidth.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an internal error's stack trace goes: a file {@code infinitewidth-error-*.txt} in the
 * temporary folder ({@code java.io.tmpdir}), so that the user sees one line naming it instead of
 * the trace, and a bug report can attach it.
 */
final class TraceFile {
    private TraceFile() {}

    /** Writes the trace and returns the clause for the error line: where it is, or why it is not. */
    static String write(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        try {
            Path file = Files.createTempFile("infinitewidth-error-", ".txt");
            Files.writeString(file, trace.toString(), StandardCharsets.UTF_8);
            return "the details are in " + file + " (please attach it to a bug report)";
        } catch (IOException | SecurityException unwritable) {
            return "its details could not be written to the temporary folder (" + unwritable + ")";
        }
    }
}
