package io.github.infinitewidth.backend.cuda;

/**
 * A CUDA driver or cuBLAS call failed. The message names the backend operation with its
 * shapes, the call and the error, for example
 * {@code cuda gemm (op(A) 4096 x 64, op(B) 64 x 4096): cuLaunchKernel gemm_f32 failed with CUDA_ERROR_ILLEGAL_ADDRESS}.
 * Errors of kernels surface at the synchronization that ends every operation, so they are
 * reported against the operation that launched them.
 */
public final class CudaFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The driver's error name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    private final String error;

    CudaFailure(String operation, String call, String error) {
        super("cuda " + operation + ": " + call + " failed with " + error);
        this.error = error;
    }

    public String error() {
        return error;
    }
}
