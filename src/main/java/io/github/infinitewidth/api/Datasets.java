package io.github.infinitewidth.api;

import io.github.infinitewidth.data.FashionMnist;
import java.nio.file.Path;

/** The data sources of the notebook API: inline numbers, CSV files, Fashion-MNIST. */
public final class Datasets {
    private Datasets() {}

    /** Training inputs (one row each) and targets; add a test split with {@link InlineData#test}. */
    public static InlineData inline(double[][] inputs, double[] targets) {
        return InlineData.train(inputs, targets);
    }

    /**
     * Training inputs and k targets per input ({@code targets[j]}: those of input j), for {@code mse} with
     * {@link Simulation#outputs} k; add a test split with {@link InlineData#test(double[][], double[][])}.
     */
    public static InlineData inline(double[][] inputs, double[][] targets) {
        return InlineData.train(inputs, targets);
    }

    /** Training inputs and targets from a CSV file; add a test split with {@link CsvData#test}. */
    public static CsvData csv(Path train) {
        return CsvData.train(train);
    }

    /**
     * Fashion-MNIST images of the given classes, by name ({@code t-shirt}, {@code trouser}, {@code pullover},
     * {@code dress}, {@code coat}, {@code sandal}, {@code shirt}, {@code sneaker}, {@code bag},
     * {@code ankle-boot}) or label; two classes have targets +1 (the first) and -1, and with loss
     * {@code cross-entropy} the classes' targets are their positions 0, 1, ... in this list.
     */
    public static FashionMnistData fashionMnist(String... classes) {
        return FashionMnistData.of(classes);
    }

    /**
     * All ten Fashion-MNIST classes in label order ({@code classes: all}): for loss {@code cross-entropy}
     * with {@link Simulation#outputs} 10, whose targets default to the labels 0..9.
     */
    public static FashionMnistData fashionMnistAllClasses() {
        return FashionMnistData.all();
    }

    /** True when Debian's dataset-fashion-mnist is installed, so that the default folder has the files. */
    public static boolean fashionMnistInstalled() {
        return FashionMnist.installedIn(FashionMnist.PACKAGE_DIRECTORY);
    }
}
