package io.github.infinitewidth.engine;

import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import io.github.infinitewidth.train.Objective;
import io.github.infinitewidth.train.TrainingSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Collects what an engine records, replica by replica, and builds the {@link Trajectory}.
 * It owns the JOB-SPEC rules shared by every engine: which steps are recorded
 * ({@code training.recordEvery}, step 0 and the last always), and divergence ({@link Divergence}):
 * the first step at which any replica's outputs or losses are non-finite ends the run, and only
 * steps before it, which every replica recorded, are kept.
 */
public final class TrajectoryRecorder {
    private final int[] steps;
    private final double[][][] outputs;
    private final int trainCount;
    private final int components;
    private final Objective objective;
    private final List<Trajectory.FeatureKernel> features = new ArrayList<>();
    private int divergedStep = -1;

    public TrajectoryRecorder(Experiment e) {
        this.steps = recordedSteps(e.training());
        this.outputs = new double[e.simulation().replicas()][steps.length][];
        this.trainCount = e.data().train().size();
        this.components = e.outputs();
        this.objective = e.objective();
    }

    /** Step 0, every {@code recordEvery}-th step and the last, without visiting the steps between. */
    private static int[] recordedSteps(TrainingSpec training) {
        int[] recorded = new int[Math.toIntExact(RunSizes.recordedSteps(training))];
        for (int k = 0; k < recorded.length; k++) {
            recorded[k] = (int) Math.min((long) k * training.recordEvery(), training.steps());
        }
        return recorded;
    }

    /** The recorded steps, ascending. */
    public int[] steps() {
        return steps.clone();
    }

    /**
     * Offers replica r's outputs {@code f_t} (all inputs, train then test, K outputs each as in
     * {@link Trajectory}) at step t, stored when t is a recorded step.
     *
     * @return false when {@code f} or the mean loss of a split is non-finite: the replica has
     *         diverged and must stop
     */
    public boolean offer(int replica, int t, double[] f) {
        int m = f.length / components;
        boolean finite = Divergence.finite(f) && Double.isFinite(objective.meanLoss(f, 0, trainCount))
                && (m == trainCount || Double.isFinite(objective.meanLoss(f, trainCount, m)));
        if (!finite) {
            diverged(t);
            return false;
        }
        int k = Arrays.binarySearch(steps, t);
        if (k >= 0) {
            outputs[replica][k] = f.clone();
        }
        return true;
    }

    /**
     * Offers the outputs of step t's training batch at a step that is not recorded (the other
     * entries of {@code f} are not computed): only their and the batch loss's finiteness count.
     *
     * @return false when they are non-finite: the replica has diverged and must stop
     */
    public boolean offerBatch(int replica, int t, double[] f, int[] batch) {
        for (int j : batch) {
            for (int c = 0; c < components; c++) {
                if (!Double.isFinite(f[j * components + c])) {
                    diverged(t);
                    return false;
                }
            }
        }
        if (!Double.isFinite(objective.batchLoss(f, batch))) {
            diverged(t);
            return false;
        }
        return true;
    }

    /**
     * Offers values a replica computed at step t that are not recorded here (kernels, kets at
     * initialization): only their finiteness counts.
     *
     * @return false when {@code values} is non-finite: the replica has diverged and must stop
     */
    public boolean check(int replica, int t, double[] values) {
        if (!Divergence.finite(values)) {
            diverged(t);
            return false;
        }
        return true;
    }

    /** Some replica diverged at step t (a non-finite value of its own: its kets, say). */
    public void diverged(int t) {
        divergedStep = divergedStep < 0 ? t : Math.min(divergedStep, t);
    }

    /** Adds the feature kernels of hidden layer {@code layer} at step t, {@code perReplica[r][i * m + j]}. */
    public void feature(int step, int layer, double[][] perReplica) {
        features.add(new Trajectory.FeatureKernel(step, layer, perReplica));
    }

    /**
     * Saves what was recorded so far (a checkpoint): {@code recorder/shape} (replicas, recorded
     * steps, diverged step or -1), {@code recorder/outputs} (one array per replica and recorded
     * step, null where not recorded yet) and the feature kernels added so far.
     */
    public void saveTo(StateWriter w) {
        int recorded = steps.length;
        w.ints("recorder/shape", outputs.length, recorded, divergedStep);
        double[][] flat = new double[outputs.length * recorded][];
        for (int r = 0; r < outputs.length; r++) {
            System.arraycopy(outputs[r], 0, flat, r * recorded, recorded);
        }
        w.jagged("recorder/outputs", flat);
        int[] keys = new int[2 * features.size()];
        List<double[]> kernels = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            Trajectory.FeatureKernel f = features.get(i);
            keys[2 * i] = f.step();
            keys[2 * i + 1] = f.layer();
            kernels.addAll(Arrays.asList(f.perReplica()));
        }
        w.ints("recorder/featureKeys", keys);
        w.jagged("recorder/features", kernels.toArray(new double[0][]));
    }

    /** Replaces what was recorded by what {@link #saveTo} saved, for a run that continues. */
    public void restoreFrom(StateReader state) {
        int[] shape = state.ints("recorder/shape");
        if (shape.length != 3 || shape[0] != outputs.length || shape[1] != steps.length) {
            throw new io.github.infinitewidth.state.SavedStateException("the saved recorder holds " + Arrays.toString(shape)
                    + " but this run records " + outputs.length + " replicas at " + steps.length + " steps");
        }
        divergedStep = shape[2];
        double[][] flat = state.jagged("recorder/outputs");
        for (int r = 0; r < outputs.length; r++) {
            System.arraycopy(flat, r * steps.length, outputs[r], 0, steps.length);
        }
        int[] keys = state.ints("recorder/featureKeys");
        double[][] kernels = state.jagged("recorder/features");
        features.clear();
        int replicas = outputs.length;
        for (int i = 0; i < keys.length / 2; i++) {
            features.add(new Trajectory.FeatureKernel(keys[2 * i], keys[2 * i + 1],
                    Arrays.copyOfRange(kernels, i * replicas, (i + 1) * replicas)));
        }
    }

    /** True once some replica has diverged. */
    public boolean diverged() {
        return divergedStep >= 0;
    }

    /**
     * The trajectory, truncated before the divergence step if there was one, or before the first
     * recorded step whose estimates over replicas are non-finite ({@link Divergence#check}).
     */
    public Trajectory finish(Map<String, double[][]> kernels) {
        Trajectory all = new Trajectory(steps.clone(), outputs, trainCount, components, Trajectory.Status.COMPLETED, -1,
                kernels, features);
        return Divergence.check(divergedStep < 0 ? all : Divergence.truncated(all, divergedStep, kernels), objective);
    }
}
