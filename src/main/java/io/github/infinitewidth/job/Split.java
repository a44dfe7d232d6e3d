package io.github.infinitewidth.job;

import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.train.Objective;
import java.util.ArrayList;
import java.util.List;

/**
 * A split as the output files see it: its name ({@code train} or {@code test}) and its inputs'
 * range {@code [from, to)} among the engine's inputs, which list train then test.
 */
public record Split(String name, int from, int to) {

    /** The train split, then the test split when it has inputs. */
    public static List<Split> of(Trajectory t) {
        List<Split> splits = new ArrayList<>(List.of(new Split("train", 0, t.trainCount())));
        if (t.inputCount() > t.trainCount()) {
            splits.add(new Split("test", t.trainCount(), t.inputCount()));
        }
        return splits;
    }

    /**
     * The loss at the k-th recorded step (JOB-SPEC.md {@code loss.csv}): per replica the mean
     * loss over this split's inputs, then mean and standard error over replicas.
     */
    public Estimate loss(Trajectory t, int k, Objective objective) {
        double[] perReplica = new double[t.replicas()];
        for (int r = 0; r < perReplica.length; r++) {
            perReplica[r] = objective.meanLoss(t.outputs()[r][k], from, to);
        }
        return Estimate.ofReplicas(perReplica);
    }

    /**
     * The accuracy at the k-th recorded step (JOB-SPEC.md {@code loss.csv}, classification losses):
     * per replica the fraction of this split's inputs its outputs classify right, then mean and
     * standard error over replicas.
     */
    public Estimate accuracy(Trajectory t, int k, Objective objective) {
        double[] perReplica = new double[t.replicas()];
        for (int r = 0; r < perReplica.length; r++) {
            perReplica[r] = objective.accuracy(t.outputs()[r][k], from, to);
        }
        return Estimate.ofReplicas(perReplica);
    }
}
