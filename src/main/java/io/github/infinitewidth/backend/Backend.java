package io.github.infinitewidth.backend;

import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import java.util.function.IntConsumer;

/**
 * The small set of primitives every engine is built from (docs/design-notes.md). A backend
 * works in one {@link Precision}; all its matrices are stored in it, while every expectation
 * it returns ({@link #columnMeans}, {@link #gram}) is accumulated in float64.
 *
 * <p>Results must not depend on the number of threads or on how work is split: reductions
 * use a fixed blocking. Operations are synchronous from the caller's point of view. Unless a
 * method says otherwise, {@code out} may alias an input of the same shape.
 *
 * <p>Shapes are checked; a mismatch is an {@link IllegalArgumentException} naming the
 * operation and the shapes.
 */
public interface Backend extends AutoCloseable {

    /** {@code cpu} or {@code cuda}: what {@code summary.json} reports as the backend. */
    String name();

    /** Which GEMM runs: {@code java} (CPU), {@code cublas} or {@code kernel} (our own CUDA GEMM). */
    String gemmImplementation();

    /** One line describing the device: CPU threads, or GPU name and memory. */
    String description();

    Precision precision();

    /** Bytes this backend can still allocate for matrices (device memory, or the JVM heap). */
    long freeMemoryBytes();

    // ---- memory -------------------------------------------------------------------------

    /** A new zero-filled matrix; the caller owns it and closes it. */
    DeviceMatrix allocate(int rows, int cols);

    /**
     * A new zero-filled matrix stored in {@code storage} instead of the backend's precision, for pair
     * matrices kept in float32 while everything else is float64 ({@code simulation.pairPrecision}).
     * Such a matrix may be {@code A} of {@link #gemm} and the pairs and state of {@link #updatePairs}
     * and {@link #accumulatePairs}; the arithmetic stays float64, only storing rounds. Backends that
     * store every matrix in their own precision accept only that ({@link #storesMixedPrecision}).
     *
     * @throws IllegalArgumentException for a storage precision this backend cannot hold
     */
    default DeviceMatrix allocate(int rows, int cols, Precision storage) {
        if (storage != precision()) {
            throw new IllegalArgumentException("allocate: the " + name() + " backend stores every matrix in "
                    + precision().spelling() + ", not " + storage.spelling());
        }
        return allocate(rows, cols);
    }

    /** The most entries one matrix may have (the CPU backend keeps a matrix in one Java array). */
    default long maxMatrixEntries() {
        return Long.MAX_VALUE;
    }

    /**
     * Bytes of device memory that {@link #nonlinearOuterProduct} and {@link #adamOuterProduct} hold
     * beyond their operands for {@code na} particles a, {@code nb} particles b and {@code p} output
     * columns (in floating point, for the memory plans: hostile sizes saturate instead of wrapping);
     * 0 where they need none.
     */
    default double pairProductScratchBytes(long na, long nb, long p) {
        return 0;
    }

    /** True when {@link #allocate(int, int, Precision)} takes a precision other than {@link #precision()}. */
    default boolean storesMixedPrecision() {
        return false;
    }

    /** A new matrix holding {@code columnMajor} (length {@code rows * cols}), rounded to this precision. */
    DeviceMatrix upload(int rows, int cols, double[] columnMajor);

    /** Overwrites {@code dst} with {@code columnMajor} (length {@code rows * cols}). Modified: dst. */
    void upload(double[] columnMajor, DeviceMatrix dst);

    /** The contents, column-major. */
    double[] download(DeviceMatrix m);

    /** {@code dst = src}. Modified: dst. */
    void copy(DeviceMatrix src, DeviceMatrix dst);

    /** Every entry set to {@code value}. Modified: m. */
    void fill(DeviceMatrix m, double value);

    // ---- random numbers (LIMITS.md section 6) ----------------------------------------------

    /**
     * {@code out[a, j] = std * z(key, stream, a, firstDraw + j)}: the standard Gaussian that
     * {@link io.github.infinitewidth.random.GaussianStream} defines for particle (row) {@code a}
     * and draw {@code firstDraw + j} (column j). Every backend produces the same samples
     * (bit-identical before rounding to the storage precision), independent of threads, so a
     * caller that needs fresh columns over time advances {@code firstDraw} within one stream.
     * Modified: out.
     */
    void fillGaussian(DeviceMatrix out, RandomKey key, long stream, int firstDraw, double std);

    /** {@link #fillGaussian(DeviceMatrix, RandomKey, long, int, double)} from draw 0. Modified: out. */
    default void fillGaussian(DeviceMatrix out, RandomKey key, long stream, double std) {
        fillGaussian(out, key, stream, 0, std);
    }

    // ---- linear algebra -----------------------------------------------------------------

    /** {@code C = alpha op(A) op(B) + beta C} with op the optional transpose. C must not alias A or B. Modified: c. */
    void gemm(boolean transA, boolean transB, double alpha, DeviceMatrix a, DeviceMatrix b, double beta, DeviceMatrix c);

    /**
     * {@code (1/rows) a^T b} as a host array ({@code a.cols x b.cols}, column-major), accumulated in
     * float64 with a fixed blocking: the particle estimate of {@code E[a_i b_j]}. Zeros when there
     * are no rows (never 0/0).
     */
    double[] gram(DeviceMatrix a, DeviceMatrix b);

    /** {@code (1/rows) sum_a m[a, j]} for each column j, accumulated in float64; zeros when there are no rows. */
    double[] columnMeans(DeviceMatrix m);

    /** False when any entry is NaN or infinite (divergence detection). */
    boolean allFinite(DeviceMatrix m);

    // ---- elementwise ----------------------------------------------------------------------

    /** {@code out = phi(in)}. Modified: out. */
    void activation(Activation phi, DeviceMatrix in, DeviceMatrix out);

    /** {@code out = phi'(in)}. Modified: out. */
    void activationDerivative(Activation phi, DeviceMatrix in, DeviceMatrix out);

    /** {@code out = a (.) b} (entrywise product). Modified: out. */
    void hadamard(DeviceMatrix a, DeviceMatrix b, DeviceMatrix out);

    /** {@code out[a, j] = s[a] * b[a, j]} with {@code s} a {@code rows x 1} matrix. Modified: out. */
    void scaleRows(DeviceMatrix s, DeviceMatrix b, DeviceMatrix out);

    /** {@code out[a, j] = c[j] * b[a, j]} (b times {@code diag(c)}), c of length {@code b.cols}. Modified: out. */
    void scaleColumns(double[] c, DeviceMatrix b, DeviceMatrix out);

    /** {@code y = y + alpha x}. Modified: y. */
    void axpy(double alpha, DeviceMatrix x, DeviceMatrix y);

    /** {@code x = alpha x}. Modified: x. */
    void scale(double alpha, DeviceMatrix x);

    /** Sets the diagonal of a square matrix to {@code value}. Modified: m. */
    void setDiagonal(DeviceMatrix m, double value);

    /**
     * One optimizer step on every entry (LIMITS.md section 1):
     * {@code param = param + alpha * Q_t(grad)}, where Q_t is {@link UpdateFunction#apply(double, double[], int, int)}
     * at {@code step}, reading and updating the entry's state in {@code state} ({@code q.stateSize()}
     * matrices shaped like grad: momentum b; adam m then v). Pass {@code alpha} negative to descend.
     * Modified: param, state.
     */
    void update(UpdateFunction q, int step, DeviceMatrix grad, double alpha, DeviceMatrix param, DeviceMatrix... state);

    // ---- the fused nonlinear outer product (docs/design-notes.md; hot spot of both limit engines) -------

    /**
     * {@code out[a, i] = alpha * sum_b Q(sum_j c_j A[a, j] B[b, j]) C[b, i]}, summing over all rows b
     * of B, or over {@code b != a} when {@code excludeDiagonal} (then A and B have the same rows).
     * Q must be memoryless. Cost {@code O(N_A N_B (m + p))}; never materializes the {@code N_A x N_B}
     * matrix. A: {@code N_A x m}, B: {@code N_B x m}, C: {@code N_B x p}, out: {@code N_A x p}; out must not
     * alias the inputs. Modified: out.
     */
    void nonlinearOuterProduct(UpdateFunction q, double[] c, DeviceMatrix a, DeviceMatrix b, DeviceMatrix cm,
                               double alpha, boolean excludeDiagonal, DeviceMatrix out);

    /**
     * {@code pairs[a, b] += alpha * Q(sum_j c_j A[a, j] B[b, j])} for every pair, or every pair with
     * {@code a != b} when {@code excludeDiagonal} (the diagonal is then left untouched). Q must be
     * memoryless. Modified: pairs.
     */
    void accumulatePairs(UpdateFunction q, double[] c, DeviceMatrix a, DeviceMatrix b, double alpha,
                         boolean excludeDiagonal, DeviceMatrix pairs);

    /**
     * One optimizer step of every pair, the memoryful {@code DeltaW} update of LIMITS.md section 5:
     * {@code pairs[a, b] += alpha * Q_t(G(a, b))} with {@code G(a, b) = sum_j c_j A[a, j] B[b, j]}, each
     * pair reading and updating its own state in {@code state} ({@code q.stateSize()} matrices shaped like
     * pairs: momentum b; adam m then v) with the arithmetic of {@link #update}. G is formed tile by tile
     * inside the update and never stored. With {@code excludeDiagonal} the diagonal of pairs and state
     * is left untouched. For memoryless Q (no state) this is {@link #accumulatePairs}.
     * Modified: pairs, state.
     */
    void updatePairs(UpdateFunction q, int step, double[] c, DeviceMatrix a, DeviceMatrix b, double alpha,
                     boolean excludeDiagonal, DeviceMatrix pairs, DeviceMatrix... state);

    /**
     * Adam's pair term without per-pair state, for frozen kets (the NT limit, LIMITS.md section 3,
     * Theorem 2.4.9). When every pair's gradient is {@code G_s(a, b) = sum_j chi_sj A[a, j] B[b, j]}
     * with A and B fixed, Adam's moments are forms in {@code P_ab = (A[a, j] B[b, j])_j}: the first is
     * {@code m_ab = sum_j first_j P_ab[j]} and the second {@code v_ab = sum_r (sum_j second[r][j] P_ab[j])^2}
     * (a factorization of the m x m second-moment matrix of chi). Computes
     * {@code out[a, i] = alpha sum_b adam.adamDirection(m_ab, v_ab, step) C[b, i]}, over {@code b != a}
     * when {@code excludeDiagonal}. Cost {@code O(N_A N_B (m (1 + second.length) + p))}. Modified: out.
     */
    void adamOuterProduct(UpdateFunction adam, int step, double[] first, double[][] second, DeviceMatrix a,
                          DeviceMatrix b, DeviceMatrix cm, double alpha, boolean excludeDiagonal, DeviceMatrix out);

    /**
     * Runs {@code block.accept(b)} for {@code b = 0 .. blocks-1}, each exactly once, on the host
     * threads this backend was given, and waits for all: the host's share of an engine's work (the
     * triangular solves of the Stein regressions, LIMITS.md section 5). Every block must write only
     * its own outputs, so that the results do not depend on the thread count.
     */
    void forEachOnHost(int blocks, IntConsumer block);

    /** How many host threads {@link #forEachOnHost} runs blocks on. */
    int hostThreads();

    /** Releases the backend's threads, contexts and caches. Matrices must be closed first. */
    @Override
    void close();
}
