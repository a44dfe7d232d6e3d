package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.CheckpointPlan;
import io.github.infinitewidth.engine.Checkpoints;
import io.github.infinitewidth.engine.Engine;
import io.github.infinitewidth.engine.MemoryPlan;
import io.github.infinitewidth.engine.RunSizes;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.KernelSource;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.engine.TrajectoryRecorder;
import io.github.infinitewidth.ket.CovarianceFactor;
import io.github.infinitewidth.network.DualActivation;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.GaussianStream;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import io.github.infinitewidth.train.BatchSchedule;
import io.github.infinitewidth.train.Objective;
import io.github.infinitewidth.util.InvalidSpecException;
import java.util.Map;

/**
 * The neural tangent limit (Theorems 2.4.7 and 2.4.9; LIMITS.md section 3): the kets are built
 * once per replica and the function evolves as {@code f_{t+1} = f_t - eta_t K_t}. sgd and momentum
 * go through the NTK computed once ({@code O(m^2)} per step); sign, smoothsign and adam through
 * the particles ({@code O(L N^2 m)} per step, the nonlinear outer product). With
 * {@code centerOutput} the function starts at 0, otherwise at a draw from the NNGP.
 * With k outputs (LIMITS.md 2.4) the function has m k entries ({@code f[j k + c]}), its components
 * start as independent draws from the NNGP, and the NTK is the same for every output and 0 between
 * outputs. Records the NNGP and NTK of every replica (m x m, shared by the outputs) and the (frozen)
 * feature kernels.
 */
public final class NeuralTangentEngine implements Engine {
    /** Random stream of the initial function {@code f_0} when it is not centered. */
    private static final long INITIAL_OUTPUT_STREAM = 2;

    @Override
    public String name() {
        return "nt-limit";
    }

    @Override
    public void validate(Experiment e, Backend backend) {
        if (e.simulation().kernels() == KernelSource.CLOSED_FORM && !DualActivation.exists(e.network().activation())) {
            throw new InvalidSpecException("simulation.kernels", "closed-form needs activation identity, relu or erf, got "
                    + e.network().activation().spelling());
        }
        if (e.simulation().particles() < 2) {
            throw new InvalidSpecException("simulation.particles", "must be >= 2 for engine nt-limit (pairs of particles), got "
                    + e.simulation().particles());
        }
        long n = e.simulation().particles();
        RunSizes.requireInputKernels(e, "NNGP and NTK");
        if (e.optimizer().weightDecay() > 0) {
            DecayedRun.validate(e, backend);
            return;
        }
        memoryPlan(e, backend).requireFits(backend, e.simulation().memoryLimitMiB(), "simulation.particles", n);
        if ((double) n * Math.max(e.data().size(), e.data().dimension() + 1L) > backend.maxMatrixEntries()) {
            RunSizes.requireArray("simulation.particles", n, "N x m ket matrices", n * (double) Math.max(
                    e.data().size(), e.data().dimension() + 1L));
        }
        if (stacksAdamPairs(e)) {
            double pairs = (double) e.data().size() * e.outputs();
            RunSizes.requireArray("network.outputs", e.outputs(), "Adam's pair moments over (input, output) pairs",
                    pairs * pairs);
            if (n * pairs > backend.maxMatrixEntries()) {
                RunSizes.requireArray("simulation.particles", n, "N x m k matrices of Adam's (input, output) pairs",
                        n * pairs);
            }
        }
    }

    /** The plan plus, without weight decay, the backend's scratch for the hidden layers' pair products. */
    @Override
    public MemoryPlan memoryPlan(Experiment e, Backend backend) {
        MemoryPlan plan = memoryPlan(e, backend.precision());
        if (e.optimizer().weightDecay() > 0 || e.network().hiddenLayers() < 2) {
            return plan;
        }
        // the hidden layers' pair terms multiply into x^{l-1}, N x m (ParticleStep)
        long n = e.simulation().particles();
        double pairSums = backend.pairProductScratchBytes(n, n, e.data().size());
        return pairSums > 0 ? plan.with("pair-product sums", pairSums) : plan;
    }

    /** True when the particle step stacks the backward kets of k > 1 outputs for Adam's pair moments (ParticleStep). */
    private static boolean stacksAdamPairs(Experiment e) {
        return e.outputs() > 1 && e.optimizer().update().kind() == UpdateFunction.Kind.ADAM;
    }

    @Override
    public MemoryPlan memoryPlan(Experiment e, Precision precision) {
        if (e.optimizer().weightDecay() > 0) {
            return DecayedRun.memoryPlan(e, precision);
        }
        double n = e.simulation().particles();
        double m = e.data().size();
        double d = e.data().dimension();
        double k = e.outputs();
        UpdateFunction q = e.optimizer().update();
        // a kernel step builds output 0's backward kets only, a particle step every output's (LIMITS.md 2.4)
        double backward = q.isLinear() || q.kind() == UpdateFunction.Kind.MOMENTUM ? 1 : k;
        double kets = n * ((2 + backward) * e.network().hiddenLayers() * m + d + backward);
        double biases = e.network().bias() ? e.network().hiddenLayers() : 0;
        double scratch = 2 * n * m;
        if (k > 1) {   // the combined backward ket; for Adam the stacked (input, output) columns of dh and x
            scratch += n * m + (stacksAdamPairs(e) ? 2 * n * m * k : 0);
        }
        double optimizer = n * (d + k + biases) * (2.0 + q.stateSize()) + scratch;
        return RunSizes.withRecording(MemoryPlan.EMPTY.with("ensemble", kets * precision.bytes())
                .with("optimizer", optimizer * precision.bytes()), e, 2,
                e.training().recordKernels() ? e.network().hiddenLayers() : 0);
    }

    /**
     * Checkpoints hold the per-replica kernels of the replicas run so far ({@code nt/nngp},
     * {@code nt/ntk}, {@code nt/features<l>}), and for the replica in progress {@code nt/f} (the
     * function at the saved step) and the step's optimizer state. The kets are not saved: they are
     * a pure function of the seed, the replica and the job, and are rebuilt exactly.
     */
    @Override
    public Trajectory run(Experiment e, Backend backend, StepListener listener, Checkpoints checkpoints) {
        validate(e, backend);
        if (e.optimizer().weightDecay() > 0) {
            return new DecayedRun(e, backend).run(listener, checkpoints);   // LIMITS.md 1.2: the kets move
        }
        int steps = e.training().steps();
        int replicas = e.simulation().replicas();
        int layers = e.network().hiddenLayers();
        int m = e.data().size();
        int outputs = e.outputs();
        double sv2 = e.network().initStd().output() * e.network().initStd().output();
        UpdateFunction q = e.optimizer().update();
        Objective objective = e.objective();
        ExactKernels exact = e.simulation().kernels() == KernelSource.CLOSED_FORM
                ? new ExactKernels(e.data().allInputs(), e.network().activation(), e.network().initStd(), layers,
                        e.network().bias())
                : null;
        boolean kernelStep = q.isLinear() || q.kind() == UpdateFunction.Kind.MOMENTUM;
        TrajectoryRecorder recorder = new TrajectoryRecorder(e);
        CheckpointPlan plan = new CheckpointPlan(e, checkpoints, recorder);
        double[][] nngp = new double[replicas][];
        double[][] ntk = new double[replicas][];
        double[][][] features = new double[layers + 1][replicas][];
        if (plan.resumed() != null) {
            nngp = plan.resumed().jagged("nt/nngp");
            ntk = plan.resumed().jagged("nt/ntk");
            for (int l = 1; l <= layers; l++) {
                features[l] = plan.resumed().jagged("nt/features" + l);
            }
        }
        for (int r = plan.firstReplica(); r < plan.endReplica(); r++) {
            RandomKey key = new RandomKey(e.simulation().seed(), r);
            BatchSchedule schedule = new BatchSchedule(e.training(), e.data().train().size(), e.simulation().seed());
            // closed-form kernels with a kernel step (sgd, momentum) use no particle at all: building the
            // kets would cost O(N d m) for nothing (d = 784 for images)
            try (NeuralTangentKets kets = exact != null && kernelStep ? null
                    : new NeuralTangentKets(e, backend, key, exact, kernelStep ? 1 : outputs)) {
                nngp[r] = exact != null ? exact.nngp() : kets.nngp(sv2);
                ntk[r] = exact != null ? exact.ntk(e.optimizer().multipliers()) : kets.ntk(e.optimizer().multipliers());
                for (int l = 1; l <= layers && e.training().recordKernels(); l++) {
                    features[l][r] = exact != null ? exact.features(l) : kets.features(l);
                }
                // a non-finite ket or kernel at initialization: the replica diverged at step 0 (and f_0 ~ N(0, NNGP)
                // cannot be drawn)
                if (kets != null && !kets.finite()) {
                    recorder.diverged(0);
                } else if (recorder.check(r, 0, nngp[r]) && recorder.check(r, 0, ntk[r])) {
                    double[] f = e.simulation().centerOutput() ? new double[m * outputs]
                            : initialOutputs(nngp[r], m, outputs, key);
                    try (FunctionSpaceStep step = kernelStep
                            ? new LinearKernelStep(ntk[r], m, outputs, q)
                            : new ParticleStep(kets, q, e.optimizer().multipliers(), backend)) {
                        StateReader saved = plan.replicaState(r);
                        if (saved != null) {
                            step.restoreFrom(saved);
                            f = saved.doubles("nt/f");
                        }
                        double[][] nngpSoFar = nngp;
                        double[][] ntkSoFar = ntk;
                        for (int t = plan.firstStep(r); t <= steps; t++) {
                            if (!recorder.offer(r, t, f) || t == steps) {
                                break;
                            }
                            double[] k = step.kernel(objective.errorSignal(f, schedule.batch(t)), t);
                            double etaT = e.optimizer().learningRate(t, steps);   // LIMITS.md 1.1
                            for (int i = 0; i < f.length; i++) {
                                f[i] -= etaT * k[i];
                            }
                            double[] current = f;
                            plan.afterUpdate(r, t + 1, w -> {
                                saveKernels(w, nngpSoFar, ntkSoFar, features);
                                w.doubles("nt/f", current);
                                step.saveTo(w);
                            });
                            listener.stepDone(r, t, steps);
                        }
                    }
                }
            }
            double[][] nngpSoFar = nngp;
            double[][] ntkSoFar = ntk;
            plan.afterReplica(r, w -> saveKernels(w, nngpSoFar, ntkSoFar, features));
        }
        // the kets are frozen: the feature kernels are the same at every recorded step
        if (!e.training().recordKernels()) {
            return recorder.finish(Map.of());
        }
        for (int step : recorder.steps()) {
            for (int l = 1; l <= layers; l++) {
                recorder.feature(step, l, features[l]);
            }
        }
        return recorder.finish(Map.of("nngp", nngp, "ntk", ntk));
    }

    private static void saveKernels(StateWriter w, double[][] nngp, double[][] ntk, double[][][] features) {
        w.jagged("nt/nngp", nngp);
        w.jagged("nt/ntk", ntk);
        for (int l = 1; l < features.length; l++) {
            w.jagged("nt/features" + l, features[l]);
        }
    }

    /**
     * {@code f_0 ~ N(0, NNGP)} for each of the k outputs independently (LIMITS.md 2.4): one Gaussian
     * draw per input from the replica's own stream, output c's from {@link NeuralTangentKets#ofOutput
     * its own}, so that output 0 is the one-output {@code f_0}.
     */
    private static double[] initialOutputs(double[] nngp, int m, int outputs, RandomKey key) {
        double[] factor = CovarianceFactor.of(nngp, m);
        double[] f = new double[m * outputs];
        for (int c = 0; c < outputs; c++) {
            long stream = NeuralTangentKets.ofOutput(INITIAL_OUTPUT_STREAM, c);
            for (int k = 0; k < m; k++) {
                double z = GaussianStream.gaussian(key, stream, 0, k);
                for (int i = 0; i < m; i++) {
                    f[i * outputs + c] += factor[i + k * m] * z;
                }
            }
        }
        return f;
    }
}
