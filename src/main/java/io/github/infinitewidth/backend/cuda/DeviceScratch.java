package io.github.infinitewidth.backend.cuda;

import static io.github.infinitewidth.backend.cuda.CudaCalls.check;

import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * One growable block of device memory for an operation's small float64 inputs and outputs
 * (factor vectors, partial sums, flags). Operations are synchronous and one at a time per
 * backend, so one block serves them all. It only grows, doubling, because {@code cuMemFree}
 * waits for the whole device, which would stall other jobs sharing the GPU.
 */
final class DeviceScratch implements AutoCloseable {
    private CUdeviceptr block;
    private long capacity;

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
        CUdeviceptr p = reserve(operation, values.length);
        if (values.length > 0) {
            check(JCudaDriver.cuMemcpyHtoD(p, Pointer.to(values), (long) values.length * Sizeof.DOUBLE), operation,
                    "cuMemcpyHtoD of " + values.length + " factors");
        }
        return p;
    }

    @Override
    public void close() {
        if (block != null) {
            check(JCudaDriver.cuMemFree(block), "close", "cuMemFree of scratch");
            block = null;
            capacity = 0;
        }
    }
}
