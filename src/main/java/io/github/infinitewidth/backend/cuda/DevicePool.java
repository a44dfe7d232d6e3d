package io.github.infinitewidth.backend.cuda;

import static io.github.infinitewidth.backend.cuda.CudaCalls.check;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The device blocks of one backend, kept for reuse: a closed matrix's block goes on a free list
 * of its exact size, and the next allocation of that size takes it instead of calling
 * {@code cuMemAlloc}. {@code cuMemFree} waits for the whole device (every stream of every
 * backend on the GPU), so it runs only when an allocation finds the device full (then every idle
 * block is freed and the allocation tried once more) and at close. The engines allocate the same
 * shapes step after step, so exact sizes are reused. Blocks are handed back only after the
 * operations using them have finished (every operation ends with a synchronization), so reuse
 * never races the device.
 */
final class DevicePool implements AutoCloseable {
    private final Map<Long, ArrayDeque<CUdeviceptr>> idle = new HashMap<>();
    private long idleBytes;

    /** A block of {@code bytes > 0}, from the free list when one of that size is there. */
    CUdeviceptr take(String operation, long bytes) {
        ArrayDeque<CUdeviceptr> list = idle.get(bytes);
        if (list != null && !list.isEmpty()) {
            idleBytes -= bytes;
            return list.pop();
        }
        CUdeviceptr p = new CUdeviceptr();
        int result = JCudaDriver.cuMemAlloc(p, bytes);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY && idleBytes > 0) {
            releaseIdle(operation);
            result = JCudaDriver.cuMemAlloc(p, bytes);
        }
        check(result, operation, "cuMemAlloc of " + bytes + " bytes");
        return p;
    }

    /** Puts a block of {@code bytes} taken from this pool back for reuse. */
    void give(CUdeviceptr block, long bytes) {
        idle.computeIfAbsent(bytes, b -> new ArrayDeque<>()).push(block);
        idleBytes += bytes;
    }

    /** Bytes held for reuse, which the driver counts as used but an allocation can have. */
    long idleBytes() {
        return idleBytes;
    }

    /** Frees every idle block; all of them even when one fails, then reports the first failure. */
    void releaseIdle(String operation) {
        CudaFailure first = null;
        for (Map.Entry<Long, ArrayDeque<CUdeviceptr>> sized : idle.entrySet()) {
            for (CUdeviceptr block : sized.getValue()) {
                int result = JCudaDriver.cuMemFree(block);
                if (result != CUresult.CUDA_SUCCESS && first == null) {
                    first = new CudaFailure(operation, "cuMemFree of " + sized.getKey() + " pooled bytes",
                            CUresult.stringFor(result));
                }
            }
        }
        idle.clear();
        idleBytes = 0;
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() {
        releaseIdle("close");
    }
}
