package io.github.infinitewidth.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.BackendUnavailableException;
import org.junit.jupiter.api.Test;

/** The probe turns every way opening CUDA can fail into one line, and never throws. */
class CudaProbeTest {

    private static CudaProbe.Result failingWith(Throwable t) {
        return CudaProbe.probe(() -> {
            if (t instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) t;
        });
    }

    @Test
    void aMachineWithoutTheDriverIsExpectedAndSaysSo() {
        CudaProbe.Result r = failingWith(new UnsatisfiedLinkError("Error while loading native library"
                + " \"JCudaDriver-12.6.0-linux-x86_64\"\nStack trace from the attempt to load the library as a"
                + " resource:\njava.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver.so: libcuda.so.1: cannot open"
                + " shared object file: No such file or directory"));
        assertFalse(r.usable());
        assertTrue(r.expected());
        assertEquals("no NVIDIA driver: libcuda.so.1 did not load", r.summary());
        assertNull(r.gemm());
    }

    @Test
    void aDriverWithoutDevicesIsExpected() {
        CudaProbe.Result r = failingWith(new CudaFailure("open", "cuInit", "CUDA_ERROR_NO_DEVICE"));
        assertTrue(r.expected());
        assertEquals("cuda open: cuInit failed with CUDA_ERROR_NO_DEVICE", r.summary());
    }

    @Test
    void aGpuThatCannotBeUsedIsNotExpectedAndNamesTheProblem() {
        CudaProbe.Result old = failingWith(new BackendUnavailableException(
                "Tesla V100 has compute capability 7.0; the kernels are built for 8.0 and newer"));
        assertFalse(old.expected());
        assertEquals("Tesla V100 has compute capability 7.0; the kernels are built for 8.0 and newer", old.summary());
        CudaProbe.Result kernels = failingWith(new CudaFailure("open", "cuModuleLoadData kernels.fatbin",
                "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"));
        assertFalse(kernels.expected());
        assertTrue(kernels.summary().endsWith("CUDA_ERROR_UNSUPPORTED_PTX_VERSION"), kernels.summary());
        CudaProbe.Result bug = failingWith(new IllegalStateException("first line\nsecond line"));
        assertEquals("opening it failed: java.lang.IllegalStateException: first line", bug.summary());
    }

    @Test
    void cublasProblemsAreOneLineNamingTheLibrary() {
        assertEquals("libcublas.so.12 did not load", CudaProblems.cublas(new UnsatisfiedLinkError(
                "Error while loading native library \"JCublas2-12.6.0-linux-x86_64\"\n... libcublas.so.12: cannot open"
                        + " shared object file")));
        assertEquals("libcublasLt.so.12 did not load", CudaProblems.cublas(new UnsatisfiedLinkError(
                "/tmp/libJCublas2.so: libcublasLt.so.12: cannot open shared object file: No such file or directory")));
        assertEquals("cuda open: cublasCreate failed with CUBLAS_STATUS_NOT_INITIALIZED",
                CudaProblems.cublas(new CudaFailure("open", "cublasCreate", "CUBLAS_STATUS_NOT_INITIALIZED")));
    }

    @Test
    void cublas13ProblemsNameTheLibraryFromJavaCppsCauses() {
        UnsatisfiedLinkError javacpp = new UnsatisfiedLinkError("no jnicublas in java.library.path: /usr/lib:/lib");
        javacpp.initCause(new UnsatisfiedLinkError("/home/u/.javacpp/cache/cuda.jar/org/bytedeco/cuda/linux-x86_64/"
                + "libjnicublas.so: libcublas.so.13: cannot open shared object file: No such file or directory"));
        assertEquals("cuBLAS 13: libcublas.so.13 did not load", CudaProblems.cublas13(javacpp));
        assertEquals("cuBLAS 13: the binding did not load: no jnicublas in java.library.path: /usr/lib",
                CudaProblems.cublas13(new UnsatisfiedLinkError("no jnicublas in java.library.path: /usr/lib\nmore")));
        assertEquals("cuBLAS 13: cuda open: cublasCreate failed with cublasStatus 1",
                CudaProblems.cublas13(new CudaFailure("open", "cublasCreate", "cublasStatus 1")));
    }

    /**
     * Without a GPU (the machines CI runs on) the binding cannot load and says why in one line; with
     * CUDA 13's libraries it loads. Either way nothing is thrown.
     */
    @Test
    void theCublas13BindingLoadsOrSaysWhyNot() {
        String problem = Cublas13Gemm.libraryProblem();
        if (problem != null) {
            assertTrue(problem.startsWith("cuBLAS 13: ") && !problem.contains("\n"), problem);
        }
    }

    @Test
    void cublas13GetsTheDeviceAddressesJCudaWouldPass() {
        assertEquals(4096, Cublas13Gemm.address(new jcuda.driver.CUdeviceptr().withByteOffset(4096)));
        assertEquals(0, Cublas13Gemm.address(new jcuda.driver.CUstream()));
    }
}
