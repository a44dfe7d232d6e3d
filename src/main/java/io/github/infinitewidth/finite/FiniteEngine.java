package io.github.infinitewidth.finite;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.engine.Engine;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.CheckpointPlan;
import io.github.infinitewidth.engine.Checkpoints;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.MemoryPlan;
import io.github.infinitewidth.engine.RunSizes;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.engine.TrajectoryRecorder;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.train.BatchSchedule;
import io.github.infinitewidth.train.Objective;
import io.github.infinitewidth.util.InvalidSpecException;
import java.util.Map;

/**
 * Finite-width reference networks (LIMITS.md section 2): R networks of width n, one per seed
 * {@code (simulation.seed, replica)}, trained with the job's optimizer on the same batches.
 * This is what every limit engine is checked against (LIMITS.md section 7, check 4).
 * With NTP or muP and {@code centerOutput}, the trained function is {@code f - f_0} (the network minus a
 * frozen copy of itself at initialization, LIMITS.md 2.1 and 2.2).
 */
public final class FiniteEngine implements Engine {

    @Override
    public String name() {
        return "finite";
    }

    @Override
    public void validate(Experiment e, Backend backend) {
        if (e.network().width() == 0) {
            throw new InvalidSpecException("network.width", "is required for engine finite");
        }
        if (e.parametrization() == null) {
            throw new InvalidSpecException("parametrization", "is required for engine finite (mup, ntp or sp)");
        }
        long n = e.network().width();
        memoryPlan(e, backend.precision()).requireFits(backend, e.simulation().memoryLimitMiB(), "network.width", n);
        RunSizes.requireArray("network.width", n, "weight and activation matrices", n * (double) Math.max(
                e.network().hiddenLayers() > 1 ? n : 1, Math.max(e.data().dimension() + 1L, e.data().size())));
    }

    @Override
    public MemoryPlan memoryPlan(Experiment e, Precision precision) {
        double n = e.network().width();
        double d = e.data().dimension();
        double m = e.data().size();
        double perEntry = 2 + e.optimizer().update().stateSize();   // weight, gradient, optimizer state
        double biases = e.network().bias() ? e.network().hiddenLayers() : 0;   // b^l, n entries each
        double weights = perEntry * ((e.network().hiddenLayers() - 1.0) * n * n + n * (d + e.outputs() + biases));
        double activations = (3.0 * e.network().hiddenLayers() + 3) * n * m;
        return RunSizes.withRecording(MemoryPlan.EMPTY.with("weights", weights * precision.bytes())
                .with("activations", activations * precision.bytes()), e, 0, 0);
    }

    @Override
    public Trajectory run(Experiment e, Backend backend, StepListener listener, Checkpoints checkpoints) {
        validate(e, backend);
        int steps = e.training().steps();
        int replicas = e.simulation().replicas();
        TrajectoryRecorder recorder = new TrajectoryRecorder(e);
        CheckpointPlan plan = new CheckpointPlan(e, checkpoints, recorder);
        Objective objective = e.objective();
        Scaling scaling = Scaling.of(e.parametrization(), e.network().initStd(), e.network().width(),
                e.data().dimension(), e.optimizer().learningRate(), e.optimizer().multipliers());
        boolean center = (e.parametrization() == Parametrization.NTP || e.parametrization() == Parametrization.MUP)
                && e.simulation().centerOutput();
        for (int r = plan.firstReplica(); r < plan.endReplica(); r++) {
            BatchSchedule schedule = new BatchSchedule(e.training(), e.data().train().size(), e.simulation().seed());
            try (FiniteNetwork net = new FiniteNetwork(e, scaling, backend, new RandomKey(e.simulation().seed(), r))) {
                double[] f0 = null;
                StateReader saved = plan.replicaState(r);
                if (saved != null) {
                    net.restoreFrom(saved);
                    f0 = saved.has("finite/f0") ? saved.doubles("finite/f0") : null;
                }
                for (int t = plan.firstStep(r); t <= steps; t++) {
                    double[] f = net.forward();
                    if (center) {
                        if (f0 == null) {
                            f0 = f.clone();
                        }
                        for (int j = 0; j < f.length; j++) {
                            f[j] -= f0[j];
                        }
                    }
                    if (!recorder.offer(r, t, f) || t == steps) {
                        break;
                    }
                    net.update(objective.errorSignal(f, schedule.batch(t)), t);
                    double[] initial = f0;
                    plan.afterUpdate(r, t + 1, w -> {
                        net.saveTo(w);
                        if (initial != null) {
                            w.doubles("finite/f0", initial);
                        }
                    });
                    listener.stepDone(r, t, steps);
                }
            }
            plan.afterReplica(r, w -> { });
        }
        return recorder.finish(Map.of());
    }

}
