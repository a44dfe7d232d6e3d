package io.github.infinitewidth.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint's data file: a save that fails part way (a full disk, say) leaves no {@code .tmp} behind. */
class StateFileTest {
    @TempDir
    Path dir;

    @Test
    void aFailedWriteLeavesNothingAside() throws IOException {
        Path file = dir.resolve("state-r0-s2.bin");
        assertThrows(UncheckedIOException.class, () -> StateFile.write(file, w -> {
            w.doubles("nt/f", new double[] {1.0, 2.0});
            throw new UncheckedIOException(new IOException("No space left on device"));
        }));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        }
    }
}
