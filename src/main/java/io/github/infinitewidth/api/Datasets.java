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

    /** Training inputs and targets from a CSV file; add a test split with {@link CsvData#test}. */
    public static CsvData csv(Path train) {
        return CsvData.train(train);
    }

    /**
     * Fashion-MNIST images of the given classes, by name ({@code t-shirt}, {@code trouser}, {@code pullover},
     * {@code dress}, {@code coat}, {@code sandal}, {@code shirt}, {@code sneaker}, {@code bag},
     * {@code ankle-boot}) or label; two classes have targets +1 (the first) and -1.
     */
    public static FashionMnistData fashionMnist(String... classes) {
        return FashionMnistData.of(classes);
    }

    /** True when Debian's dataset-fashion-mnist is installed, so that the default folder has the files. */
    public static boolean fashionMnistInstalled() {
        return FashionMnist.installedIn(FashionMnist.PACKAGE_DIRECTORY);
    }
}
