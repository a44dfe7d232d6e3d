package io.github.infinitewidth.backend.cuda;

import static io.github.infinitewidth.backend.cuda.CudaCalls.check;

import io.github.infinitewidth.backend.BackendUnavailableException;
import java.nio.charset.StandardCharsets;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

/**
 * The GPU a backend runs on: device 0 of those the process sees (on a shared cluster the
 * scheduler picks it through {@code CUDA_VISIBLE_DEVICES}), with what {@code env} and
 * {@code summary.json} need to say about it.
 *
 * @param computeMajor compute capability, major
 * @param computeMinor compute capability, minor
 * @param driverVersion the driver's CUDA version as 1000 * major + 10 * minor
 */
record CudaDevice(CUdevice handle, String name, int computeMajor, int computeMinor, long totalMemoryBytes,
                  int driverVersion) {
    /** The oldest compute capability the fatbin has code for (SASS sm_80; sm_8x GPUs run it). */
    static final int MINIMUM_MAJOR = 8;

    /**
     * Initializes the driver and describes device 0.
     *
     * @throws LinkageError when JCuda's native library or {@code libcuda.so.1} does not load
     * @throws BackendUnavailableException when there is no device or it is too old
     * @throws CudaFailure when a driver call fails
     */
    static CudaDevice first() {
        JCudaDriver.setExceptionsEnabled(false);
        check(JCudaDriver.cuInit(0), "open", "cuInit");
        int[] count = new int[1];
        check(JCudaDriver.cuDeviceGetCount(count), "open", "cuDeviceGetCount");
        if (count[0] == 0) {
            throw new BackendUnavailableException("the NVIDIA driver sees no GPU");
        }
        CUdevice device = new CUdevice();
        check(JCudaDriver.cuDeviceGet(device, 0), "open", "cuDeviceGet 0");
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, device), "open", "cuDeviceGetName");
        int major = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        long[] memory = new long[1];
        check(JCudaDriver.cuDeviceTotalMem(memory, device), "open", "cuDeviceTotalMem");
        int[] driver = new int[1];
        check(JCudaDriver.cuDriverGetVersion(driver), "open", "cuDriverGetVersion");
        CudaDevice d = new CudaDevice(device, cString(name), major, minor, memory[0], driver[0]);
        if (major < MINIMUM_MAJOR) {
            throw new BackendUnavailableException(d.name + " has compute capability " + major + "." + minor
                    + "; the kernels are built for " + MINIMUM_MAJOR + ".0 and newer");
        }
        return d;
    }

    /**
     * How many times slower than float32 this GPU runs float64 (NVIDIA's rates per compute
     * capability): 2 on the data-centre GPUs (6.0, 7.0, 8.0, 9.0, 10.0), 64 on the others
     * (8.6, 8.7, 8.9, 12.x and newer consumer or workstation parts).
     */
    int float64Slowdown() {
        boolean datacentre = computeMinor == 0 && (computeMajor == 6 || computeMajor == 7 || computeMajor == 8
                || computeMajor == 9 || computeMajor == 10);
        return datacentre ? 2 : 64;
    }

    /**
     * A warning when the GPU's float64 rate makes the backend pointless, null otherwise. Float64
     * runs compute in float64 (docs/design-notes.md, "CUDA backend"), so at 1/64 of the float32
     * rate the pair products run at about a fortieth of an H100's speed, no faster than a
     * many-core CPU; float32 runs compute their pair products and GEMM in float32.
     */
    String float64Warning() {
        if (float64Slowdown() <= 2) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "%s (compute %d.%d) runs float64 at 1/%d of its float32 rate, and"
                + " float64 runs compute in float64 on it: the CPU backend may well be faster (float32 runs"
                + " compute the pair products in float32)", name, computeMajor,
                computeMinor, float64Slowdown());
    }

    /** For example {@code NVIDIA H200 (compute 9.0, 140.4 GiB, driver CUDA 13.0)}. */
    String describe() {
        return String.format(java.util.Locale.ROOT, "%s (compute %d.%d, %.1f GiB, driver CUDA %s)", name,
                computeMajor, computeMinor, totalMemoryBytes / (double) (1L << 30), version(driverVersion));
    }

    /** A CUDA version as the driver encodes it ({@code 1000 * major + 10 * minor}), written {@code major.minor}. */
    static String version(int encoded) {
        return encoded / 1000 + "." + encoded % 1000 / 10;
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(value, attribute, device), "open", "cuDeviceGetAttribute " + attribute);
        return value[0];
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.US_ASCII);
    }
}
