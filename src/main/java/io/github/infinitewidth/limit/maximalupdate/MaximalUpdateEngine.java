package io.github.infinitewidth.limit.maximalupdate;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.CheckpointPlan;
import io.github.infinitewidth.engine.Checkpoints;
import io.github.infinitewidth.engine.Engine;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.MemoryPlan;
import io.github.infinitewidth.engine.RunSizes;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.engine.TrajectoryRecorder;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import io.github.infinitewidth.train.BatchSchedule;
import io.github.infinitewidth.train.Objective;
import io.github.infinitewidth.util.InvalidSpecException;
import java.util.Map;

/**
 * The maximal update (feature learning) limit: Theorem 2.5.2 for one hidden layer, Theorems
 * 2.7.1 and 2.7.3 for deeper networks (LIMITS.md sections 4 and 5), for every entrywise
 * optimizer. Each replica evolves N particles; the function is {@code f_t = E[v_t x^L_t]}, with k
 * outputs {@code f_{t,c} = E[v_{t,c} x^L_t]} (LIMITS.md 2.4).
 * Records the outputs and the feature kernel {@code E[x^l_i x^l_j]} of every hidden layer at
 * the recorded steps: unlike the NT limit, it moves.
 *
 * <p>Only step t's batch of B inputs trains; the other inputs are read out by evaluation passes at
 * the recorded steps (LIMITS.md section 5.1). Cost per step and replica, per hidden matrix:
 * {@code O(N t B^2)} for the hat families and dot terms, plus {@code O(N t B^2)} for sgd's low-rank
 * {@code DeltaW} or {@code O(N^2 B)} for the pair matrices of nonlinear Q; a recorded step adds the
 * same with m in place of B. Memory: see {@link #memoryPlan}.
 */
public final class MaximalUpdateEngine implements Engine {
    private static final int[] NO_INPUTS = new int[0];

    private final boolean dotTerms;
    private final boolean evaluationPasses;

    public MaximalUpdateEngine() {
        this(true, true);
    }

    /**
     * With {@code dotTerms = false} the dot terms are dropped: wrong, for the test that shows it.
     * With {@code evaluationPasses = false} every input runs a training pass at every step and its
     * hats join the families, as the engine did before LIMITS.md section 5.1: the same limit at a far
     * higher cost, for the test that shows the two agree.
     */
    MaximalUpdateEngine(boolean dotTerms, boolean evaluationPasses) {
        this.dotTerms = dotTerms;
        this.evaluationPasses = evaluationPasses;
    }

    @Override
    public String name() {
        return "mu-limit";
    }

    /** The batch size B actually used (0 in the job means the whole train split). */
    static int batchSize(Experiment e) {
        int train = e.data().train().size();
        int b = e.training().batchSize();
        return b == 0 || b > train ? train : b;
    }

    @Override
    public void validate(Experiment e, Backend backend) {
        long n = e.simulation().particles();
        long rank = trainingRank(e);
        if (e.network().hiddenLayers() >= 2 && 2 * rank + e.data().size() > n) {
            throw new InvalidSpecException("simulation.particles", "of " + n + " are too few for " + e.training().steps()
                    + " steps with batches of " + batchSize(e) + ": the hat families reach rank " + rank
                    + " and the Stein regressions need at least twice that plus the " + e.data().size()
                    + " inputs (use at least " + (2 * rank + e.data().size()) + ", far more for accuracy, or fewer"
                    + " steps)");
        }
        if (needsPairs(e) && n * n > backend.maxMatrixEntries()) {
            throw new InvalidSpecException("simulation.particles", "of " + n + " make N x N pair matrices (needed by "
                    + e.optimizer().update().kind().spelling() + ") larger than the " + backend.name()
                    + " backend holds in one matrix; use at most " + (long) Math.sqrt(backend.maxMatrixEntries())
                    + " (the cuda backend has no such limit)");
        }
        if (needsPairs(e) && e.simulation().pairPrecision() != backend.precision() && !backend.storesMixedPrecision()) {
            throw new InvalidSpecException("simulation.pairPrecision", e.simulation().pairPrecision().spelling()
                    + " with " + backend.precision().spelling() + " kets needs the cpu backend; the " + backend.name()
                    + " backend stores pairs like everything else (set simulation.precision to "
                    + e.simulation().pairPrecision().spelling() + " too, or use --backend cpu)");
        }
        memoryPlan(e, backend.precision()).requireFits(backend, e.simulation().memoryLimitMiB(),
                "simulation.particles", n);
        if ((double) n * Math.max(e.data().size(), e.data().dimension() + 1L) > backend.maxMatrixEntries()) {
            RunSizes.requireArray("simulation.particles", n, "N x m ket matrices", n * (double) Math.max(
                    e.data().size(), e.data().dimension() + 1L));
        }
    }

    /** True when the run keeps N x N pair matrices: nonlinear Q and at least one hidden matrix. */
    private static boolean needsPairs(Experiment e) {
        return !e.optimizer().update().isLinear() && e.network().hiddenLayers() >= 2;
    }

    /**
     * The largest rank a hat family reaches: one column per batch input and training step
     * (LIMITS.md section 5.1; evaluation passes add none).
     */
    static long trainingRank(Experiment e) {
        return (long) e.training().steps() * batchSize(e);
    }

    /** The most columns a forward family holds at once: its final rank and one evaluation pass. */
    private int forwardCapacity(Experiment e) {
        long columns = evaluationPasses ? trainingRank(e) + e.data().size()
                : (e.training().steps() + 1L) * e.data().size();
        return (int) Math.min(columns, e.simulation().particles());
    }

    /**
     * Ensemble (u, v with its k columns, and their optimizer state; h and x of every layer at all m inputs; one forward
     * pass's working columns; the batch's backward kets and gradients), stored hats (per hidden
     * matrix a forward family of up to {@code T B} columns plus one evaluation pass of up to m, and a
     * backward family of up to {@code T B}, each as basis and hats with a residual workspace as wide
     * as its widest pass; allocated at that size once, never grown), sgd's {@code DeltaW} history
     * ({@code 2 T B} columns) or the pair matrices ({@code N x N}, times 1 + the optimizer state of
     * memoryful Q, in {@code simulation.pairPrecision}), per hidden matrix.
     */
    @Override
    public MemoryPlan memoryPlan(Experiment e, Precision precision) {
        return RunSizes.withRecording(backendPlan(e, precision), e, 0,
                e.training().recordKernels() ? RunSizes.recordedSteps(e.training()) * e.network().hiddenLayers() : 0);
    }

    private MemoryPlan backendPlan(Experiment e, Precision precision) {
        double n = e.simulation().particles();
        double m = e.data().size();
        double d = e.data().dimension();
        double b = batchSize(e);
        double k = e.outputs();
        int layers = e.network().hiddenLayers();
        double hiddenMatrices = layers - 1.0;
        UpdateFunction q = e.optimizer().update();
        double bytes = precision.bytes();
        double biases = e.network().bias() ? layers * (1.0 + q.stateSize()) + 1 : 0;
        double ensemble = n * ((d + k) * (1 + q.stateSize()) + biases + 2.0 * layers * m + 2 * m + 3.0 * layers * b
                + 3 * b + d + k) * bytes;
        MemoryPlan plan = MemoryPlan.EMPTY.with("ensemble", ensemble);
        if (hiddenMatrices == 0) {
            return plan;
        }
        double trainingRank = Math.max(1, Math.min(trainingRank(e), n));
        // GaussianFamily.deviceBytesFor's count, in floating point: (2 rank + widest batch) x N
        double hats = hiddenMatrices * ((2.0 * forwardCapacity(e) + m) * n
                + (2 * trainingRank + b) * n) * bytes;
        plan = plan.with("stored hats", hats);
        if (q.isLinear()) {
            return plan.with("DeltaW history", hiddenMatrices * 2 * n * trainingRank * bytes);
        }
        return plan.with("pair matrices", hiddenMatrices * PairDeltaW.matrices(q) * n * n
                * e.simulation().pairPrecision().bytes());
    }

    /**
     * Checkpoints hold the feature kernels recorded so far ({@code mu/features}) and the replica in
     * progress ({@link MaximalUpdateReplica#saveTo}); the batch schedule is a pure function of the
     * seed and the step, and the hat families' random-stream positions are their ranks.
     */
    @Override
    public Trajectory run(Experiment e, Backend backend, StepListener listener, Checkpoints checkpoints) {
        validate(e, backend);
        int steps = e.training().steps();
        int replicas = e.simulation().replicas();
        int layers = e.network().hiddenLayers();
        Objective objective = e.objective();
        int m = e.data().size();
        int[] everyInput = java.util.stream.IntStream.range(0, m).toArray();
        TrajectoryRecorder recorder = new TrajectoryRecorder(e);
        CheckpointPlan plan = new CheckpointPlan(e, checkpoints, recorder);
        int[] recorded = recorder.steps();
        double[][][][] features = new double[recorded.length][layers + 1][replicas][];
        if (plan.resumed() != null) {
            restoreFeatures(plan.resumed(), features);
        }
        for (int r = plan.firstReplica(); r < plan.endReplica(); r++) {
            BatchSchedule schedule = new BatchSchedule(e.training(), e.data().train().size(), e.simulation().seed());
            try (MaximalUpdateReplica replica = new MaximalUpdateReplica(e, backend,
                    new RandomKey(e.simulation().seed(), r), dotTerms, forwardCapacity(e))) {
                int first = plan.firstStep(r);
                StateReader saved = plan.replicaState(r);
                if (saved != null) {
                    replica.restoreFrom(saved);
                }
                int k = 0;
                while (k < recorded.length && recorded[k] < first) {
                    k++;
                }
                for (int t = first; t <= steps; t++) {
                    int[] batch = t < steps ? schedule.batch(t) : NO_INPUTS;
                    boolean record = k < recorded.length && recorded[k] == t;
                    double[] f = evaluationPasses
                            ? replica.forward(batch, record ? outside(batch, m) : NO_INPUTS, t)
                            : replica.forward(everyInput, NO_INPUTS, t);
                    // at steps that are not recorded only the batch's outputs exist
                    boolean finite = record || !evaluationPasses ? recorder.offer(r, t, f)
                            : recorder.offerBatch(r, t, f, batch);
                    if (!finite) {
                        break;
                    }
                    if (record) {
                        for (int l = 1; l <= layers && e.training().recordKernels(); l++) {
                            features[k][l][r] = replica.features(l);
                        }
                        k++;
                    }
                    if (t == steps) {
                        break;
                    }
                    replica.train(objective.errorSignal(f, batch), batch, t);
                    plan.afterUpdate(r, t + 1, w -> {
                        saveFeatures(w, features);
                        replica.saveTo(w);
                    });
                    listener.stepDone(r, t, steps);
                }
            }
            plan.afterReplica(r, w -> saveFeatures(w, features));
        }
        // steps at or after a divergence lack some replicas' kernels; finish() drops them
        for (int k = 0; k < recorded.length && e.training().recordKernels(); k++) {
            for (int l = 1; l <= layers; l++) {
                recorder.feature(recorded[k], l, features[k][l]);
            }
        }
        return recorder.finish(Map.of());
    }

    /** The inputs {@code 0 .. m-1} not in {@code batch}, ascending. */
    private static int[] outside(int[] batch, int m) {
        boolean[] in = new boolean[m];
        for (int j : batch) {
            in[j] = true;
        }
        return java.util.stream.IntStream.range(0, m).filter(j -> !in[j]).toArray();
    }

    /** {@code mu/features}: {@code features[k][l][r]} at index {@code (k (L + 1) + l) R + r}, null where not recorded. */
    private static void saveFeatures(StateWriter w, double[][][][] features) {
        w.jagged("mu/features", flatten(features));
    }

    private static void restoreFeatures(StateReader in, double[][][][] features) {
        double[][] flat = in.jagged("mu/features");
        if (flat.length != flatten(features).length) {
            throw new io.github.infinitewidth.state.SavedStateException("the saved mu/features hold " + flat.length + " kernels, not "
                    + flatten(features).length);
        }
        int i = 0;
        for (double[][][] perStep : features) {
            for (double[][] perLayer : perStep) {
                for (int r = 0; r < perLayer.length; r++) {
                    perLayer[r] = flat[i++];
                }
            }
        }
    }

    private static double[][] flatten(double[][][][] features) {
        java.util.List<double[]> flat = new java.util.ArrayList<>();
        for (double[][][] perStep : features) {
            for (double[][] perLayer : perStep) {
                flat.addAll(java.util.Arrays.asList(perLayer));
            }
        }
        return flat.toArray(new double[0][]);
    }
}
