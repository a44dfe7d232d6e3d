package io.github.infinitewidth.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds and runs the host programs that execute the kernel sources of {@code native/} without a
 * GPU ({@code cuda_on_host.h} and the programs beside it in the test resources), with g++.
 */
final class HostCompiler {
    private HostCompiler() {}

    /** True where g++ runs; the host-kernel tests are enabled by it. */
    static boolean available() {
        try {
            return new ProcessBuilder("g++", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Compiles the test resource {@code program}.cpp with the kernels' sources on the include path.
     * No fused multiply-adds, so double arithmetic is exactly the IEEE operations written.
     */
    static Path compile(Path dir, String program) throws IOException, InterruptedException {
        for (String resource : new String[] {"cuda_on_host.h", program + ".cpp"}) {
            try (InputStream in = HostCompiler.class.getResourceAsStream(resource)) {
                Files.copy(in, dir.resolve(resource));
            }
        }
        Path binary = dir.resolve(program);
        run("g++", "-O1", "-std=c++20", "-pthread", "-ffp-contract=off", "-I",
                Path.of("native").toAbsolutePath().toString(), dir.resolve(program + ".cpp").toString(), "-o",
                binary.toString());
        return binary;
    }

    /** Runs {@code command}, asserts exit status 0 and returns its output lines. */
    static List<String> run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ":\n" + output);
        return output.lines().toList();
    }
}
