package io.github.infinitewidth.backend.cuda;

import jcuda.driver.CUdeviceptr;

/** GEMM by the tiled kernel of {@code native/gemm.cuh}, in the backend's precision's arithmetic (like cuBLAS). */
final class KernelGemm implements GemmRoute {
    private final CudaKernels kernels;

    KernelGemm(CudaKernels kernels) {
        this.kernels = kernels;
    }

    @Override
    public String name() {
        return "kernel";
    }

    @Override
    public void gemm(String operation, boolean transA, boolean transB, int m, int n, int k, double alpha,
                     CUdeviceptr a, int lda, CUdeviceptr b, int ldb, double beta, CUdeviceptr c, int ldc) {
        kernels.launch(operation, "gemm", CudaLaunch.gemm(operation, m, n), new KernelArgs()
                .flag(transA).flag(transB).i(m).i(n).i(k).d(alpha).ptr(a).i(lda).ptr(b).i(ldb).d(beta).ptr(c).i(ldc));
    }

    @Override
    public void close() {
        // the kernels belong to the backend
    }
}
