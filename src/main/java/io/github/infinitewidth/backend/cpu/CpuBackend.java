package io.github.infinitewidth.backend.cpu;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.backend.Shapes;
import io.github.infinitewidth.backend.WorkSplit;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.GaussianStream;
import io.github.infinitewidth.random.RandomKey;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntConsumer;

/**
 * The pure-Java backend, always available. Matrices live in {@code double[]} (float64) or
 * {@code float[]} (float32) arrays; arithmetic is done in float64 and rounded to the storage
 * precision when stored. Work is cut into blocks fixed by the problem size alone (see
 * {@link WorkSplit}), so 1 thread and N threads give bit-identical results.
 */
public final class CpuBackend implements Backend {
    /** Elements per block of an elementwise operation. */
    private static final int ELEMENTS = 1 << 14;

    private final Precision precision;
    private final WorkSplit split;

    public CpuBackend(Precision precision, int threads) {
        this.precision = precision;
        this.split = new WorkSplit(threads);
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String gemmImplementation() {
        return "java";
    }

    @Override
    public String description() {
        return "cpu: pure Java" + (CpuGemm.VECTOR ? " with the Vector API" : "") + ", " + split.threads() + " thread"
                + (split.threads() == 1 ? "" : "s") + ", " + precision.spelling() + ", Java " + Runtime.version();
    }

    @Override
    public Precision precision() {
        return precision;
    }

    /** The JVM heap still available: the maximum heap minus what is in use now. */
    @Override
    public long freeMemoryBytes() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    // ---- memory ---------------------------------------------------------------------------

    @Override
    public DeviceMatrix allocate(int rows, int cols) {
        return allocate(rows, cols, precision);
    }

    @Override
    public long maxMatrixEntries() {
        return Integer.MAX_VALUE - 8;
    }

    @Override
    public boolean storesMixedPrecision() {
        return true;
    }

    @Override
    public DeviceMatrix allocate(int rows, int cols, Precision storage) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("allocate: negative shape " + rows + " x " + cols);
        }
        long size = (long) rows * cols;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("allocate: " + rows + " x " + cols
                    + " has more entries than one Java array can hold");
        }
        return storage == Precision.FLOAT64
                ? new CpuMatrix(this, rows, cols, new double[(int) size], null, 0)
                : new CpuMatrix(this, rows, cols, null, new float[(int) size], 0);
    }

    @Override
    public DeviceMatrix upload(int rows, int cols, double[] columnMajor) {
        DeviceMatrix m = allocate(rows, cols);
        upload(columnMajor, m);
        return m;
    }

    @Override
    public void upload(double[] columnMajor, DeviceMatrix dst) {
        CpuMatrix d = mine("upload", dst);
        if (columnMajor.length != d.size()) {
            throw new IllegalArgumentException("upload: " + columnMajor.length + " values into a "
                    + d.rows() + " x " + d.cols() + " matrix");
        }
        d.setAll(columnMajor, 0);
    }

    @Override
    public double[] download(DeviceMatrix m) {
        return mine("download", m).toDoubles();
    }

    @Override
    public void copy(DeviceMatrix src, DeviceMatrix dst) {
        CpuMatrix s = mine("copy", src);
        CpuMatrix d = mine("copy", dst);
        Shapes.same("copy", s, d);
        d.setAll(s.toDoubles(), 0);
    }

    @Override
    public void fill(DeviceMatrix m, double value) {
        CpuMatrix c = mine("fill", m);
        elementwise(c.size(), i -> c.set(i, value));
    }

    // ---- random numbers -------------------------------------------------------------------

    @Override
    public void fillGaussian(DeviceMatrix out, RandomKey key, long stream, int firstDraw, double std) {
        CpuMatrix o = mine("fillGaussian", out);
        int rows = o.rows();
        int size = o.size();
        int key0 = key.key0();
        int key1 = key.key1();
        split.forEach(WorkSplit.blocks(size, ELEMENTS), block -> {
            int[] words = new int[4];
            int end = Math.min(size, (block + 1) * ELEMENTS);
            for (int i = block * ELEMENTS; i < end; i++) {
                o.set(i, std * GaussianStream.gaussian(key0, key1, stream, i % rows, firstDraw + i / rows, words));
            }
        });
    }

    // ---- linear algebra ---------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, DeviceMatrix a, DeviceMatrix b,
                     double beta, DeviceMatrix c) {
        CpuMatrix ma = mine("gemm", a);
        CpuMatrix mb = mine("gemm", b);
        CpuMatrix mc = mine("gemm", c);
        Shapes.gemm(transA, transB, ma, mb, mc);
        CpuGemm.gemm(split, transA, transB, alpha, ma, mb, beta, mc);
    }

    @Override
    public double[] gram(DeviceMatrix a, DeviceMatrix b) {
        CpuMatrix ma = mine("gram", a);
        CpuMatrix mb = mine("gram", b);
        if (ma.rows() != mb.rows()) {
            throw new IllegalArgumentException("gram: " + ma.rows() + " x " + ma.cols() + " and "
                    + mb.rows() + " x " + mb.cols() + " have different row counts");
        }
        return CpuReductions.gram(split, ma, mb);
    }

    @Override
    public double[] columnMeans(DeviceMatrix m) {
        return CpuReductions.columnMeans(split, mine("columnMeans", m));
    }

    @Override
    public boolean allFinite(DeviceMatrix m) {
        CpuMatrix c = mine("allFinite", m);
        int blocks = WorkSplit.blocks(c.size(), ELEMENTS);
        boolean[] finite = new boolean[blocks];
        split.forEach(blocks, block -> {
            int end = Math.min(c.size(), (block + 1) * ELEMENTS);
            boolean ok = true;
            for (int i = block * ELEMENTS; i < end && ok; i++) {
                ok = Double.isFinite(c.get(i));
            }
            finite[block] = ok;
        });
        for (boolean ok : finite) {
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    // ---- elementwise ------------------------------------------------------------------------

    @Override
    public void activation(Activation phi, DeviceMatrix in, DeviceMatrix out) {
        map("activation", in, out, phi::value);
    }

    @Override
    public void activationDerivative(Activation phi, DeviceMatrix in, DeviceMatrix out) {
        map("activationDerivative", in, out, phi::derivative);
    }

    @Override
    public void hadamard(DeviceMatrix a, DeviceMatrix b, DeviceMatrix out) {
        zip("hadamard", a, b, out, (x, y) -> x * y);
    }

    @Override
    public void scaleRows(DeviceMatrix s, DeviceMatrix b, DeviceMatrix out) {
        CpuMatrix ms = mine("scaleRows", s);
        CpuMatrix mb = mine("scaleRows", b);
        CpuMatrix mo = mine("scaleRows", out);
        if (ms.cols() != 1 || ms.rows() != mb.rows()) {
            throw new IllegalArgumentException("scaleRows: s " + ms.rows() + " x " + ms.cols()
                    + " must be a column of length " + mb.rows());
        }
        Shapes.same("scaleRows", mb, mo);
        int rows = mb.rows();
        elementwise(mb.size(), i -> mo.set(i, ms.get(i % rows) * mb.get(i)));
    }

    @Override
    public void scaleColumns(double[] c, DeviceMatrix b, DeviceMatrix out) {
        CpuMatrix mb = mine("scaleColumns", b);
        CpuMatrix mo = mine("scaleColumns", out);
        if (c.length != mb.cols()) {
            throw new IllegalArgumentException("scaleColumns: " + c.length + " factors for a " + Shapes.of(mb) + " matrix");
        }
        Shapes.same("scaleColumns", mb, mo);
        int rows = mb.rows();
        elementwise(mb.size(), i -> mo.set(i, c[i / rows] * mb.get(i)));
    }

    @Override
    public void axpy(double alpha, DeviceMatrix x, DeviceMatrix y) {
        zip("axpy", x, y, y, (xi, yi) -> yi + alpha * xi);
    }

    @Override
    public void scale(double alpha, DeviceMatrix x) {
        map("scale", x, x, v -> alpha * v);
    }

    @Override
    public void setDiagonal(DeviceMatrix m, double value) {
        CpuMatrix c = mine("setDiagonal", m);
        if (c.rows() != c.cols()) {
            throw new IllegalArgumentException("setDiagonal: " + c.rows() + " x " + c.cols() + " is not square");
        }
        for (int i = 0; i < c.rows(); i++) {
            c.set(i + i * c.rows(), value);
        }
    }

    @Override
    public void update(UpdateFunction q, int step, DeviceMatrix grad, double alpha, DeviceMatrix param,
                       DeviceMatrix... state) {
        CpuMatrix g = mine("update", grad);
        CpuMatrix p = mine("update", param);
        Shapes.same("update", g, p);
        Shapes.stateCount("update", q, state);
        CpuMatrix[] s = new CpuMatrix[state.length];
        for (int k = 0; k < s.length; k++) {
            s[k] = mine("update", state[k]);
            Shapes.same("update", g, s[k]);
        }
        switch (q.kind()) {
            case MOMENTUM:
                elementwise(g.size(), i -> {
                    double b = q.beta1() * s[0].get(i) + g.get(i);
                    s[0].set(i, b);
                    p.set(i, p.get(i) + alpha * b);
                });
                return;
            case ADAM: {
                // LIMITS.md section 1; the same operations as UpdateFunction.apply, in the same order
                double c1 = q.firstBiasCorrection(step);
                double c2 = q.secondBiasCorrection(step);
                elementwise(g.size(), i -> {
                    double gi = g.get(i);
                    double mi = q.beta1() * s[0].get(i) + (1 - q.beta1()) * gi;
                    double vi = q.beta2() * s[1].get(i) + (1 - q.beta2()) * gi * gi;
                    s[0].set(i, mi);
                    s[1].set(i, vi);
                    p.set(i, p.get(i) + alpha * q.adamDirection(mi, vi, c1, c2));
                });
                return;
            }
            default:
                elementwise(g.size(), i -> p.set(i, p.get(i) + alpha * q.apply(g.get(i))));
        }
    }

    // ---- nonlinear outer product ------------------------------------------------------------

    @Override
    public void nonlinearOuterProduct(UpdateFunction q, double[] c, DeviceMatrix a, DeviceMatrix b, DeviceMatrix cm,
                                      double alpha, boolean excludeDiagonal, DeviceMatrix out) {
        CpuMatrix ma = mine("nonlinearOuterProduct", a);
        CpuMatrix mb = mine("nonlinearOuterProduct", b);
        CpuMatrix mc = mine("nonlinearOuterProduct", cm);
        CpuMatrix mo = mine("nonlinearOuterProduct", out);
        Shapes.pairs("nonlinearOuterProduct", c, ma, mb, excludeDiagonal);
        Shapes.outputs("nonlinearOuterProduct", ma, mb, mc, mo);
        CpuNonlinearOuterProduct.apply(split, q, c, ma, mb, mc, alpha, excludeDiagonal, mo);
    }

    @Override
    public void accumulatePairs(UpdateFunction q, double[] c, DeviceMatrix a, DeviceMatrix b, double alpha,
                                boolean excludeDiagonal, DeviceMatrix pairs) {
        CpuMatrix ma = mine("accumulatePairs", a);
        CpuMatrix mb = mine("accumulatePairs", b);
        CpuMatrix mp = mine("accumulatePairs", pairs);
        Shapes.pairs("accumulatePairs", c, ma, mb, excludeDiagonal);
        Shapes.pairMatrix("accumulatePairs", ma, mb, mp);
        CpuNonlinearOuterProduct.accumulate(split, q, c, ma, mb, alpha, excludeDiagonal, mp);
    }

    @Override
    public void updatePairs(UpdateFunction q, int step, double[] c, DeviceMatrix a, DeviceMatrix b, double alpha,
                            boolean excludeDiagonal, DeviceMatrix pairs, DeviceMatrix... state) {
        CpuMatrix ma = mine("updatePairs", a);
        CpuMatrix mb = mine("updatePairs", b);
        CpuMatrix mp = mine("updatePairs", pairs);
        Shapes.pairs("updatePairs", c, ma, mb, excludeDiagonal);
        Shapes.pairMatrix("updatePairs", ma, mb, mp);
        Shapes.stateCount("updatePairs", q, state);
        if (!q.hasMemory()) {
            CpuNonlinearOuterProduct.accumulate(split, q, c, ma, mb, alpha, excludeDiagonal, mp);
            return;
        }
        CpuMatrix[] s = new CpuMatrix[state.length];
        for (int k = 0; k < s.length; k++) {
            s[k] = mine("updatePairs", state[k]);
            Shapes.same("updatePairs", mp, s[k]);
        }
        CpuNonlinearOuterProduct.update(split, q, step, c, ma, mb, alpha, excludeDiagonal, mp, s);
    }

    @Override
    public void adamOuterProduct(UpdateFunction adam, int step, double[] first, double[][] second, DeviceMatrix a,
                                 DeviceMatrix b, DeviceMatrix cm, double alpha, boolean excludeDiagonal,
                                 DeviceMatrix out) {
        CpuMatrix ma = mine("adamOuterProduct", a);
        CpuMatrix mb = mine("adamOuterProduct", b);
        CpuMatrix mc = mine("adamOuterProduct", cm);
        CpuMatrix mo = mine("adamOuterProduct", out);
        if (adam.kind() != UpdateFunction.Kind.ADAM) {
            throw new IllegalArgumentException("adamOuterProduct: needs adam, got " + adam.kind().spelling());
        }
        Shapes.pairs("adamOuterProduct", first, ma, mb, excludeDiagonal);
        for (double[] factor : second) {
            Shapes.pairs("adamOuterProduct", factor, ma, mb, excludeDiagonal);
        }
        Shapes.outputs("adamOuterProduct", ma, mb, mc, mo);
        CpuNonlinearOuterProduct.adam(split, adam, step, first, second, ma, mb, mc, alpha, excludeDiagonal, mo);
    }

    @Override
    public void forEachOnHost(int blocks, IntConsumer block) {
        split.forEach(blocks, block);
    }

    @Override
    public int hostThreads() {
        return split.threads();
    }

    @Override
    public void close() {
        split.close();
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void elementwise(int size, java.util.function.IntConsumer body) {
        split.forEach(WorkSplit.blocks(size, ELEMENTS), block -> {
            int end = Math.min(size, (block + 1) * ELEMENTS);
            for (int i = block * ELEMENTS; i < end; i++) {
                body.accept(i);
            }
        });
    }

    private void map(String op, DeviceMatrix in, DeviceMatrix out, DoubleUnaryOperator f) {
        CpuMatrix i = mine(op, in);
        CpuMatrix o = mine(op, out);
        Shapes.same(op, i, o);
        elementwise(i.size(), k -> o.set(k, f.applyAsDouble(i.get(k))));
    }

    private void zip(String op, DeviceMatrix a, DeviceMatrix b, DeviceMatrix out, DoubleBinaryOperator f) {
        CpuMatrix ma = mine(op, a);
        CpuMatrix mb = mine(op, b);
        CpuMatrix mo = mine(op, out);
        Shapes.same(op, ma, mb);
        Shapes.same(op, ma, mo);
        elementwise(ma.size(), k -> mo.set(k, f.applyAsDouble(ma.get(k), mb.get(k))));
    }

    private CpuMatrix mine(String op, DeviceMatrix m) {
        if (!(m instanceof CpuMatrix) || m.backend() != this) {
            throw new IllegalArgumentException(op + ": the matrix belongs to another backend");
        }
        CpuMatrix c = (CpuMatrix) m;
        c.requireOpen();
        return c;
    }

    @Override
    public String toString() {
        return description();
    }
}
