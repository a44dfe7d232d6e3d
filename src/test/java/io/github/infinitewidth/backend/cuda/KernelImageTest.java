package io.github.infinitewidth.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The committed fatbin is the one built from the committed kernel sources: builds without nvcc
 * use it (docs/design-notes.md, "CUDA backend"), so a source change committed without the rebuilt fatbin must
 * fail here. {@code native/build-kernels.sh} computes the sources' hash the same way.
 */
@Tag("sources")
class KernelImageTest {
    private static final Path NATIVE = Path.of("native");

    @Test
    void committedFatbinWasBuiltFromTheCommittedSources() {
        assertEquals(sourcesHash(), KernelImage.hashes().get("sources"),
                "native/ changed since kernels.fatbin was built: run native/build-kernels.sh on a machine with nvcc"
                        + " and commit src/main/resources/io/github/infinitewidth/backend/cuda/ with the sources");
    }

    @Test
    void committedFatbinIsTheOneItsHashFileNames() {
        assertEquals(hex(sha256(KernelImage.fatbin())), KernelImage.hashes().get("fatbin"));
    }

    @Test
    void fatbinStaysSmallEnoughToCommit() {
        int bytes = KernelImage.fatbin().length;
        assertTrue(bytes > 0 && bytes < 4 << 20, bytes + " bytes");
    }

    @Test
    void hashFileRecordsTheCompilersCudaVersion() {
        int version = KernelImage.nvccCudaVersion();
        assertTrue(version >= 12000, KernelImage.hashes().toString());
        assertTrue(CudaDevice.version(version).matches("\\d+\\.\\d"), CudaDevice.version(version));
    }

    /**
     * {@code sha256sum} of every file in native/, names in byte order, each line
     * {@code <hex>  <name>}, and the SHA-256 of those lines.
     */
    private static String sourcesHash() {
        StringBuilder lines = new StringBuilder();
        try (Stream<Path> files = Files.list(NATIVE)) {
            List<Path> sorted = files.filter(Files::isRegularFile)
                    .sorted((x, y) -> compareBytes(x.getFileName().toString(), y.getFileName().toString())).toList();
            for (Path f : sorted) {
                lines.append(hex(sha256(Files.readAllBytes(f)))).append("  ").append(f.getFileName()).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hex(sha256(lines.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static int compareBytes(String x, String y) {
        return java.util.Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
