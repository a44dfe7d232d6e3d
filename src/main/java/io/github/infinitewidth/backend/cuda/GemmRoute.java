package io.github.infinitewidth.backend.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * Where {@code Backend.gemm} runs: cuBLAS ({@link CublasGemm}) or the project's own kernel
 * ({@link KernelGemm}). Arguments are BLAS's, column-major; shapes are already checked.
 */
interface GemmRoute extends AutoCloseable {
    /** {@code cublas} or {@code kernel}, as {@code Backend.gemmImplementation()} reports it. */
    String name();

    void gemm(String operation, boolean transA, boolean transB, int m, int n, int k, double alpha, CUdeviceptr a,
              int lda, CUdeviceptr b, int ldb, double beta, CUdeviceptr c, int ldc);

    @Override
    void close();
}
