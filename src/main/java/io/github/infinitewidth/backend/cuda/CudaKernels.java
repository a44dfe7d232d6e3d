package io.github.infinitewidth.backend.cuda;

import static io.github.infinitewidth.backend.cuda.CudaCalls.check;

import io.github.infinitewidth.backend.Precision;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * The kernel module of one backend, loaded from {@link KernelImage} with
 * {@code cuModuleLoadData} into the current context, and the launches into it. Kernels that
 * exist in both precisions are named {@code <name>_f32} and {@code <name>_f64}; functions are
 * looked up once and cached.
 */
final class CudaKernels implements AutoCloseable {
    private final CUmodule module = new CUmodule();
    private final String suffix;
    private final CUstream stream;
    private final Map<String, CUfunction> functions = new HashMap<>();

    CudaKernels(Precision precision, CUstream stream) {
        this.suffix = precision == Precision.FLOAT64 ? "_f64" : "_f32";
        this.stream = stream;
        check(JCudaDriver.cuModuleLoadData(module, KernelImage.fatbin()), "open", "cuModuleLoadData " + KernelImage.FATBIN);
    }

    /** Launches {@code name} (in the backend's precision) on the backend's stream. */
    void launch(String operation, String name, CudaLaunch.Grid grid, KernelArgs args) {
        launchExact(operation, name + suffix, grid, args);
    }

    /** Launches a kernel that exists in one version only (float64 bookkeeping such as column_finish). */
    void launchExact(String operation, String fullName, CudaLaunch.Grid grid, KernelArgs args) {
        if (grid.empty()) {
            return;
        }
        CUfunction f = functions.get(fullName);
        if (f == null) {
            f = new CUfunction();
            check(JCudaDriver.cuModuleGetFunction(f, module, fullName), operation, "cuModuleGetFunction " + fullName);
            functions.put(fullName, f);
        }
        check(JCudaDriver.cuLaunchKernel(f, grid.x(), grid.y(), 1, CudaLaunch.THREADS, 1, 1, 0, stream,
                args.pointer(), null), operation, "cuLaunchKernel " + fullName);
    }

    @Override
    public void close() {
        check(JCudaDriver.cuModuleUnload(module), "close", "cuModuleUnload");
    }
}
