package io.github.infinitewidth.backend.cuda;

import io.github.infinitewidth.backend.Precision;
import java.util.Arrays;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;

/**
 * GEMM by cuBLAS 13 ({@code libcublas.so.13}) through JavaCPP's CUDA presets, for CUDA-13
 * machines, where JCublas2 12.6 finds no {@code libcublas.so.12} ({@link CublasGemm}). It runs on
 * the backend's stream in the context the backend made current, as {@link CublasGemm} does; the
 * matrices stay JCuda's, and cuBLAS gets their device addresses. The presets bind to the
 * machine's own CUDA 13 libraries; where those are missing, {@link #libraryProblem} says so and
 * the backend uses {@link KernelGemm}.
 */
final class Cublas13Gemm implements GemmRoute {
    private final cublasContext handle;
    private final Precision precision;

    private Cublas13Gemm(cublasContext handle, Precision precision) {
        this.handle = handle;
        this.precision = precision;
    }

    /** Whether the presets' cuBLAS binding loaded, tried once per process. */
    private static final class Library {
        static final String PROBLEM = load();

        private static String load() {
            try {
                Loader.load(cublas.class);
                return null;
            } catch (LinkageError | RuntimeException e) {
                return CudaProblems.cublas13(e);
            }
        }
    }

    /** Why cuBLAS 13 cannot be used in this process ({@code cuBLAS 13: libcublas.so.13 did not load}, say), or null. */
    static String libraryProblem() {
        return Library.PROBLEM;
    }

    /**
     * cuBLAS 13 on {@code stream}; call only when {@link #libraryProblem()} is null.
     *
     * @throws CudaFailure when cuBLAS does not start on this device
     */
    static Cublas13Gemm open(Precision precision, CUstream stream) {
        cublasContext handle = new cublasContext();
        check(cublas.cublasCreate_v2(handle), "open", "cublasCreate");
        int status = cublas.cublasSetStream_v2(handle, new CUstream_st(new Unowned(address(stream))));
        if (status != cublas.CUBLAS_STATUS_SUCCESS) {
            cublas.cublasDestroy_v2(handle);
            check(status, "open", "cublasSetStream");
        }
        return new Cublas13Gemm(handle, precision);
    }

    /**
     * Whether this route computes a small product right, since a wrong device address would make
     * garbage rather than an error: {@code C = A B} for a 3 x 2 A and a 2 x 2 B, each operand one
     * column into its allocation, so that the byte offsets of column views are checked too. Null
     * when right, else what came out. Costs a few microseconds of the device, once per backend.
     *
     * @throws CudaFailure when the check itself cannot run (allocation, copies)
     */
    String checkOnce(CUstream stream) {
        double[] a = {9, 9, 9, 1, 2, 3, 4, 5, 6}; // a spare column, then A
        double[] b = {9, 9, 1, -1, 2, 0.5};        // a spare column, then B
        double[] expected = {-3, -3, -3, 4, 6.5, 9};
        int size = precision.bytes();
        CUdeviceptr da = new CUdeviceptr();
        CUdeviceptr db = new CUdeviceptr();
        CUdeviceptr dc = new CUdeviceptr();
        try {
            CudaCalls.check(JCudaDriver.cuMemAlloc(da, a.length * size), "open", "cuMemAlloc");
            CudaCalls.check(JCudaDriver.cuMemAlloc(db, b.length * size), "open", "cuMemAlloc");
            CudaCalls.check(JCudaDriver.cuMemAlloc(dc, expected.length * size), "open", "cuMemAlloc");
            CudaCalls.check(JCudaDriver.cuMemcpyHtoD(da, host(a), a.length * size), "open", "cuMemcpyHtoD");
            CudaCalls.check(JCudaDriver.cuMemcpyHtoD(db, host(b), b.length * size), "open", "cuMemcpyHtoD");
            gemm("open", false, false, 3, 2, 2, 1.0, da.withByteOffset(3L * size), 3, db.withByteOffset(2L * size), 2,
                    0.0, dc, 3);
            CudaCalls.check(JCudaDriver.cuStreamSynchronize(stream), "open", "cuStreamSynchronize");
            double[] c = new double[expected.length];
            if (precision == Precision.FLOAT64) {
                CudaCalls.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(c), dc, c.length * size), "open", "cuMemcpyDtoH");
            } else {
                float[] f = new float[c.length];
                CudaCalls.check(JCudaDriver.cuMemcpyDtoH(Pointer.to(f), dc, f.length * size), "open", "cuMemcpyDtoH");
                for (int e = 0; e < f.length; e++) {
                    c[e] = f[e];
                }
            }
            return Arrays.equals(c, expected) ? null
                    : "a test product came out " + Arrays.toString(c) + " instead of " + Arrays.toString(expected);
        } finally {
            for (CUdeviceptr d : new CUdeviceptr[] {da, db, dc}) {
                JCudaDriver.cuMemFree(d); // for one never allocated (null) this only returns an error code
            }
        }
    }

    /** The values in the route's storage precision, as a host pointer. */
    private Pointer host(double[] values) {
        if (precision == Precision.FLOAT64) {
            return Pointer.to(values);
        }
        float[] f = new float[values.length];
        for (int e = 0; e < f.length; e++) {
            f[e] = (float) values[e];
        }
        return Pointer.to(f);
    }

    @Override
    public String name() {
        return "cublas";
    }

    @Override
    public void gemm(String operation, boolean transA, boolean transB, int m, int n, int k, double alpha,
                     CUdeviceptr a, int lda, CUdeviceptr b, int ldb, double beta, CUdeviceptr c, int ldc) {
        int opA = transA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        int opB = transB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        if (precision == Precision.FLOAT64) {
            try (DoublePointer hostAlpha = new DoublePointer(alpha); DoublePointer hostBeta = new DoublePointer(beta)) {
                check(cublas.cublasDgemm_v2(handle, opA, opB, m, n, k, hostAlpha, doubles(a), lda,
                        doubles(b), ldb, hostBeta, doubles(c), ldc), operation, "cublasDgemm");
            }
        } else {
            try (FloatPointer hostAlpha = new FloatPointer((float) alpha);
                 FloatPointer hostBeta = new FloatPointer((float) beta)) {
                check(cublas.cublasSgemm_v2(handle, opA, opB, m, n, k, hostAlpha, floats(a), lda,
                        floats(b), ldb, hostBeta, floats(c), ldc), operation, "cublasSgemm");
            }
        }
    }

    @Override
    public void close() {
        check(cublas.cublasDestroy_v2(handle), "close", "cublasDestroy");
    }

    private static void check(int status, String operation, String call) {
        if (status != cublas.CUBLAS_STATUS_SUCCESS) {
            throw new CudaFailure(operation, call, "cublasStatus " + status);
        }
    }

    /** A device pointer's address as JCuda passes it to CUDA: its allocation plus its byte offset. */
    static long address(CUdeviceptr pointer) {
        return new DeviceAddress(pointer).value;
    }

    /** A JCuda handle's address (for a stream, the {@code CUstream} itself). */
    static long address(NativePointerObject handle) {
        return new HandleAddress(handle).value;
    }

    private static DoublePointer doubles(CUdeviceptr pointer) {
        return new DoublePointer(new Unowned(address(pointer)));
    }

    private static FloatPointer floats(CUdeviceptr pointer) {
        return new FloatPointer(new Unowned(address(pointer)));
    }

    /** Reads a JCuda pointer's fields through the copy constructor JCuda gives subclasses. */
    private static final class DeviceAddress extends jcuda.Pointer {
        final long value;

        DeviceAddress(jcuda.Pointer pointer) {
            super(pointer);
            value = getNativePointer() + getByteOffset();
        }
    }

    /** Reads a JCuda handle's address through the copy constructor JCuda gives subclasses. */
    private static final class HandleAddress extends NativePointerObject {
        final long value;

        HandleAddress(NativePointerObject handle) {
            super(handle);
            value = getNativePointer();
        }
    }

    /** A JavaCPP pointer to an address it does not own: nothing is freed when it goes. */
    private static final class Unowned extends org.bytedeco.javacpp.Pointer {
        Unowned(long address) {
            this.address = address;
        }
    }
}
