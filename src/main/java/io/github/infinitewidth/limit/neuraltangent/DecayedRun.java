package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.engine.CheckpointPlan;
import io.github.infinitewidth.engine.Checkpoints;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.KernelSource;
import io.github.infinitewidth.engine.MemoryPlan;
import io.github.infinitewidth.engine.RunSizes;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.util.InvalidSpecException;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.engine.TrajectoryRecorder;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.state.SavedStateException;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import io.github.infinitewidth.train.BatchSchedule;
import io.github.infinitewidth.train.Objective;
import java.util.Map;

/**
 * An NT-limit run with decoupled weight decay (LIMITS.md 1.2, "NT limit"): per replica the time-indexed kets
 * ({@link DecayedKets}) and the function of {@link DecayedKernelStep} (sgd, momentum; k outputs) or
 * {@link DecayedParticleStep} (sign, smoothsign, adam; k outputs, each with its own backward kets).
 * Unlike without decay the features move, so the feature kernels are recorded at every recorded step
 * ({@code E[x^l_t x^l_t]}); the NNGP and NTK recorded are those at initialization.
 *
 * <p>Checkpoints hold the per-replica NNGP, NTK and feature kernels of the replicas run so far
 * ({@code nt/nngp}, {@code nt/ntk}, {@code nt/decay/features}) and for the replica in progress its error
 * signals so far ({@code nt/decay/chi}); the kets are a pure function of the seed, the replica and the
 * job, and are rebuilt exactly, so the function continues bit for bit.
 */
final class DecayedRun {
    private final Experiment e;
    private final Backend backend;
    private final int layers;
    private final int[] recorded;

    DecayedRun(Experiment e, Backend backend) {
        this.e = e;
        this.backend = backend;
        this.layers = e.network().hiddenLayers();
        this.recorded = new TrajectoryRecorder(e).steps();
    }

    /**
     * Refuses what this run does not do (one line each, JOB-SPEC.md) and a job whose kets, which grow
     * with the steps, do not fit.
     */
    static void validate(Experiment e, Backend backend) {
        if (e.simulation().kernels() == KernelSource.CLOSED_FORM) {
            throw new InvalidSpecException("simulation.kernels", "closed-form is not implemented with optimizer.weightDecay"
                    + " in engine nt-limit (its kets move, LIMITS.md 1.2); use particles");
        }
        long n = e.simulation().particles();
        double columns = (e.training().steps() + 1.0) * e.data().size();
        if (n * columns > backend.maxMatrixEntries()) {
            RunSizes.requireArray("training.steps", e.training().steps(), "the N x (steps + 1) m ket matrices of weight"
                    + " decay", n * columns);
        }
        RunSizes.requireArray("training.steps", e.training().steps(), "the two-time kernels of weight decay",
                columns * e.data().size());
        if (pairs(e) && e.network().hiddenLayers() >= 2 && n * n > backend.maxMatrixEntries()) {
            RunSizes.requireArray("simulation.particles", n, "the N x N pair matrices of weight decay", n * (double) n);
        }
        memoryPlan(e, backend.precision()).requireFits(backend, e.simulation().memoryLimitMiB(), "simulation.particles", n);
    }

    /** True for sign, smoothsign and adam: the step keeps per-pair sums and state ({@link DecayedParticleStep}). */
    private static boolean pairs(Experiment e) {
        UpdateFunction q = e.optimizer().update();
        return !q.isLinear() && q.kind() != UpdateFunction.Kind.MOMENTUM;
    }

    /** The outputs whose backward kets the step needs: a particle step every output's, a kernel step output 0's. */
    private static int backwardOutputs(Experiment e) {
        return pairs(e) ? e.outputs() : 1;
    }

    /**
     * Per hidden layer the kets {@code x^l}, {@code phi'(h^l)} and the backward kets {@code dh^l_c} of
     * {@link #backwardOutputs} outputs at every step, one
     * pre-activation being built and one family of hats ({@link DecayedKets}), {@code N (T + 1) m} values
     * each; the error signals so far and the two-time kernels of one step. For sign, smoothsign and adam
     * ({@link DecayedParticleStep}) every hidden matrix {@code W^l}, l >= 2, keeps an N x N sum and
     * {@code stateSize} N x N optimizer states, every particle entry of u, v (N x k) and b likewise, with two
     * N x m scratch matrices and, with k > 1, the combined backward ket (N x m).
     */
    static MemoryPlan memoryPlan(Experiment e, Precision precision) {
        double n = e.simulation().particles();
        double m = e.data().size();
        double columns = (e.training().steps() + 1.0) * m;
        int layers = e.network().hiddenLayers();
        int k = e.outputs();
        double kets = n * (((2.0 + backwardOutputs(e)) * layers + 1) * columns + e.data().dimension() + layers + 2 + k);
        double family = 3 * n * columns;
        double kernels = (2.0 * layers + e.outputs()) * m * columns;
        long recorded = RunSizes.recordedSteps(e.training());
        MemoryPlan plan = MemoryPlan.EMPTY.with("ensemble", kets * precision.bytes())
                .with("hats", family * precision.bytes())
                .with("two-time kernels", kernels * Double.BYTES);
        if (pairs(e)) {
            double copies = 1.0 + e.optimizer().update().stateSize();
            double entries = n * (e.data().dimension() + k + (e.network().bias() ? layers : 0)) * copies
                    + n * (e.data().dimension() + k + 1) + (k > 1 ? 3 : 2) * n * m;
            plan = plan.with("optimizer", entries * precision.bytes())
                    .with("pair sums and states", (layers - 1) * n * n * copies * precision.bytes());
        }
        return RunSizes.withRecording(plan, e, 2,
                e.training().recordKernels() ? layers * recorded : 0);
    }

    Trajectory run(StepListener listener, Checkpoints checkpoints) {
        int steps = e.training().steps();
        int replicas = e.simulation().replicas();
        double sv2 = e.network().initStd().output() * e.network().initStd().output();
        Objective objective = e.objective();
        DecayFactors factors = DecayFactors.of(e.optimizer(), steps);
        double[] eta = new double[steps];
        for (int t = 0; t < steps; t++) {
            eta[t] = e.optimizer().learningRate(t, steps);   // LIMITS.md 1.1
        }
        TrajectoryRecorder recorder = new TrajectoryRecorder(e);
        CheckpointPlan plan = new CheckpointPlan(e, checkpoints, recorder);
        double[][] nngp = new double[replicas][];
        double[][] ntk = new double[replicas][];
        // features[k][l][r]: E[x^l x^l] of replica r at the k-th recorded step
        double[][][][] features = new double[recorded.length][layers + 1][replicas][];
        if (plan.resumed() != null) {
            nngp = plan.resumed().jagged("nt/nngp");
            ntk = plan.resumed().jagged("nt/ntk");
            restoreFeatures(plan.resumed(), features);
        }
        for (int r = plan.firstReplica(); r < plan.endReplica(); r++) {
            RandomKey key = new RandomKey(e.simulation().seed(), r);
            BatchSchedule schedule = new BatchSchedule(e.training(), e.data().train().size(), e.simulation().seed());
            try (DecayedKets kets = new DecayedKets(e, backend, key, factors, backwardOutputs(e))) {
                nngp[r] = kets.nngp(sv2);
                ntk[r] = kets.ntk(e.optimizer().multipliers());
                for (int k = 0; k < recorded.length && e.training().recordKernels(); k++) {
                    for (int l = 1; l <= layers; l++) {
                        features[k][l][r] = kets.features(l, recorded[k]);
                    }
                }
                if (!kets.finite()) {
                    recorder.diverged(0);
                } else if (recorder.check(r, 0, nngp[r]) && recorder.check(r, 0, ntk[r])) {
                    try (DecayedStep step = pairs(e)
                            ? new DecayedParticleStep(kets, factors, eta, e.optimizer().update(),
                                    e.optimizer().multipliers(), e.simulation().centerOutput())
                            : new DecayedKernelStep(kets, factors, eta, e.optimizer().update(),
                                    e.optimizer().multipliers(), e.simulation().centerOutput())) {
                        StateReader saved = plan.replicaState(r);
                        if (saved != null) {
                            step.restoreFrom(saved, plan.firstStep(r));
                        }
                        double[][] nngpSoFar = nngp;
                        double[][] ntkSoFar = ntk;
                        for (int t = plan.firstStep(r); t <= steps; t++) {
                            double[] f = step.outputs();
                            if (!recorder.offer(r, t, f) || t == steps) {
                                break;
                            }
                            step.learn(objective.errorSignal(f, schedule.batch(t)));
                            plan.afterUpdate(r, t + 1, w -> {
                                save(w, nngpSoFar, ntkSoFar, features);
                                step.saveTo(w);
                            });
                            listener.stepDone(r, t, steps);
                        }
                    }
                }
            }
            double[][] nngpSoFar = nngp;
            double[][] ntkSoFar = ntk;
            plan.afterReplica(r, w -> save(w, nngpSoFar, ntkSoFar, features));
        }
        if (!e.training().recordKernels()) {
            return recorder.finish(Map.of());
        }
        for (int k = 0; k < recorded.length; k++) {
            for (int l = 1; l <= layers; l++) {
                recorder.feature(recorded[k], l, features[k][l]);
            }
        }
        return recorder.finish(Map.of("nngp", nngp, "ntk", ntk));
    }

    private static void save(StateWriter w, double[][] nngp, double[][] ntk, double[][][][] features) {
        w.jagged("nt/nngp", nngp);
        w.jagged("nt/ntk", ntk);
        w.jagged("nt/decay/features", flatten(features));
    }

    /** {@code features[k][l][r]} at index {@code (k (L + 1) + l) R + r}, null where not computed. */
    private static double[][] flatten(double[][][][] features) {
        return java.util.Arrays.stream(features).flatMap(java.util.Arrays::stream).flatMap(java.util.Arrays::stream)
                .toArray(double[][]::new);
    }

    private static void restoreFeatures(StateReader in, double[][][][] features) {
        double[][] flat = in.jagged("nt/decay/features");
        if (flat.length != flatten(features).length) {
            throw new SavedStateException("the saved nt/decay/features hold " + flat.length + " kernels, not "
                    + flatten(features).length);
        }
        int at = 0;
        for (double[][][] perStep : features) {
            for (double[][] perLayer : perStep) {
                for (int r = 0; r < perLayer.length; r++) {
                    perLayer[r] = flat[at++];
                }
            }
        }
    }
}
