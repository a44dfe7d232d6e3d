package io.github.infinitewidth.ket;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;

/**
 * One family of jointly Gaussian hats with variance scale {@code sw^2} (LIMITS.md section 5,
 * "The initial matrix W^l_0 acting on kets"): for example the forward hats {@code What x} of
 * one hidden matrix, or its backward hats {@code What^T z}. Every vector y ever passed to
 * {@link #sample} receives a zero-mean Gaussian ket {@code hat(y)} with
 * {@code Cov(hat(y), hat(y')) = sw^2 <y, y'>}, where {@code <y, y'> = (1/N) sum_a y_a y'_a} is
 * the particle inner product (sum over particles a), independent of every other family.
 *
 * <p><b>Representation.</b> The family keeps an orthonormal basis Q ({@code N x k},
 * {@code <q_i, q_j> = delta_ij}) of the span of its inputs, and the hats {@code Zhat}
 * ({@code N x k}) of the basis vectors. Since {@code Cov(hat(q_i), hat(q_j)) = sw^2 delta_ij},
 * these are independent {@code N(0, sw^2)} columns, each drawn once, fresh. An input
 * {@code y = Q c} then has {@code hat(y) = Zhat c}. This is the Gaussian conditioning of
 * LIMITS.md section 5, "Sampling hats incrementally", in orthonormal coordinates: the part of y
 * in the old span reuses the old hats, the residual gets fresh noise of covariance
 * {@code sw^2 <r, r'>}, and the joint law is reproduced exactly in the particle measure.
 * Inputs whose residual is below the drop tolerance (relative to the input's norm: 1e-8 in
 * float64, 1e-4 in float32) are treated as dependent: they add no basis column and no noise,
 * so their hats are exactly the same linear combination of earlier hats.
 *
 * <p><b>Random numbers.</b> Basis hat i is draw i of the family's stream
 * ({@link Backend#fillGaussian} with {@code firstDraw = i}) under the caller's key, so the
 * samples do not depend on how the inputs were split into batches, and every family needs a
 * stream of its own.
 *
 * <p><b>Derivatives.</b> {@link #steinBasis}, {@link #steinInputs} and {@link #dot} estimate
 * {@code E[dg / d hat]} for a ket g by Stein's lemma (LIMITS.md section 5, "Expectations of
 * derivatives without derivatives"); their accuracy degrades like {@code sqrt(k / N)}.
 *
 * <p><b>Costs</b> ({@code N} particles, rank {@code k}, a batch of {@code m} inputs, g with
 * {@code p} columns): {@link #sample} {@code O(N k m + N m^2)}; {@link #steinBasis}
 * {@code O(N k p + k^2 p)} plus {@code O(N k l + k^2 l)} once for every {@code l} hats added
 * since the last call. Device memory {@code O(N k)} ({@link #deviceBytes}), host memory
 * {@code O(k^2)} ({@link #hostBytes}).
 *
 * <p>All work goes through {@link Backend} operations, so the family runs on any backend. It
 * owns its device buffers: close it before the backend. Not thread-safe.
 */
public final class GaussianFamily implements AutoCloseable {
    private final Backend backend;
    private final int particles;
    private final double sw;
    private final RandomKey key;
    private final long stream;
    private final double dropTolerance;
    private final HatRegression regression = new HatRegression();
    private final PivotInputs pivots = new PivotInputs();
    /** Q: the first {@code rank} columns are the orthonormal basis, the rest is spare capacity. */
    private DeviceMatrix basis;
    /** Zhat: hats of the basis columns, same layout as {@link #basis}. */
    private DeviceMatrix basisHats;
    /** Residuals of the batch being sampled; grows to the widest batch seen. */
    private DeviceMatrix residual;
    private int rank;
    private int inputs;

    /**
     * An empty family.
     *
     * @param backend where the buffers live and the work runs
     * @param particles N, the rows of every ket this family sees
     * @param sw the standard deviation scale: {@code Cov(hat(y), hat(y')) = sw^2 <y, y'>}; {@code > 0}
     * @param key the replica's random key
     * @param stream the family's own random stream (distinct from every other user of {@code key})
     * @param initialCapacity basis columns to allocate up front ({@code >= 1}); the buffers double when
     *     full, so a good guess (the final rank, at most steps times inputs) only saves copies
     */
    public GaussianFamily(Backend backend, int particles, double sw, RandomKey key, long stream, int initialCapacity) {
        if (particles < 1) {
            throw new IllegalArgumentException("GaussianFamily: particles must be >= 1, got " + particles);
        }
        if (!(sw > 0) || !Double.isFinite(sw)) {
            throw new IllegalArgumentException("GaussianFamily: sw must be finite and > 0, got " + sw);
        }
        if (initialCapacity < 1) {
            throw new IllegalArgumentException("GaussianFamily: initialCapacity must be >= 1, got " + initialCapacity);
        }
        this.backend = backend;
        this.particles = particles;
        this.sw = sw;
        this.key = key;
        this.stream = stream;
        this.dropTolerance = backend.precision() == Precision.FLOAT64 ? 1e-8 : 1e-4;
        this.basis = backend.allocate(particles, initialCapacity);
        this.basisHats = backend.allocate(particles, initialCapacity);
        this.residual = backend.allocate(particles, 1);
    }

    /**
     * Device bytes a family of rank {@code rank} needs when its batches have at most
     * {@code widestBatch} inputs: {@code (2 rank + widestBatch) N} stored values. Lets an engine
     * check memory before it starts. A family created with {@code initialCapacity = rank} never
     * grows; one that outgrows its capacity doubles it, up to twice the rank.
     */
    public static long deviceBytesFor(int particles, int rank, int widestBatch, Precision precision) {
        return (2L * rank + widestBatch) * particles * precision.bytes();
    }

    /**
     * The hats of new inputs: {@code out = hat(y)}, jointly Gaussian with every hat this family
     * produced before (see the class comment). Extends the basis by the inputs' residuals that
     * survive the drop tolerance and draws one fresh hat column for each. The inputs are
     * numbered in the order they arrive, across calls, for {@link #steinInputs}. Cost
     * {@code O(N k m + N m^2)}.
     *
     * @param y {@code N x m} inputs
     * @param out {@code N x m}, overwritten; may be {@code y} itself
     */
    public void sample(DeviceMatrix y, DeviceMatrix out) {
        int first = rank;
        rank = hats(y, out, stream, first, true);
        inputs += y.cols();
    }

    /**
     * Hats of inputs that stay outside the family (an evaluation pass, LIMITS.md section 5.1):
     * {@code out = hat(y)}, jointly Gaussian with every hat of the family exactly as {@link #sample}
     * would make them, but the family is left as it was: its rank, its inputs, its Stein
     * regressions and its random stream do not change, so later samples are the same, bit for bit,
     * as without this call. The part of y in the family's span reuses the family's hats; the
     * residual gets fresh noise of covariance {@code sw^2 <r, r'>} drawn from {@code stream} at
     * draws {@code firstDraw ..} (one per independent residual, at most {@code y.cols()}), which the
     * caller keeps apart from every other use. Cost as {@link #sample}.
     *
     * @param y {@code N x m} inputs
     * @param out {@code N x m}, overwritten; may be {@code y} itself
     */
    public void sampleOutside(DeviceMatrix y, DeviceMatrix out, long stream, int firstDraw) {
        hats(y, out, stream, firstDraw, false);
    }

    /**
     * Orthonormalizes the inputs' residuals against the basis into the columns after {@code rank},
     * draws one fresh hat per independent residual ({@code stream}, draws from {@code firstDraw}),
     * writes {@code out = hat(y)} and returns the rank the family has with these columns. With
     * {@code join} the inputs are recorded as pivots; the caller then adopts the returned rank.
     *
     * <p>Orthonormalization: block Gram-Schmidt with one re-orthogonalization pass against the
     * existing basis (two GEMM passes), then modified Gram-Schmidt with one re-orthogonalization
     * pass column by column within the batch. Cost {@code O(N k m + N m^2)}.
     */
    private int hats(DeviceMatrix y, DeviceMatrix out, long drawStream, int firstDraw, boolean join) {
        requireParticles("sample", y);
        requireParticles("sample", out);
        int m = y.cols();
        if (out.cols() != m) {
            throw new IllegalArgumentException("sample: inputs " + particles + " x " + m + " but out "
                    + out.rows() + " x " + out.cols());
        }
        ensureCapacity(rank + m);
        DeviceMatrix r = residual.columns(0, m);
        backend.copy(y, r);
        int first = rank;
        int top = rank;
        double[] inOldBasis = first == 0 ? new double[0] : ParticleGramSchmidt.project(backend, basis.columns(0, first), r);
        // coefficients[j]: input j on basis columns 0 .. (top just after input j) - 1
        double[][] coefficients = new double[m][];
        for (int j = 0; j < m; j++) {
            DeviceMatrix rj = r.columns(j, j + 1);
            double[] inBatch = top == first ? new double[0] : ParticleGramSchmidt.project(backend, basis.columns(first, top), rj);
            double norm = ParticleGramSchmidt.norm(backend, rj);
            boolean independent = norm > dropTolerance * ParticleGramSchmidt.norm(backend, y.columns(j, j + 1));
            double[] c = new double[top + (independent ? 1 : 0)];
            System.arraycopy(inOldBasis, j * first, c, 0, first);
            System.arraycopy(inBatch, 0, c, first, inBatch.length);
            if (independent) {
                DeviceMatrix q = basis.columns(top, top + 1);
                backend.copy(rj, q);
                backend.scale(1.0 / norm, q);
                c[top] = norm;
                if (join) {
                    pivots.add(inputs + j, c);
                }
                top++;
            }
            coefficients[j] = c;
        }
        if (top > first) {
            backend.fillGaussian(basisHats.columns(first, top), key, drawStream, firstDraw, sw);
        }
        writeHats(coefficients, top, out);
        return top;
    }

    /**
     * Stein coefficients in basis coordinates: {@code E[dg_j / d hat(q_i)]} for every basis
     * column i and column j of g, {@code rank() x p} column-major. Computed as the least-squares
     * coefficients of g regressed (with intercept) on the basis hats, using their sample
     * covariance rather than the limit {@code sw^2 I}, which makes a g linear in the hats come
     * out exactly (LIMITS.md section 5). g may depend on these hats and on anything
     * independent of them, smooth or not (relu, sign).
     *
     * @param g {@code N x p}
     * @throws IllegalStateException when the rank is so close to N that the hats' sample covariance is singular
     */
    public double[] steinBasis(DeviceMatrix g) {
        requireParticles("steinBasis", g);
        if (rank == 0) {
            return new double[0];
        }
        return regression.coefficients(backend, basisHats.columns(0, rank), g);
    }

    /**
     * Stein coefficients in input coordinates: {@code E[dg_j / d hat(y_i)]} for every input
     * {@code y_i} ever sampled (numbered in arrival order) and column j of g,
     * {@code inputCount() x p} column-major. When the inputs are linearly independent this is
     * unique. An input found dependent on earlier ones gets a zero row and its share is carried by
     * the inputs it is a combination of; with any such choice {@code sum_i y_i E[dg/d hat(y_i)]} is
     * the same, which is all the dot terms use (see {@link #dot}). Cost as {@link #steinBasis}
     * plus {@code O(k^2 p)}.
     */
    public double[] steinInputs(DeviceMatrix g) {
        return pivots.toInputs(steinBasis(g), g.cols(), inputs);
    }

    /**
     * The dot term of LIMITS.md section 5: {@code out += alpha * sw^2 * sum_i y_i E[dg / d hat(y_i)]}
     * summed over every input y of this family, computed as {@code alpha sw^2 Q E[dg / d hat(Q)]}.
     * The two are equal: with {@code Y = Q C} and {@code hat(Y) = hat(Q) C}, the chain rule gives
     * {@code E[dg/d hat(Q)] = C E[dg/d hat(Y)]}, so {@code Y E[dg/d hat(Y)] = Q C E[dg/d hat(Y)] =
     * Q E[dg/d hat(Q)]}; dependent inputs make {@code E[dg/d hat(Y)]} ambiguous but not this sum.
     *
     * <p>For the forward dot {@code Wdot x_t} pass the backward family of the matrix and
     * {@code g = x_t}; for the backward dot {@code Wdot^T dh_t} the forward family and
     * {@code g = dh_t}, with {@code alpha = 1}. Cost as {@link #steinBasis} plus {@code O(N k p)}.
     *
     * @param g {@code N x p}
     * @param out {@code N x p}, accumulated into; may be g itself
     */
    public void dot(DeviceMatrix g, double alpha, DeviceMatrix out) {
        requireParticles("dot", out);
        if (out.cols() != g.cols()) {
            throw new IllegalArgumentException("dot: g has " + g.cols() + " columns but out has " + out.cols());
        }
        double[] derivatives = steinBasis(g);
        if (rank == 0) {
            return;
        }
        try (DeviceMatrix onDevice = backend.upload(rank, g.cols(), derivatives)) {
            backend.gemm(false, false, alpha * sw * sw, basis.columns(0, rank), onDevice, 1.0, out);
        }
    }

    /** k: the dimension of the span of the inputs so far, the number of fresh hat columns drawn. */
    public int rank() {
        return rank;
    }

    /** How many input vectors (columns) were sampled so far, dependent ones included. */
    public int inputCount() {
        return inputs;
    }

    /** N. */
    public int particles() {
        return particles;
    }

    /** The variance scale's square root. */
    public double sw() {
        return sw;
    }

    /**
     * A view of the orthonormal basis Q ({@code N x rank()}, {@code (1/N) Q^T Q = I}). Read only;
     * valid until the next {@link #sample}, which may move the storage.
     */
    public DeviceMatrix basis() {
        return basis.columns(0, rank);
    }

    /** A view of the basis hats {@code Zhat} ({@code N x rank()}), with the same caveats as {@link #basis()}. */
    public DeviceMatrix basisHats() {
        return basisHats.columns(0, rank);
    }

    /** Device bytes allocated now: basis, hats (with spare capacity) and the batch workspace. */
    public long deviceBytes() {
        return ((long) basis.cols() + basisHats.cols() + residual.cols()) * particles * backend.precision().bytes();
    }

    /** Host bytes held for the Stein regression and the input coordinates, {@code O(k^2)}. */
    public long hostBytes() {
        return regression.hostBytes() + pivots.hostBytes();
    }

    /**
     * Saves the family (a checkpoint) under {@code prefix}: {@code /counts} (rank, inputs seen,
     * basis capacity, residual width), {@code /basis} and {@code /basisHats} (the first rank
     * columns), the Stein regression's factor and means, and the pivot inputs. The rank is also
     * the family's position in its random stream: the next fresh hat is draw {@code rank}.
     */
    public void saveTo(StateWriter out, String prefix) {
        out.ints(prefix + "/counts", rank, inputs, basis.cols(), residual.cols());
        out.matrix(prefix + "/basis", basis.columns(0, rank));
        out.matrix(prefix + "/basisHats", basisHats.columns(0, rank));
        regression.saveTo(out, prefix + "/regression");
        pivots.saveTo(out, prefix + "/pivots");
    }

    /** Replaces this family's state by what {@link #saveTo} saved under {@code prefix}. */
    public void restoreFrom(StateReader in, String prefix) {
        int[] counts = in.ints(prefix + "/counts");
        if (counts.length != 4 || counts[0] < 0 || counts[1] < counts[0] || counts[2] < Math.max(1, counts[0])
                || counts[3] < 0) {
            throw new io.github.infinitewidth.state.SavedStateException("the saved family " + prefix + " has counts "
                    + java.util.Arrays.toString(counts));
        }
        basis.close();
        basisHats.close();
        residual.close();
        basis = backend.allocate(particles, counts[2]);
        basisHats = backend.allocate(particles, counts[2]);
        residual = backend.allocate(particles, Math.max(1, counts[3]));
        rank = counts[0];
        inputs = counts[1];
        in.matrix(prefix + "/basis", basis.columns(0, rank));
        in.matrix(prefix + "/basisHats", basisHats.columns(0, rank));
        regression.restoreFrom(in, prefix + "/regression");
        pivots.restoreFrom(in, prefix + "/pivots");
    }

    /** Frees the device buffers. */
    @Override
    public void close() {
        basis.close();
        basisHats.close();
        residual.close();
    }

    /** {@code out = Zhat C} with C the coefficients of each input on the first {@code rank} basis columns. */
    private void writeHats(double[][] coefficients, int rank, DeviceMatrix out) {
        if (rank == 0) {
            backend.fill(out, 0.0);
            return;
        }
        int m = coefficients.length;
        double[] c = new double[rank * m];
        for (int j = 0; j < m; j++) {
            System.arraycopy(coefficients[j], 0, c, j * rank, coefficients[j].length);
        }
        try (DeviceMatrix onDevice = backend.upload(rank, m, c)) {
            backend.gemm(false, false, 1.0, basisHats.columns(0, rank), onDevice, 0.0, out);
        }
    }

    /** Room for {@code columns} basis columns (doubling) and a residual workspace of the batch width. */
    private void ensureCapacity(int columns) {
        if (columns > basis.cols()) {
            int capacity = Math.max(columns, Math.min(2 * basis.cols(), particles));
            basis = grown(basis, capacity);
            basisHats = grown(basisHats, capacity);
        }
        int m = columns - rank;
        if (m > residual.cols()) {
            residual.close();
            residual = backend.allocate(particles, m);
        }
    }

    private DeviceMatrix grown(DeviceMatrix old, int capacity) {
        DeviceMatrix bigger = backend.allocate(particles, capacity);
        if (rank > 0) {
            backend.copy(old.columns(0, rank), bigger.columns(0, rank));
        }
        old.close();
        return bigger;
    }

    private void requireParticles(String op, DeviceMatrix m) {
        if (m.rows() != particles) {
            throw new IllegalArgumentException(op + ": a family over " + particles + " particles got a "
                    + m.rows() + " x " + m.cols() + " matrix");
        }
    }
}
