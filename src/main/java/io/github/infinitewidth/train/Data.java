package io.github.infinitewidth.train;

import io.github.infinitewidth.util.InvalidSpecException;

/**
 * Train and test splits. Engines see the inputs as one list, train first, then test
 * (LIMITS.md section 0: test inputs are tracked but never produce an error signal).
 */
public record Data(Dataset train, Dataset test) {
    public Data {
        train = (train == null ? null : train.validated("data.train", false));
        if (train == null) {
            throw new InvalidSpecException("data.train", "is required");
        }
        // no test data has no targets to disagree with the train targets' width: it takes theirs
        test = test == null || test.size() == 0 && test.targets().length == 0 ? Dataset.empty(train.targetWidth())
                : test.validated("data.test", true, "data.train.inputs", train.dimension());
        if (test.size() > 0 && test.targetWidth() != train.targetWidth()) {
            throw new InvalidSpecException("data.test.targets", "have " + test.targetWidth() + " number(s) per input but"
                    + " data.train.targets have " + train.targetWidth());
        }
    }

    /** Target numbers per input (k for mse with k outputs, else 1). */
    public int targetWidth() {
        return train.targetWidth();
    }

    /** Number of train plus test inputs, m. */
    public int size() {
        return train.size() + test.size();
    }

    /** Input dimension d. */
    public int dimension() {
        return train.dimension();
    }

    /** All inputs, train then test: {@code m x d}. */
    public double[][] allInputs() {
        // each split copied once: copying a split per input costs O(m^2 d), minutes for 1256 images
        double[][] trainInputs = train.inputs();
        double[][] testInputs = test.inputs();
        double[][] all = new double[size()][];
        for (int j = 0; j < size(); j++) {
            all[j] = j < train.size() ? trainInputs[j] : testInputs[j - train.size()];
        }
        return all;
    }

    /** All inputs, train then test, as the columns of a {@code d x m} column-major matrix. */
    public double[] inputsColumnMajor() {
        int d = dimension();
        double[] columns = new double[d * size()];
        for (int j = 0; j < size(); j++) {
            for (int k = 0; k < d; k++) {
                columns[j * d + k] = j < train.size() ? train.input(j, k) : test.input(j - train.size(), k);
            }
        }
        return columns;
    }

    /** All targets, train then test, {@link #targetWidth()} numbers per input. */
    public double[] allTargets() {
        double[] trainTargets = train.targets();
        double[] all = java.util.Arrays.copyOf(trainTargets, trainTargets.length + test.size() * targetWidth());
        System.arraycopy(test.targets(), 0, all, trainTargets.length, test.size() * targetWidth());
        return all;
    }
}
