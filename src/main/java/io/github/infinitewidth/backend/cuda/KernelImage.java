package io.github.infinitewidth.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The compiled kernels on the classpath: {@code kernels.fatbin}, built from {@code native/} by
 * {@code native/build-kernels.sh} (SASS for sm_80 and sm_90, PTX for compute_90), and
 * {@code kernels.sha256}, which records the hash of the sources it was built from, its own
 * hash and the nvcc that built it. nvcc never runs at run time (docs/design-notes.md, "CUDA backend").
 */
final class KernelImage {
    static final String FATBIN = "kernels.fatbin";
    static final String HASHES = "kernels.sha256";

    private KernelImage() {}

    /** The fatbin's bytes, as {@code cuModuleLoadData} takes them. */
    static byte[] fatbin() {
        return read(FATBIN);
    }

    /**
     * The records of {@code kernels.sha256}: {@code sources} (hash of native/), {@code fatbin}
     * (hash of the fatbin) and {@code nvcc} (the compiler's version line).
     */
    static Map<String, String> hashes() {
        String text = new String(read(HASHES), StandardCharsets.UTF_8);
        return text.lines().filter(line -> line.contains(" "))
                .collect(Collectors.toMap(line -> line.substring(0, line.indexOf(' ')),
                        line -> line.substring(line.indexOf(' ') + 1), (x, y) -> y));
    }

    /**
     * The CUDA version of the nvcc that built the fatbin, encoded like the driver's
     * ({@code 1000 * major + 10 * minor}, 13000 for 13.0); 0 when the hash file does not say.
     */
    static int nvccCudaVersion() {
        Matcher m = Pattern.compile("cuda_(\\d+)\\.(\\d+)").matcher(hashes().getOrDefault("nvcc", ""));
        return m.find() ? 1000 * Integer.parseInt(m.group(1)) + 10 * Integer.parseInt(m.group(2)) : 0;
    }

    private static byte[] read(String name) {
        try (InputStream in = KernelImage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath; run native/build-kernels.sh"
                        + " on a machine with nvcc and rebuild");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name, e);
        }
    }

}
