package io.github.infinitewidth.backend.cuda;

import static io.github.infinitewidth.backend.cuda.CudaCalls.check;

import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * One growable block of device memory for an operation's float64 inputs and outputs (factor
 * vectors, partial sums, flags, pair_outer's running sums). Operations are synchronous and one
 * at a time per backend, so one block serves them all, and it is never in use when an operation
 * starts. It only grows, doubling, because {@code cuMemFree} waits for the whole device, which
 * would stall other jobs sharing the GPU.
 */
final class DeviceScratch implements AutoCloseable {
    private final CUstream stream;
    private CUdeviceptr block;
    private long capacity;

    /** Scratch whose copies run on {@code stream}, the backend's. */
    DeviceScratch(CUstream stream) {
        this.stream = stream;
    }

    /** A block of at least {@code doubles} float64 values; contents undefined. */
    CUdeviceptr reserve(String operation, long doubles) {
        long bytes = Math.max(1, doubles) * Sizeof.DOUBLE;
        if (bytes > capacity) {
            close();
            long grown = Math.max(bytes, 2 * capacity);
            CUdeviceptr fresh = new CUdeviceptr();
            check(JCudaDriver.cuMemAlloc(fresh, grown), operation, "cuMemAlloc of " + grown + " scratch bytes");
            block = fresh;
            capacity = grown;
        }
        return block;
    }

    /** Copies {@code values} to the start of the block and returns it. */
    CUdeviceptr upload(String operation, double[] values) {
        return upload(operation, values, 0);
    }

    /**
     * Copies {@code values} to the start of a block with room for {@code after} more float64
     * values behind them (at {@code values.length * 8} bytes) and returns it.
     */
    CUdeviceptr upload(String operation, double[] values, long after) {
        CUdeviceptr p = reserve(operation, values.length + after);
        if (values.length > 0) {
            // from pageable memory: staged by the driver before the call returns (CudaBackend.upload)
            check(JCudaDriver.cuMemcpyHtoDAsync(p, Pointer.to(values), (long) values.length * Sizeof.DOUBLE, stream),
                    operation, "cuMemcpyHtoDAsync of " + values.length + " factors");
        }
        return p;
    }

    @Override
    public void close() {
        if (block != null) {
            CUdeviceptr held = block;
            block = null;
            capacity = 0;
            check(JCudaDriver.cuMemFree(held), "close", "cuMemFree of scratch");
        }
    }
}
