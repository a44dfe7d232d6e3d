package io.github.infinitewidth.backend.cuda;

import static io.github.infinitewidth.backend.cuda.CudaCalls.check;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendUnavailableException;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.backend.Shapes;
import io.github.infinitewidth.backend.WorkSplit;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.IntConsumer;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * The GPU backend (docs/design-notes.md, "CUDA backend"): the JCuda driver API on {@code libcuda.so.1} only,
 * the device's primary context (shared with cuBLAS and with the other backends of the process),
 * one non-blocking stream per backend on which every kernel, copy and memset runs, device blocks
 * pooled per backend ({@link DevicePool}), and the kernels of {@code native/} loaded from the
 * classpath ({@link KernelImage}). Matrices are stored in the
 * backend's precision and every kernel computes in float64, like the CPU backend, so the two
 * agree to the rounding of the stored values, except that float32 backends form the pair
 * products and the own GEMM in float32 arithmetic with float64 sums over particles (within about
 * 1e-6 relative, docs/accuracy.md); Gaussian fills agree bit for bit (LIMITS.md
 * section 6). GEMM runs on cuBLAS when {@code libcublas.so.12} loads and on the own kernel
 * otherwise ({@link #gemmImplementation()}).
 *
 * <p>Every operation ends by synchronizing the stream, so it is synchronous as the contract
 * says, host arrays passed in may be reused at once, and a failing kernel is reported as a
 * {@link CudaFailure} naming the operation and shapes that launched it. Operations of one
 * backend are serialized; several backends (for example {@code sweep --parallel}) each have
 * their own stream, which orders nothing with the others', so their work overlaps on the GPU.
 * Synchronizing one stream and reusing pooled blocks never waits for another backend's work.
 */
public final class CudaBackend implements Backend {
    private final Precision precision;
    private final CudaDevice device;
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final CudaKernels kernels;
    private final DeviceScratch scratch = new DeviceScratch(stream);
    private final DevicePool pool = new DevicePool();
    private final GemmRoute gemm;
    private final String cublasProblem;
    private final Set<DeviceAllocation> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Releases held = new Releases();
    /** The host's threads for its share of the engines' work (see {@link #forEachOnHost}). */
    private final WorkSplit host;
    private boolean closed;

    /**
     * Opens device 0 in {@code precision}.
     *
     * @throws LinkageError when JCuda's native library or the NVIDIA driver does not load
     * @throws io.github.infinitewidth.backend.BackendUnavailableException when there is no usable GPU
     * @throws CudaFailure when a driver call fails, for example loading the kernels
     */
    public CudaBackend(Precision precision) {
        this(precision, true);
    }

    /** Opens device 0; with {@code tryCublas} false GEMM always runs on the own kernel (tests compare both). */
    CudaBackend(Precision precision, boolean tryCublas) {
        this.precision = precision;
        this.device = CudaDevice.first();
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device.handle()), "open", "cuDevicePrimaryCtxRetain");
        held.push(() -> check(JCudaDriver.cuDevicePrimaryCtxRelease(device.handle()), "close",
                "cuDevicePrimaryCtxRelease"));
        try {
            check(JCudaDriver.cuCtxSetCurrent(context), "open", "cuCtxSetCurrent");
            // Non-blocking: nothing of this backend goes through the legacy default stream, and
            // other backends' work on it must not wait for ours (or ours for theirs).
            check(JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "open", "cuStreamCreate");
            held.push(() -> check(JCudaDriver.cuStreamDestroy(stream), "close", "cuStreamDestroy"));
            this.host = new WorkSplit(Runtime.getRuntime().availableProcessors());
            held.push(host::close);
            this.kernels = loadKernels(precision);
            held.push(kernels::close);
            held.push(scratch::close);
            held.push(pool::close);
            String problem = tryCublas ? CublasGemm.libraryProblem() : "not asked for";
            GemmRoute route = null;
            if (problem == null) {
                try {
                    route = CublasGemm.open(precision, stream);
                } catch (CudaFailure | LinkageError e) {
                    problem = CudaProblems.cublas(e);
                }
            }
            if (route == null && tryCublas) {
                // CUDA-13 machines have libcublas.so.13 only: JavaCPP's binding of it is the second choice.
                String problem13 = Cublas13Gemm.libraryProblem();
                if (problem13 == null) {
                    try {
                        Cublas13Gemm opened = Cublas13Gemm.open(precision, stream);
                        String wrong = checked(opened);
                        if (wrong == null) {
                            route = opened;
                        } else {
                            problem13 = "cuBLAS 13: " + wrong;
                        }
                    } catch (CudaFailure | LinkageError e) {
                        problem13 = CudaProblems.cublas13(e);
                    }
                }
                problem = route != null ? null : problem + "; " + problem13;
            }
            this.gemm = route == null ? new KernelGemm(kernels) : route;
            held.push(gemm::close);
            this.cublasProblem = problem;
        } catch (RuntimeException | LinkageError e) {
            try {
                held.releaseAll();
            } catch (RuntimeException release) {
                e.addSuppressed(release);
            }
            throw e;
        }
    }

    /** Null when cuBLAS 13 computes a test product right; else why not, with the route closed. */
    private String checked(Cublas13Gemm opened) {
        try {
            String wrong = opened.checkOnce(stream);
            if (wrong != null) {
                opened.close();
            }
            return wrong;
        } catch (CudaFailure | LinkageError e) {
            opened.close();
            throw e;
        }
    }

    /**
     * The kernel module. nvcc 13 builds it, and NVIDIA guarantees such code only on drivers for
     * CUDA 13 and newer (R580), so when the driver is older the failure says so.
     */
    private CudaKernels loadKernels(Precision precision) {
        try {
            return new CudaKernels(precision, stream);
        } catch (CudaFailure e) {
            int needed = KernelImage.nvccCudaVersion();
            String why = device.driverVersion() >= needed ? "" : ": built by nvcc " + CudaDevice.version(needed)
                    + ", they need a driver for that CUDA version or newer, and this one is for CUDA "
                    + CudaDevice.version(device.driverVersion());
            throw new BackendUnavailableException("the CUDA kernels did not load (" + e.error() + ")" + why);
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String gemmImplementation() {
        return gemm.name();
    }

    /** Why cuBLAS is not used, or null when it is. */
    String cublasProblem() {
        return cublasProblem;
    }

    @Override
    public String description() {
        return "cuda: " + device.describe() + ", " + precision.spelling() + ", gemm " + gemm.name();
    }

    /** The GPU alone, for example {@code NVIDIA H200 (compute 9.0, 140.4 GiB, driver CUDA 13.0)}. */
    String deviceDescription() {
        return device.describe();
    }

    /** The GPU this backend runs on. */
    CudaDevice device() {
        return device;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    /**
     * Free device memory as the driver reports it (other processes on a shared GPU count against
     * it), plus this backend's pooled idle blocks, which its allocations can have back.
     */
    @Override
    public synchronized long freeMemoryBytes() {
        enter("freeMemoryBytes");
        long[] free = new long[1];
        long[] total = new long[1];
        check(JCudaDriver.cuMemGetInfo(free, total), "freeMemoryBytes", "cuMemGetInfo");
        return free[0] + pool.idleBytes();
    }

    /** pair_outer's float64 running sums, which stay in this backend's scratch block once reserved. */
    @Override
    public double pairProductScratchBytes(long na, long nb, long p) {
        return CudaLaunch.pairOuterSumsBytes(na, nb, p);
    }

    // ---- memory ---------------------------------------------------------------------------

    @Override
    public synchronized DeviceMatrix allocate(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("allocate: negative shape " + rows + " x " + cols);
        }
        String op = "allocate (" + rows + " x " + cols + ")";
        enter(op);
        long bytes = (long) rows * cols * precision.bytes();
        DeviceAllocation allocation;
        if (bytes == 0) {
            allocation = new DeviceAllocation(null, 0);
        } else {
            allocation = new DeviceAllocation(pool.take(op, bytes), bytes);
            live.add(allocation);
            try {
                check(JCudaDriver.cuMemsetD8Async(allocation.pointer(), (byte) 0, bytes, stream), op,
                        "cuMemsetD8Async");
                finish(op);
            } catch (RuntimeException e) {
                free(allocation);
                throw e;
            }
        }
        return new CudaMatrix(this, allocation, 0, rows, cols, true);
    }

    @Override
    public synchronized DeviceMatrix upload(int rows, int cols, double[] columnMajor) {
        DeviceMatrix m = allocate(rows, cols);
        try {
            upload(columnMajor, m);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    @Override
    public synchronized void upload(double[] columnMajor, DeviceMatrix dst) {
        CudaMatrix d = mine("upload", dst);
        int length = CudaShapes.hostLength("upload", d);
        if (columnMajor.length != length) {
            throw new IllegalArgumentException("upload: " + columnMajor.length + " values into a " + Shapes.of(d)
                    + " matrix");
        }
        if (length == 0) {
            return;
        }
        String op = "upload (" + Shapes.of(d) + ")";
        enter(op);
        Pointer host;
        if (precision == Precision.FLOAT64) {
            host = Pointer.to(columnMajor);
        } else {
            float[] rounded = new float[length];
            for (int i = 0; i < length; i++) {
                rounded[i] = (float) columnMajor[i];
            }
            host = Pointer.to(rounded);
        }
        // From pageable memory (a Java array) the driver has staged the bytes when the call returns,
        // so the array JCuda pins for the call may go at once; the copy itself is ordered on the stream.
        check(JCudaDriver.cuMemcpyHtoDAsync(d.pointer(), host, d.bytes(), stream), op, "cuMemcpyHtoDAsync");
        finish(op);
    }

    @Override
    public synchronized double[] download(DeviceMatrix m) {
        CudaMatrix c = mine("download", m);
        int length = CudaShapes.hostLength("download", c);
        double[] out = new double[length];
        if (length == 0) {
            return out;
        }
        String op = "download (" + Shapes.of(c) + ")";
        enter(op);
        // Into pageable memory the copy has completed when the call returns, after the stream's
        // earlier work; finish() reports a failure of that work against this operation.
        if (precision == Precision.FLOAT64) {
            check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(out), c.pointer(), c.bytes(), stream), op,
                    "cuMemcpyDtoHAsync");
            finish(op);
        } else {
            float[] stored = new float[length];
            check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(stored), c.pointer(), c.bytes(), stream), op,
                    "cuMemcpyDtoHAsync");
            finish(op);
            for (int i = 0; i < length; i++) {
                out[i] = stored[i];
            }
        }
        return out;
    }

    @Override
    public synchronized void copy(DeviceMatrix src, DeviceMatrix dst) {
        CudaMatrix s = mine("copy", src);
        CudaMatrix d = mine("copy", dst);
        Shapes.same("copy", s, d);
        if (s.size() == 0) {
            return;
        }
        String op = "copy (" + Shapes.of(s) + ")";
        enter(op);
        check(JCudaDriver.cuMemcpyDtoDAsync(d.pointer(), s.pointer(), s.bytes(), stream), op, "cuMemcpyDtoDAsync");
        finish(op);
    }

    @Override
    public synchronized void fill(DeviceMatrix m, double value) {
        CudaMatrix c = mine("fill", m);
        elementwise("fill", "fill", c, new KernelArgs().ptr(c.pointer()).l(c.size()).d(value));
    }

    // ---- random numbers -------------------------------------------------------------------

    @Override
    public synchronized void fillGaussian(DeviceMatrix out, RandomKey key, long stream, int firstDraw, double std) {
        CudaMatrix o = mine("fillGaussian", out);
        if (firstDraw < 0 || (long) firstDraw + o.cols() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("fillGaussian: draws " + firstDraw + " to " + ((long) firstDraw + o.cols())
                    + " must lie between 0 and " + Integer.MAX_VALUE);
        }
        elementwise("fillGaussian", "fill_gaussian", o, new KernelArgs().ptr(o.pointer()).i(o.rows()).l(o.size()).i(key.key0())
                .i(key.key1()).l(stream).i(firstDraw).d(std));
    }

    // ---- linear algebra ---------------------------------------------------------------------

    @Override
    public synchronized void gemm(boolean transA, boolean transB, double alpha, DeviceMatrix a, DeviceMatrix b,
                                  double beta, DeviceMatrix c) {
        CudaMatrix ma = mine("gemm", a);
        CudaMatrix mb = mine("gemm", b);
        CudaMatrix mc = mine("gemm", c);
        Shapes.gemm(transA, transB, ma, mb, mc);
        int m = transA ? ma.cols() : ma.rows();
        int k = transA ? ma.rows() : ma.cols();
        int n = transB ? mb.rows() : mb.cols();
        if (m == 0 || n == 0) {
            return;
        }
        String op = "gemm (op(A) " + m + " x " + k + ", op(B) " + k + " x " + n + ")";
        enter(op);
        gemm.gemm(op, transA, transB, m, n, k, alpha, ma.pointer(), Math.max(1, ma.rows()), mb.pointer(),
                Math.max(1, mb.rows()), beta, mc.pointer(), mc.rows());
        finish(op);
    }

    @Override
    public synchronized double[] gram(DeviceMatrix a, DeviceMatrix b) {
        CudaMatrix ma = mine("gram", a);
        CudaMatrix mb = mine("gram", b);
        if (ma.rows() != mb.rows()) {
            throw new IllegalArgumentException("gram: " + Shapes.of(ma) + " and " + Shapes.of(mb)
                    + " have different row counts");
        }
        return columnReduction("gram (" + Shapes.of(ma) + ", " + Shapes.of(mb) + ")", ma, mb);
    }

    @Override
    public synchronized double[] columnMeans(DeviceMatrix m) {
        CudaMatrix c = mine("columnMeans", m);
        return columnReduction("columnMeans (" + Shapes.of(c) + ")", c, null);
    }

    /**
     * {@code (1/N) a^T b} (gram_partials: the GEMM's tiles per chunk of particles), or the column
     * means of a when b is null (column_partials), in float64 (reductions.cuh).
     */
    private double[] columnReduction(String op, CudaMatrix a, CudaMatrix b) {
        long entries = (long) a.cols() * (b == null ? 1 : b.cols());
        if (entries > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(op + ": the result has more entries than one Java array can hold");
        }
        double[] total = new double[(int) entries];
        if (entries == 0) {
            return total;
        }
        enter(op);
        int chunks = CudaLaunch.reduceChunks(a.rows());
        CUdeviceptr partial = scratch.reserve(op, entries * (chunks + 1));
        CUdeviceptr sums = partial.withByteOffset(entries * chunks * Sizeof.DOUBLE);
        if (b == null) {
            kernels.launch(op, "column_partials", CudaLaunch.reduce(entries, chunks), new KernelArgs()
                    .ptr(a.pointer()).i(a.cols()).i(a.rows()).i(chunks).ptr(partial));
        } else {
            kernels.launch(op, "gram_partials", CudaLaunch.gram(op, a.cols(), b.cols(), chunks), new KernelArgs()
                    .ptr(a.pointer()).i(a.cols()).ptr(b.pointer()).i(b.cols()).i(a.rows()).ptr(partial));
        }
        kernels.launchExact(op, "column_finish", CudaLaunch.elementwise(entries), new KernelArgs()
                .ptr(partial).l(entries).i(chunks).i(a.rows()).ptr(sums));
        check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(total), sums, entries * Sizeof.DOUBLE, stream), op,
                "cuMemcpyDtoHAsync");
        finish(op);
        return total;
    }

    @Override
    public synchronized boolean allFinite(DeviceMatrix m) {
        CudaMatrix c = mine("allFinite", m);
        if (c.size() == 0) {
            return true;
        }
        String op = "allFinite (" + Shapes.of(c) + ")";
        enter(op);
        CUdeviceptr flag = scratch.reserve(op, 1);
        check(JCudaDriver.cuMemsetD32Async(flag, 0, 1, stream), op, "cuMemsetD32Async");
        kernels.launch(op, "find_non_finite", CudaLaunch.elementwise(c.size()),
                new KernelArgs().ptr(c.pointer()).l(c.size()).ptr(flag));
        int[] found = new int[1];
        check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(found), flag, Sizeof.INT, stream), op, "cuMemcpyDtoHAsync");
        finish(op);
        return found[0] == 0;
    }

    // ---- elementwise ------------------------------------------------------------------------

    @Override
    public synchronized void activation(Activation phi, DeviceMatrix in, DeviceMatrix out) {
        activation("activation", phi, false, in, out);
    }

    @Override
    public synchronized void activationDerivative(Activation phi, DeviceMatrix in, DeviceMatrix out) {
        activation("activationDerivative", phi, true, in, out);
    }

    private void activation(String name, Activation phi, boolean derivative, DeviceMatrix in, DeviceMatrix out) {
        CudaMatrix i = mine(name, in);
        CudaMatrix o = mine(name, out);
        Shapes.same(name, i, o);
        elementwise(name, "activation", i, new KernelArgs().i(phi.ordinal()).flag(derivative).ptr(i.pointer())
                .ptr(o.pointer()).l(i.size()));
    }

    @Override
    public synchronized void hadamard(DeviceMatrix a, DeviceMatrix b, DeviceMatrix out) {
        CudaMatrix ma = mine("hadamard", a);
        CudaMatrix mb = mine("hadamard", b);
        CudaMatrix mo = mine("hadamard", out);
        Shapes.same("hadamard", ma, mb);
        Shapes.same("hadamard", ma, mo);
        elementwise("hadamard", "hadamard", ma, new KernelArgs().ptr(ma.pointer()).ptr(mb.pointer()).ptr(mo.pointer())
                .l(ma.size()));
    }

    @Override
    public synchronized void scaleRows(DeviceMatrix s, DeviceMatrix b, DeviceMatrix out) {
        CudaMatrix ms = mine("scaleRows", s);
        CudaMatrix mb = mine("scaleRows", b);
        CudaMatrix mo = mine("scaleRows", out);
        if (ms.cols() != 1 || ms.rows() != mb.rows()) {
            throw new IllegalArgumentException("scaleRows: s " + Shapes.of(ms) + " must be a column of length "
                    + mb.rows());
        }
        Shapes.same("scaleRows", mb, mo);
        elementwise("scaleRows", "scale_rows", mb, new KernelArgs().ptr(ms.pointer()).ptr(mb.pointer()).ptr(mo.pointer())
                .i(mb.rows()).l(mb.size()));
    }

    @Override
    public synchronized void scaleColumns(double[] c, DeviceMatrix b, DeviceMatrix out) {
        CudaMatrix mb = mine("scaleColumns", b);
        CudaMatrix mo = mine("scaleColumns", out);
        if (c.length != mb.cols()) {
            throw new IllegalArgumentException("scaleColumns: " + c.length + " factors for a " + Shapes.of(mb) + " matrix");
        }
        Shapes.same("scaleColumns", mb, mo);
        if (mb.size() == 0) {
            return;
        }
        String op = "scaleColumns (" + Shapes.of(mb) + ")";
        enter(op);
        CUdeviceptr factors = scratch.upload(op, c);
        launchElementwise(op, "scale_columns", mb.size(), new KernelArgs().ptr(factors).ptr(mb.pointer())
                .ptr(mo.pointer()).i(mb.rows()).l(mb.size()));
        finish(op);
    }

    @Override
    public synchronized void axpy(double alpha, DeviceMatrix x, DeviceMatrix y) {
        CudaMatrix mx = mine("axpy", x);
        CudaMatrix my = mine("axpy", y);
        Shapes.same("axpy", mx, my);
        elementwise("axpy", "axpy", mx, new KernelArgs().d(alpha).ptr(mx.pointer()).ptr(my.pointer()).l(mx.size()));
    }

    @Override
    public synchronized void scale(double alpha, DeviceMatrix x) {
        CudaMatrix mx = mine("scale", x);
        elementwise("scale", "scale", mx, new KernelArgs().d(alpha).ptr(mx.pointer()).l(mx.size()));
    }

    @Override
    public synchronized void setDiagonal(DeviceMatrix m, double value) {
        CudaMatrix c = mine("setDiagonal", m);
        if (c.rows() != c.cols()) {
            throw new IllegalArgumentException("setDiagonal: " + Shapes.of(c) + " is not square");
        }
        if (c.rows() == 0) {
            return;
        }
        String op = "setDiagonal (" + Shapes.of(c) + ")";
        enter(op);
        launchElementwise(op, "set_diagonal", c.rows(), new KernelArgs().ptr(c.pointer()).i(c.rows()).d(value));
        finish(op);
    }

    @Override
    public synchronized void update(UpdateFunction q, int step, DeviceMatrix grad, double alpha, DeviceMatrix param,
                                    DeviceMatrix... state) {
        CudaMatrix g = mine("update", grad);
        CudaMatrix p = mine("update", param);
        Shapes.same("update", g, p);
        Shapes.stateCount("update", q, state);
        CUdeviceptr[] s = {new CUdeviceptr(), new CUdeviceptr()};
        for (int k = 0; k < state.length; k++) {
            CudaMatrix sk = mine("update", state[k]);
            Shapes.same("update", g, sk);
            s[k] = sk.pointer();
        }
        // LIMITS.md section 1; the bias corrections come from the same Math.pow as on the CPU
        elementwise("update", "update", g, new KernelArgs().i(q.kind().ordinal()).d(q.epsilon()).d(q.beta1()).d(q.beta2())
                .d(q.firstBiasCorrection(step)).d(q.secondBiasCorrection(step)).ptr(g.pointer()).d(alpha)
                .ptr(p.pointer()).ptr(s[0]).ptr(s[1]).l(g.size()));
    }

    // ---- nonlinear outer product ------------------------------------------------------------

    @Override
    public synchronized void nonlinearOuterProduct(UpdateFunction q, double[] c, DeviceMatrix a, DeviceMatrix b,
                                                   DeviceMatrix cm, double alpha, boolean excludeDiagonal,
                                                   DeviceMatrix out) {
        String name = "nonlinearOuterProduct";
        CudaMatrix ma = mine(name, a);
        CudaMatrix mb = mine(name, b);
        CudaMatrix mc = mine(name, cm);
        CudaMatrix mo = mine(name, out);
        requireMemoryless(q);
        Shapes.pairs(name, c, ma, mb, excludeDiagonal);
        Shapes.outputs(name, ma, mb, mc, mo);
        pairOuter(name, q, 0, 0, c, ma, mb, mc, alpha, excludeDiagonal, mo);
    }

    @Override
    public synchronized void accumulatePairs(UpdateFunction q, double[] c, DeviceMatrix a, DeviceMatrix b,
                                             double alpha, boolean excludeDiagonal, DeviceMatrix pairs) {
        String name = "accumulatePairs";
        CudaMatrix ma = mine(name, a);
        CudaMatrix mb = mine(name, b);
        CudaMatrix mp = mine(name, pairs);
        requireMemoryless(q);
        Shapes.pairs(name, c, ma, mb, excludeDiagonal);
        Shapes.pairMatrix(name, ma, mb, mp);
        String op = name + " (A " + Shapes.of(ma) + ", B " + Shapes.of(mb) + ")";
        CudaLaunch.Grid grid = CudaLaunch.pairAccumulate(op, ma.rows(), mb.rows());
        if (grid.empty()) {
            return;
        }
        enter(op);
        CUdeviceptr coefs = scratch.upload(op, c);
        kernels.launch(op, "pair_accumulate", grid, new KernelArgs().i(q.kind().ordinal()).d(q.epsilon())
                .ptr(coefs).ptr(ma.pointer()).i(ma.rows()).ptr(mb.pointer()).i(mb.rows()).i(ma.cols()).d(alpha)
                .flag(excludeDiagonal).ptr(mp.pointer()));
        finish(op);
    }

    @Override
    public synchronized void updatePairs(UpdateFunction q, int step, double[] c, DeviceMatrix a, DeviceMatrix b,
                                         double alpha, boolean excludeDiagonal, DeviceMatrix pairs,
                                         DeviceMatrix... state) {
        String name = "updatePairs";
        Shapes.stateCount(name, q, state);
        if (!q.hasMemory()) {
            accumulatePairs(q, c, a, b, alpha, excludeDiagonal, pairs);
            return;
        }
        CudaMatrix ma = mine(name, a);
        CudaMatrix mb = mine(name, b);
        CudaMatrix mp = mine(name, pairs);
        Shapes.pairs(name, c, ma, mb, excludeDiagonal);
        Shapes.pairMatrix(name, ma, mb, mp);
        CUdeviceptr[] s = {new CUdeviceptr(), new CUdeviceptr()};
        for (int k = 0; k < state.length; k++) {
            CudaMatrix sk = mine(name, state[k]);
            Shapes.same(name, mp, sk);
            s[k] = sk.pointer();
        }
        String op = name + " (A " + Shapes.of(ma) + ", B " + Shapes.of(mb) + ")";
        CudaLaunch.Grid grid = CudaLaunch.pairAccumulate(op, ma.rows(), mb.rows());
        if (grid.empty()) {
            return;
        }
        enter(op);
        CUdeviceptr coefs = scratch.upload(op, c);
        // LIMITS.md section 5; the per-pair step is the one of update(), bias corrections from the same Math.pow
        kernels.launch(op, "pair_update", grid, new KernelArgs().i(q.kind().ordinal()).d(q.epsilon()).d(q.beta1())
                .d(q.beta2()).d(q.firstBiasCorrection(step)).d(q.secondBiasCorrection(step)).ptr(coefs)
                .ptr(ma.pointer()).i(ma.rows()).ptr(mb.pointer()).i(mb.rows()).i(ma.cols()).d(alpha)
                .flag(excludeDiagonal).ptr(mp.pointer()).ptr(s[0]).ptr(s[1]));
        finish(op);
    }

    @Override
    public synchronized void adamOuterProduct(UpdateFunction adam, int step, double[] first, double[][] second,
                                              DeviceMatrix a, DeviceMatrix b, DeviceMatrix cm, double alpha,
                                              boolean excludeDiagonal, DeviceMatrix out) {
        String name = "adamOuterProduct";
        CudaMatrix ma = mine(name, a);
        CudaMatrix mb = mine(name, b);
        CudaMatrix mc = mine(name, cm);
        CudaMatrix mo = mine(name, out);
        if (adam.kind() != UpdateFunction.Kind.ADAM) {
            throw new IllegalArgumentException(name + ": needs adam, got " + adam.kind().spelling());
        }
        Shapes.pairs(name, first, ma, mb, excludeDiagonal);
        for (double[] factor : second) {
            Shapes.pairs(name, factor, ma, mb, excludeDiagonal);
        }
        Shapes.outputs(name, ma, mb, mc, mo);
        // coefficient rows: first, then each factor of the second moment (pair_products.cuh, q_tile)
        int m = first.length;
        double[] coefs = new double[m * (1 + second.length)];
        System.arraycopy(first, 0, coefs, 0, m);
        for (int r = 0; r < second.length; r++) {
            System.arraycopy(second[r], 0, coefs, (r + 1) * m, m);
        }
        pairOuter(name, adam, step, second.length, coefs, ma, mb, mc, alpha, excludeDiagonal, mo);
    }

    /**
     * Launches pair_outer, or pair_outer_adam for adam (pair_products.cuh), with coefficient rows
     * {@code coefs}; its float64 running sums ({@code ranges x N_A x p}) follow the coefficients
     * in scratch memory, and pair_outer_finish adds the ranges when there are several.
     */
    private void pairOuter(String name, UpdateFunction q, int step, int secondRank, double[] coefs, CudaMatrix a,
                           CudaMatrix b, CudaMatrix cm, double alpha, boolean excludeDiagonal, CudaMatrix out) {
        String op = name + " (A " + Shapes.of(a) + ", B " + Shapes.of(b) + ", C " + Shapes.of(cm) + ")";
        if (b.rows() == 0) {
            // no particles b: every output is an empty sum
            elementwise(name, "fill", out, new KernelArgs().ptr(out.pointer()).l(out.size()).d(0.0));
            return;
        }
        CudaLaunch.PairOuterGrid blocks = CudaLaunch.pairOuter(a.rows(), b.rows(), cm.cols());
        if (blocks.grid().empty()) {
            return;
        }
        enter(op);
        long outputs = out.size();
        CUdeviceptr coefficients = scratch.upload(op, coefs, blocks.ranges() * outputs);
        CUdeviceptr partial = coefficients.withByteOffset((long) coefs.length * Sizeof.DOUBLE);
        if (q.kind() == UpdateFunction.Kind.ADAM) {
            kernels.launch(op, "pair_outer_adam", blocks.grid(), new KernelArgs().d(q.epsilon())
                    .d(q.firstBiasCorrection(step)).d(q.secondBiasCorrection(step)).i(secondRank).ptr(coefficients)
                    .ptr(a.pointer()).i(a.rows()).ptr(b.pointer()).i(b.rows()).i(a.cols()).ptr(cm.pointer())
                    .i(cm.cols()).d(alpha).flag(excludeDiagonal).i(blocks.tilesPerBlock()).ptr(partial)
                    .ptr(out.pointer()));
        } else {
            kernels.launch(op, "pair_outer", blocks.grid(), new KernelArgs().i(q.kind().ordinal()).d(q.epsilon())
                    .ptr(coefficients).ptr(a.pointer()).i(a.rows()).ptr(b.pointer()).i(b.rows()).i(a.cols())
                    .ptr(cm.pointer()).i(cm.cols()).d(alpha).flag(excludeDiagonal).i(blocks.tilesPerBlock())
                    .ptr(partial).ptr(out.pointer()));
        }
        if (blocks.ranges() > 1) {
            kernels.launch(op, "pair_outer_finish", CudaLaunch.elementwise(outputs), new KernelArgs().ptr(partial)
                    .i(blocks.ranges()).l(outputs).d(alpha).ptr(out.pointer()));
        }
        finish(op);
    }

    private static void requireMemoryless(UpdateFunction q) {
        if (q.hasMemory()) {
            throw new IllegalArgumentException("the nonlinear outer product needs a memoryless Q, got "
                    + q.kind().spelling());
        }
    }

    // ---- lifecycle --------------------------------------------------------------------------

    /**
     * Gives a matrix's block back to the pool; called by {@link CudaMatrix#close()}. The operations
     * that used it have finished, so the next allocation of its size may have it at once.
     */
    synchronized void free(DeviceAllocation allocation) {
        boolean taken = !allocation.freed() && allocation.bytes() > 0;
        allocation.markFreed();
        if (taken && live.remove(allocation)) {
            pool.give(allocation.pointer(), allocation.bytes());
        }
    }

    @Override
    public void forEachOnHost(int blocks, IntConsumer block) {
        host.forEach(blocks, block);
    }

    @Override
    public int hostThreads() {
        return host.threads();
    }

    /**
     * Frees what is left (matrices still open, on a shared GPU, would otherwise stay allocated
     * until the process ends, and the pool's idle blocks), then cuBLAS, the scratch block, the
     * module, the stream and the context reference: every one of them even when one fails, the
     * first failure thrown at the end.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (DeviceAllocation allocation : live) {
            allocation.markFreed();
            pool.give(allocation.pointer(), allocation.bytes());
        }
        live.clear();
        RuntimeException current = null;
        try {
            check(JCudaDriver.cuCtxSetCurrent(context), "close", "cuCtxSetCurrent");
        } catch (RuntimeException e) {
            current = e;
        }
        try {
            held.releaseAll();
        } catch (RuntimeException e) {
            if (current != null) {
                e.addSuppressed(current);
            }
            throw e;
        }
        if (current != null) {
            throw current;
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Makes the primary context current on the calling thread (contexts are per thread). */
    private void enter(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": the CUDA backend is closed");
        }
        check(JCudaDriver.cuCtxSetCurrent(context), op, "cuCtxSetCurrent");
    }

    /** Waits for the operation's work; errors of its kernels surface here, named by {@code op}. */
    private void finish(String op) {
        check(JCudaDriver.cuStreamSynchronize(stream), op, "cuStreamSynchronize");
    }

    /** One elementwise kernel over all entries of {@code m}, as the whole operation {@code name}. */
    private void elementwise(String name, String kernel, CudaMatrix m, KernelArgs args) {
        if (m.size() == 0) {
            return;
        }
        String op = name + " (" + Shapes.of(m) + ")";
        enter(op);
        launchElementwise(op, kernel, m.size(), args);
        finish(op);
    }

    private void launchElementwise(String op, String kernel, long elements, KernelArgs args) {
        kernels.launch(op, kernel, CudaLaunch.elementwise(elements), args);
    }

    private CudaMatrix mine(String op, DeviceMatrix m) {
        if (!(m instanceof CudaMatrix) || m.backend() != this) {
            throw new IllegalArgumentException(op + ": the matrix belongs to another backend");
        }
        CudaMatrix c = (CudaMatrix) m;
        c.requireOpen();
        return c;
    }

    @Override
    public String toString() {
        return description();
    }
}
