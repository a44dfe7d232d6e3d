package io.github.infinitewidth.benchmarks;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import java.util.Locale;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What every benchmark's state shares: the backend ({@code cpu}, {@code cuda}) and storage precision
 * it runs on, and a way to wait for the device. A benchmark opens the backend in its own trial
 * setup (after its parameters are known) and closes it in its teardown.
 *
 * <p>The CPU backend uses one worker per available processor; pin the JVM to fewer cores with
 * {@code taskset} to measure fewer.
 */
@State(Scope.Benchmark)
public abstract class BackendState {
    @Param({"cpu", "cuda"})
    public String backend;

    /** float64 is the CPU default, float32 the GPU's (README, "Running on GPUs"). */
    @Param({"float64"})
    public String precision;

    protected Backend device;
    private DeviceMatrix token;

    protected Precision storage() {
        return Precision.valueOf(precision.toUpperCase(Locale.ROOT));
    }

    protected void openDevice() {
        device = Backends.open(BackendChoice.valueOf(backend.toUpperCase(Locale.ROOT)), storage());
        token = device.allocate(1, 1);
    }

    /**
     * Returns only when everything queued on the device before it has finished: a download of a
     * 1 x 1 matrix is ordered after the kernels that precede it. The Backend contract already makes
     * every call synchronous; this keeps a GPU benchmark honest even where an implementation
     * returns early, at the cost of one tiny transfer (microseconds; nothing on the CPU backend).
     */
    protected void await() {
        device.download(token);
    }

    /** Closes the backend; the benchmark closes its own matrices first. */
    protected void closeDevice() {
        token.close();
        device.close();
    }
}
