package io.github.infinitewidth.backend.cuda;

import static io.github.infinitewidth.backend.cuda.CudaCalls.checkCublas;

import io.github.infinitewidth.backend.Precision;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.runtime.cudaStream_t;

/**
 * GEMM by cuBLAS through JCublas2, on the backend's stream and in the primary context the
 * backend made current (cuBLAS, like the CUDA runtime, uses the current context, so both share
 * it: docs/design-notes.md, "CUDA backend"). JCublas2 12.6 links against {@code libcublas.so.12}, which CUDA-13-only
 * machines lack; {@link #open} then reports why and the backend uses {@link KernelGemm}.
 * Float32 matrices use {@code cublasSgemm}, which accumulates in float32: within the
 * float32 tolerance the backend promises.
 */
final class CublasGemm implements GemmRoute {
    private final cublasHandle handle;
    private final Precision precision;

    private CublasGemm(cublasHandle handle, Precision precision) {
        this.handle = handle;
        this.precision = precision;
    }

    /** Whether JCublas2's native library loaded, tried once per process (a failed class initialization is final). */
    private static final class Library {
        static final String PROBLEM = load();

        private static String load() {
            try {
                JCublas2.initialize();
                JCublas2.setExceptionsEnabled(false);
                return null;
            } catch (LinkageError e) {
                return CudaProblems.cublas(e);
            }
        }
    }

    /** Why cuBLAS cannot be used in this process (for example {@code libcublas.so.12 did not load}), or null. */
    static String libraryProblem() {
        return Library.PROBLEM;
    }

    /**
     * cuBLAS on {@code stream}; call only when {@link #libraryProblem()} is null.
     *
     * @throws CudaFailure when cuBLAS does not start on this device
     */
    static CublasGemm open(Precision precision, CUstream stream) {
        cublasHandle handle = new cublasHandle();
        checkCublas(JCublas2.cublasCreate(handle), "open", "cublasCreate");
        int status = JCublas2.cublasSetStream(handle, new cudaStream_t(stream));
        if (status != 0) {
            JCublas2.cublasDestroy(handle);
            checkCublas(status, "open", "cublasSetStream");
        }
        return new CublasGemm(handle, precision);
    }

    @Override
    public String name() {
        return "cublas";
    }

    @Override
    public void gemm(String operation, boolean transA, boolean transB, int m, int n, int k, double alpha,
                     CUdeviceptr a, int lda, CUdeviceptr b, int ldb, double beta, CUdeviceptr c, int ldc) {
        int opA = transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opB = transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int status = precision == Precision.FLOAT64
                ? JCublas2.cublasDgemm(handle, opA, opB, m, n, k, Pointer.to(new double[] {alpha}), a, lda, b, ldb,
                        Pointer.to(new double[] {beta}), c, ldc)
                : JCublas2.cublasSgemm(handle, opA, opB, m, n, k, Pointer.to(new float[] {(float) alpha}), a, lda, b,
                        ldb, Pointer.to(new float[] {(float) beta}), c, ldc);
        checkCublas(status, operation, precision == Precision.FLOAT64 ? "cublasDgemm" : "cublasSgemm");
    }

    @Override
    public void close() {
        checkCublas(JCublas2.cublasDestroy(handle), "close", "cublasDestroy");
    }
}
