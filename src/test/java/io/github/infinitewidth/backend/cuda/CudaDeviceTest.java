package io.github.infinitewidth.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The float64 rate per compute capability, and the warning where it makes the backend pointless. */
class CudaDeviceTest {

    private static CudaDevice device(String name, int major, int minor) {
        return new CudaDevice(null, name, major, minor, 80L << 30, 13000);
    }

    @Test
    void dataCentreGpusRunFloat64AtHalfRateWithoutAWarning() {
        for (CudaDevice d : new CudaDevice[] {device("NVIDIA A100", 8, 0), device("NVIDIA H100", 9, 0),
                device("NVIDIA H200", 9, 0), device("NVIDIA B200", 10, 0)}) {
            assertEquals(2, d.float64Slowdown(), d.name());
            assertNull(d.float64Warning(), d.name());
        }
    }

    @Test
    void otherGpusRunFloat64At1Over64AndAreWarnedAbout() {
        for (CudaDevice d : new CudaDevice[] {device("NVIDIA A10", 8, 6), device("NVIDIA L40S", 8, 9),
                device("NVIDIA GeForce RTX 5090", 12, 0)}) {
            assertEquals(64, d.float64Slowdown(), d.name());
            String warning = d.float64Warning();
            assertTrue(warning.startsWith(d.name() + " (compute " + d.computeMajor() + "." + d.computeMinor()
                    + ") runs float64 at 1/64 of its float32 rate"), warning);
        }
    }
}
