package io.github.infinitewidth.backend.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * One {@code cuMemAlloc} block of device memory, shared by a matrix and its column views.
 * Empty matrices have no block (CUDA refuses zero-byte allocations) and a null pointer.
 */
final class DeviceAllocation {
    private final CUdeviceptr pointer;
    private final long bytes;
    private boolean freed;

    DeviceAllocation(CUdeviceptr pointer, long bytes) {
        this.pointer = pointer;
        this.bytes = bytes;
    }

    /** The start of the block, at {@code offsetBytes}. */
    CUdeviceptr at(long offsetBytes) {
        return pointer.withByteOffset(offsetBytes);
    }

    CUdeviceptr pointer() {
        return pointer;
    }

    long bytes() {
        return bytes;
    }

    boolean freed() {
        return freed;
    }

    void markFreed() {
        freed = true;
    }
}
