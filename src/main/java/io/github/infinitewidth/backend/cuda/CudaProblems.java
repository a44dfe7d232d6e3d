package io.github.infinitewidth.backend.cuda;

import io.github.infinitewidth.backend.BackendUnavailableException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One-line reasons why CUDA or cuBLAS cannot be used, from what opening them threw. Native
 * loaders put several lines and long search paths into their messages; the reasons keep what
 * a user acts on: which library did not load, or which call failed how.
 */
final class CudaProblems {
    /** The library the dynamic loader could not find, in its standard message. */
    private static final Pattern MISSING_LIBRARY =
            Pattern.compile("(lib[\\w.+-]+\\.so[.\\d]*): cannot open shared object file");

    private CudaProblems() {}

    /** Why the backend did not open. */
    static String backend(Throwable t) {
        if (t instanceof BackendUnavailableException || t instanceof CudaFailure) {
            return t.getMessage();
        }
        if (t instanceof LinkageError) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("libcuda.so")) {
                return "no NVIDIA driver: libcuda.so.1 did not load";
            }
            return "JCuda's native library did not load: " + firstLine(message);
        }
        return "opening it failed: " + firstLine(String.valueOf(t));
    }

    /** Why cuBLAS is not used and the own GEMM kernel runs instead. */
    static String cublas(Throwable t) {
        if (t instanceof LinkageError) {
            Matcher missing = MISSING_LIBRARY.matcher(String.valueOf(t.getMessage()));
            return missing.find() ? missing.group(1) + " did not load"
                    : "JCublas2 did not load: " + firstLine(t.getMessage());
        }
        return firstLine(t.getMessage());
    }

    /**
     * Why cuBLAS 13 through JavaCPP is not used: JavaCPP names the binding it could not find and
     * gives the loader's reason (the missing CUDA library) as a cause, so the causes are searched.
     */
    static String cublas13(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            Matcher missing = MISSING_LIBRARY.matcher(String.valueOf(c.getMessage()));
            if (missing.find()) {
                return "cuBLAS 13: " + missing.group(1) + " did not load";
            }
        }
        String why = t instanceof LinkageError ? "the binding did not load: " : "";
        return "cuBLAS 13: " + why + firstLine(t.getMessage());
    }

    /**
     * True when the reason only says that this machine has no NVIDIA driver or GPU: nothing to
     * warn about on a CPU machine.
     */
    static boolean noGpuHere(Throwable t) {
        if (t instanceof CudaFailure f) {
            return f.error().equals("CUDA_ERROR_NO_DEVICE");
        }
        String message = String.valueOf(t.getMessage());
        return t instanceof LinkageError && message.contains("libcuda.so")
                || t instanceof BackendUnavailableException && message.endsWith("sees no GPU");
    }

    static String firstLine(String message) {
        String m = String.valueOf(message).strip();
        int end = m.indexOf('\n');
        return (end < 0 ? m : m.substring(0, end)).strip();
    }
}
