package io.github.infinitewidth.benchmarks;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.BackendUnavailableException;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entry point of {@code benchmarks.jar}: JMH's own command line, except that where no GPU is
 * usable the {@code cuda} value of every {@code backend} parameter is dropped (a message says why),
 * so {@code java -jar benchmarks/target/benchmarks.jar} runs everything that can run here instead
 * of failing in the GPU benchmarks' setup. Asking for {@code -p backend=cuda} explicitly still
 * fails there, with the reason.
 */
public final class BenchmarkMain {
    private BenchmarkMain() {}

    public static void main(String[] args) throws Exception {
        List<String> jmhArgs = new ArrayList<>(Arrays.asList(args));
        if (!asksForBackend(args)) {
            String reason = cudaUnavailableReason();
            if (reason != null) {
                System.err.println("# GPU benchmarks skipped: " + reason);
                jmhArgs.add("-p");
                jmhArgs.add("backend=cpu");
            }
        }
        org.openjdk.jmh.Main.main(jmhArgs.toArray(new String[0]));
    }

    private static boolean asksForBackend(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-p") && args[i + 1].startsWith("backend=")) {
                return true;
            }
        }
        return false;
    }

    /** Null when a CUDA backend opens here, otherwise why not. */
    static String cudaUnavailableReason() {
        try (Backend cuda = Backends.open(BackendChoice.CUDA, Precision.FLOAT32)) {
            return null;
        } catch (BackendUnavailableException e) {
            return e.getMessage();
        }
    }
}
