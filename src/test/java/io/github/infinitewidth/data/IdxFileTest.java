package io.github.infinitewidth.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxFileTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "gzip {0}")
    @ValueSource(booleans = {true, false})
    void readsSizesAndUnsignedValuesOfCompressedAndPlainFiles(boolean gzip) throws IOException {
        Path file = dir.resolve("images");
        TinyFashionMnist.writeIdx(file, gzip, new byte[] {0, 1, (byte) 200, (byte) 255, 7, 8}, 3, 1, 2);

        IdxFile idx = IdxFile.read(file);

        assertArrayEquals(new int[] {3, 1, 2}, idx.dimensions());
        assertEquals(3, idx.count());
        assertEquals(2, idx.itemSize());
        assertEquals(200, idx.value(1, 0));
        assertEquals(255, idx.value(1, 1));
        assertEquals(8, idx.value(2, 1));
    }

    @Test
    void refusesAFileOfAnotherType() throws IOException {
        Path file = Files.write(dir.resolve("floats"), new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 0});
        IOException e = assertThrows(IOException.class, () -> IdxFile.read(file));
        assertTrue(e.getMessage().startsWith("not IDX of unsigned bytes"), e.getMessage());
    }

    @Test
    void refusesATruncatedFile() throws IOException {
        Path file = dir.resolve("short");
        TinyFashionMnist.writeIdx(file, false, new byte[] {1, 2, 3}, 2, 2);   // 3 of the 4 values announced
        IOException e = assertThrows(IOException.class, () -> IdxFile.read(file));
        assertTrue(e.getMessage().startsWith("truncated"), e.getMessage());
    }
}
