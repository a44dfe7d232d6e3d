package io.github.infinitewidth.backend;

/**
 * The backend a run asked for cannot be used on this machine (no driver, no device, kernels
 * that fail to load). The message is one line saying why; the command line prints it and
 * exits with status 3 (JOB-SPEC.md).
 */
public class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String reason) {
        super(reason);
    }
}
