package io.github.infinitewidth.limit.maximalupdate;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.CheckpointPlan;
import io.github.infinitewidth.engine.Checkpoints;
import io.github.infinitewidth.engine.Engine;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.MemoryPlan;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.engine.TrajectoryRecorder;
import io.github.infinitewidth.ket.GaussianFamily;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import io.github.infinitewidth.train.BatchSchedule;
import io.github.infinitewidth.util.InvalidSpecException;
import java.util.Map;

/**
 * The maximal update (feature learning) limit: Theorem 2.5.2 for one hidden layer, Theorems
 * 2.7.1 and 2.7.3 for deeper networks (LIMITS.md sections 4 and 5), for every entrywise
 * optimizer. Each replica evolves N particles; the function is {@code f_t = E[v_t x^L_t]}.
 * Records the outputs and the feature kernel {@code E[x^l_i x^l_j]} of every hidden layer at
 * the recorded steps: unlike the NT limit, it moves.
 *
 * <p>Cost per step and replica: {@code O(N (t m)(m + B))} for the hat families and dot terms,
 * plus {@code O(N t B m)} for sgd's low-rank {@code DeltaW} or {@code O(N^2 m)} for the pair
 * matrices of nonlinear Q, per hidden matrix. Memory: see {@link #memoryPlan}.
 */
public final class MaximalUpdateEngine implements Engine {
    private final boolean dotTerms;

    public MaximalUpdateEngine() {
        this(true);
    }

    /** With {@code dotTerms = false} the dot terms are dropped: wrong, for the test that shows it. */
    MaximalUpdateEngine(boolean dotTerms) {
        this.dotTerms = dotTerms;
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
        int rank = forwardRank(e);
        if (e.network().hiddenLayers() >= 2 && 2L * rank > n) {
            throw new InvalidSpecException("simulation.particles", "of " + n + " are too few for " + e.training().steps()
                    + " steps of " + e.data().size() + " inputs: the hat families reach rank " + rank
                    + " and the Stein regressions need far more particles than that (use at least " + 4L * rank
                    + ", or fewer steps)");
        }
        if (!e.optimizer().update().isLinear() && e.network().hiddenLayers() >= 2 && n * n > Integer.MAX_VALUE - 8L) {
            throw new InvalidSpecException("simulation.particles", "of " + n + " make N x N pair matrices (needed by "
                    + e.optimizer().update().kind().spelling() + ") larger than one array; use at most 46340");
        }
        memoryPlan(e, backend.precision()).requireFits(backend, e.simulation().memoryLimitMiB(),
                "simulation.particles", n);
    }

    /** The largest rank a forward hat family reaches: one column per input and forward pass. */
    private static int forwardRank(Experiment e) {
        return (e.training().steps() + 1) * e.data().size();
    }

    /**
     * Ensemble (u, v, their optimizer state, h and x of every layer, the batch's backward kets), stored
     * hats (forward families of rank up to {@code (T+1) m}, backward of rank up to {@code T B}, each with
     * basis and hats, at most twice that while growing), sgd's {@code DeltaW} history ({@code 2 T B} columns)
     * or the pair matrices ({@code N x N}, times 1 + optimizer state + gradient for memoryful Q), per
     * hidden matrix.
     */
    @Override
    public MemoryPlan memoryPlan(Experiment e, Precision precision) {
        int n = e.simulation().particles();
        int m = e.data().size();
        int d = e.data().dimension();
        int b = batchSize(e);
        int steps = e.training().steps();
        int hiddenMatrices = e.network().hiddenLayers() - 1;
        UpdateFunction q = e.optimizer().update();
        long bytes = precision.bytes();
        long ensemble = (long) n * ((d + 1L) * (1 + q.stateSize()) + 2L * e.network().hiddenLayers() * (m + b)
                + 4L * b + d) * bytes;
        MemoryPlan plan = MemoryPlan.EMPTY.with("ensemble", ensemble);
        if (hiddenMatrices == 0) {
            return plan;
        }
        long hats = hiddenMatrices * (GaussianFamily.deviceBytesFor(n, 2 * forwardRank(e), m, precision)
                + GaussianFamily.deviceBytesFor(n, 2 * Math.max(1, steps * b), b, precision));
        plan = plan.with("stored hats", hats);
        if (q.isLinear()) {
            return plan.with("DeltaW history", hiddenMatrices * 2L * 2 * n * Math.max(1, steps * b) * bytes);
        }
        return plan.with("pair matrices", hiddenMatrices * (long) PairDeltaW.matrices(q) * n * n * bytes);
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
        double[] targets = e.data().allTargets();
        TrajectoryRecorder recorder = new TrajectoryRecorder(e.training(), replicas, e.data().train().size());
        CheckpointPlan plan = new CheckpointPlan(e, checkpoints, recorder);
        int[] recorded = recorder.steps();
        double[][][][] features = new double[recorded.length][layers + 1][replicas][];
        if (plan.resumed() != null) {
            restoreFeatures(plan.resumed(), features);
        }
        for (int r = plan.firstReplica(); r < plan.endReplica(); r++) {
            BatchSchedule schedule = new BatchSchedule(e.training(), e.data().train().size(), e.simulation().seed());
            try (MaximalUpdateReplica replica = new MaximalUpdateReplica(e, backend,
                    new RandomKey(e.simulation().seed(), r), dotTerms)) {
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
                    double[] f = replica.forward();
                    if (!recorder.offer(r, t, f)) {
                        break;
                    }
                    if (k < recorded.length && recorded[k] == t) {
                        for (int l = 1; l <= layers && e.training().recordKernels(); l++) {
                            features[k][l][r] = replica.features(l);
                        }
                        k++;
                    }
                    if (t == steps) {
                        break;
                    }
                    int[] batch = schedule.batch(t);
                    replica.train(e.loss().errorSignal(f, targets, batch), batch, t);
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

    /** {@code mu/features}: {@code features[k][l][r]} at index {@code (k (L + 1) + l) R + r}, null where not recorded. */
    private static void saveFeatures(StateWriter w, double[][][][] features) {
        w.jagged("mu/features", flatten(features));
    }

    private static void restoreFeatures(StateReader in, double[][][][] features) {
        double[][] flat = in.jagged("mu/features");
        if (flat.length != flatten(features).length) {
            throw new IllegalStateException("the saved mu/features hold " + flat.length + " kernels, not "
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
