package io.github.infinitewidth.backend.cuda;

import jcuda.driver.CUresult;
import jcuda.jcublas.cublasStatus;

/**
 * Checks the status of every driver and cuBLAS call (JCuda's own exceptions stay off, because
 * they name the call but not what the backend was doing).
 */
final class CudaCalls {
    private CudaCalls() {}

    /** @throws CudaFailure when {@code result} is not {@code CUDA_SUCCESS} */
    static void check(int result, String operation, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaFailure(operation, call, CUresult.stringFor(result));
        }
    }

    /** @throws CudaFailure when {@code status} is not {@code CUBLAS_STATUS_SUCCESS} */
    static void checkCublas(int status, String operation, String call) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaFailure(operation, call, cublasStatus.stringFor(status));
        }
    }
}
