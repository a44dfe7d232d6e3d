package io.github.infinitewidth.engine;

import io.github.infinitewidth.state.StateReader;
import io.github.infinitewidth.state.StateWriter;
import io.github.infinitewidth.train.TrainingSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Collects what an engine records, replica by replica, and builds the {@link Trajectory}.
 * It owns the JOB-SPEC rules shared by every engine: which steps are recorded
 * ({@code training.recordEvery}, step 0 and the last always), and divergence: the first step
 * at which any replica's outputs are non-finite ends the run, and only steps before it, which
 * every replica recorded, are kept.
 */
public final class TrajectoryRecorder {
    private final int[] steps;
    private final double[][][] outputs;
    private final int trainCount;
    private final List<Trajectory.FeatureKernel> features = new ArrayList<>();
    private int divergedStep = -1;

    public TrajectoryRecorder(TrainingSpec training, int replicas, int trainCount) {
        this.steps = recordedSteps(training);
        this.outputs = new double[replicas][steps.length][];
        this.trainCount = trainCount;
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
     * Offers replica r's outputs {@code f_t} (all inputs, train then test) at step t, stored when t is
     * a recorded step.
     *
     * @return false when {@code f} is non-finite: the replica has diverged and must stop
     */
    public boolean offer(int replica, int t, double[] f) {
        if (!check(replica, t, f)) {
            return false;
        }
        int k = Arrays.binarySearch(steps, t);
        if (k >= 0) {
            outputs[replica][k] = f.clone();
        }
        return true;
    }

    /**
     * Offers outputs that are not recorded (at a step that is not, or at some inputs only, such as
     * a training batch): only their finiteness counts.
     *
     * @return false when {@code values} is non-finite: the replica has diverged and must stop
     */
    public boolean check(int replica, int t, double[] values) {
        for (double value : values) {
            if (!Double.isFinite(value)) {
                divergedStep = divergedStep < 0 ? t : Math.min(divergedStep, t);
                return false;
            }
        }
        return true;
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
            throw new IllegalStateException("the saved recorder holds " + Arrays.toString(shape)
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

    /** The trajectory, truncated before the divergence step if there was one. */
    public Trajectory finish(Map<String, double[][]> kernels) {
        if (divergedStep < 0) {
            return new Trajectory(steps.clone(), outputs, trainCount, Trajectory.Status.COMPLETED, -1, kernels,
                    features);
        }
        int kept = 0;
        while (kept < steps.length && steps[kept] < divergedStep) {
            kept++;
        }
        double[][][] cut = new double[outputs.length][][];
        for (int r = 0; r < outputs.length; r++) {
            cut[r] = Arrays.copyOf(outputs[r], kept);
        }
        List<Trajectory.FeatureKernel> keptFeatures = new ArrayList<>();
        for (Trajectory.FeatureKernel f : features) {
            if (f.step() < divergedStep) {
                keptFeatures.add(f);
            }
        }
        return new Trajectory(Arrays.copyOf(steps, kept), cut, trainCount, Trajectory.Status.DIVERGED, divergedStep,
                kernels, keptFeatures);
    }
}
