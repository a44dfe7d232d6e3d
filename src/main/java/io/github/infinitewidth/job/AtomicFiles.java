package io.github.infinitewidth.job;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes output files atomically (JOB-SPEC.md: "written aside, then renamed: a run killed at
 * any moment leaves either the previous complete files or none"). The text goes to
 * {@code name.tmp} in the same folder, so that the rename never crosses file systems.
 */
final class AtomicFiles {

    /** What goes into a file, streamed (a trajectory can be large). */
    @FunctionalInterface
    interface Content {
        void writeTo(Writer out) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * @throws IOException whose message names the file and what failed (a full disk's own message
     *     names neither)
     */
    static void write(Path dir, String name, Content content) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                content.writeTo(out);
            } catch (IOException e) {
                throw failed("write", tmp, e);
            }
            try {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw failed("rename " + tmp + " to", dir.resolve(name), e);
            }
        } finally {
            Files.deleteIfExists(tmp);   // only still there when writing failed
        }
    }

    /** An I/O failure as one clause naming the operation and the file: {@code could not write F: No space left}. */
    static IOException failed(String operation, Path file, IOException e) {
        String why = e.getMessage() == null || e.getMessage().equals(file.toString()) ? e.getClass().getSimpleName()
                : e.getMessage();
        return new IOException("could not " + operation + " " + file + ": " + why, e);
    }
}
