package io.github.infinitewidth.data;

import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.util.Check;
import io.github.infinitewidth.util.InvalidSpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A two-or-more-class problem cut out of Fashion-MNIST (JOB-SPEC.md, {@code data.fashionMnist}):
 * the training images of {@code classes} are subsampled to {@code trainSize}, the test images (the
 * t10k files) to {@code testSize}, each image becomes a 784-dimensional input standardized as
 * {@code standardize} says, and its target is the entry of {@code targets} for its class.
 *
 * @param directory   folder with the four IDX files, gzip-compressed ({@code .gz}) or plain
 * @param classes     the classes kept, at least two, each once
 * @param targets     the target of each class, in the order of {@code classes}
 * @param trainSize   training images drawn from the training file's images of these classes
 * @param testSize    test images drawn from the test file's images of these classes (0: no test split)
 * @param seed        which subsets are drawn
 * @param standardize how pixels become inputs
 */
public record FashionMnist(Path directory, List<FashionMnistClass> classes, double[] targets, int trainSize,
                           int testSize, long seed, Standardization standardize) {

    /** Where Debian's package dataset-fashion-mnist installs the files. */
    public static final Path PACKAGE_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    /** Two classes without explicit targets: the first is +1, the second -1. */
    public static final List<Double> TWO_CLASS_TARGETS = List.of(1.0, -1.0);
    static final String FIELD = "data.fashionMnist";
    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** Decorrelates the subset streams of the two splits (and from BatchSchedule's use of the same seeds). */
    private static final long TRAIN_STREAM = 0x5EED_0001L;
    private static final long TEST_STREAM = 0x5EED_0002L;

    public FashionMnist {
        Check.present(FIELD + ".directory", directory);
        Check.present(FIELD + ".classes", classes);
        classes = List.copyOf(classes);
        if (classes.size() < 2) {
            throw new InvalidSpecException(FIELD + ".classes", "must list at least two classes, got " + classes.size());
        }
        if (new HashSet<>(classes).size() != classes.size()) {
            throw new InvalidSpecException(FIELD + ".classes", "lists a class twice: " + spellings(classes));
        }
        Check.present(FIELD + ".targets", targets);
        targets = targets.clone();
        if (targets.length != classes.size()) {
            throw new InvalidSpecException(FIELD + ".targets", "has " + targets.length + " entries for "
                    + classes.size() + " classes: give one target per class");
        }
        Check.finite(FIELD + ".targets", targets);
        Check.positive(FIELD + ".trainSize", trainSize);
        Check.nonNegative(FIELD + ".testSize", testSize);
        Check.present(FIELD + ".standardize", standardize);
    }

    @Override
    public double[] targets() {
        return targets.clone();
    }

    /** True when {@code directory} holds the four files (compressed or not). */
    public static boolean installedIn(Path directory) {
        return List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS).stream()
                .allMatch(name -> file(directory, name) != null);
    }

    /**
     * Reads the files and builds the train and test splits: labels first, so that a size larger than
     * what the classes have is refused before the images are decompressed.
     *
     * @throws InvalidSpecException naming {@code data.fashionMnist.directory} when a file is missing or
     *                              unreadable, or the size field that asks for more images than there are
     */
    public Data load() {
        // the tasks of a sweep share one data section: the images are decoded once, not once per task
        String key = directory + " " + classes + " " + Arrays.toString(targets) + " " + trainSize + " "
                + testSize + " " + seed + " " + standardize + " " + filesStamp();
        synchronized (LAST) {
            Data cached = LAST.get(key);
            if (cached != null) {
                return cached;
            }
            Data data = decode();
            LAST.clear();
            LAST.put(key, data);
            return data;
        }
    }

    /** The names, sizes and modification times of the directory's files: a file replaced is read again. */
    private String filesStamp() {
        try (java.util.stream.Stream<Path> files = Files.list(directory)) {
            return files.sorted().map(f -> f.getFileName() + ":" + f.toFile().length() + ":" + f.toFile().lastModified())
                    .collect(java.util.stream.Collectors.joining(","));
        } catch (IOException | RuntimeException e) {
            return "unlisted " + e;   // decode() reports what is wrong with the directory
        }
    }

    /** The data last loaded, by what they were loaded from (one entry: a sweep has one data section). */
    private static final Map<String, Data> LAST = new java.util.HashMap<>();

    private Data decode() {
        IdxFile trainLabels = read(TRAIN_LABELS);
        IdxFile testLabels = read(TEST_LABELS);
        int[] trainPicked = pick(trainLabels, trainSize, "trainSize", "training", TRAIN_STREAM);
        int[] testPicked = pick(testLabels, testSize, "testSize", "test", TEST_STREAM);
        IdxFile trainImages = images(TRAIN_IMAGES, trainLabels.count());
        IdxFile testImages = testSize == 0 ? trainImages : images(TEST_IMAGES, testLabels.count());
        if (testImages.itemSize() != trainImages.itemSize()) {
            throw new InvalidSpecException(FIELD + ".directory", "holds test images of " + testImages.itemSize()
                    + " pixels but training images of " + trainImages.itemSize());
        }
        double[][] train = pixels(trainImages, trainPicked);
        double[][] test = pixels(testImages, testPicked);
        standardize.apply(train, test);
        return new Data(new Dataset(train, targetsOf(trainLabels, trainPicked)),
                new Dataset(test, targetsOf(testLabels, testPicked)));
    }

    /**
     * {@code size} indices of images of {@code classes}, drawn without replacement (a seeded partial
     * Fisher-Yates shuffle; SplittableRandom's sequence is specified, so every JVM draws the same), in
     * file order.
     */
    private int[] pick(IdxFile labels, int size, String sizeField, String split, long stream) {
        int[] candidates = IntStream.range(0, labels.count())
                .filter(i -> classIndex(labels.value(i, 0)) >= 0).toArray();
        if (size > candidates.length) {
            throw new InvalidSpecException(FIELD + "." + sizeField, "of " + size + " is more than the "
                    + candidates.length + " " + split + " images of classes " + spellings(classes));
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + stream);
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(candidates.length - i);
            int tmp = candidates[i];
            candidates[i] = candidates[j];
            candidates[j] = tmp;
        }
        int[] picked = Arrays.copyOf(candidates, size);
        Arrays.sort(picked);
        return picked;
    }

    private int classIndex(int label) {
        for (int c = 0; c < classes.size(); c++) {
            if (classes.get(c).label() == label) {
                return c;
            }
        }
        return -1;
    }

    private double[] targetsOf(IdxFile labels, int[] picked) {
        double[] t = new double[picked.length];
        for (int i = 0; i < picked.length; i++) {
            t[i] = targets[classIndex(labels.value(picked[i], 0))];
        }
        return t;
    }

    private static double[][] pixels(IdxFile images, int[] picked) {
        double[][] rows = new double[picked.length][images.itemSize()];
        for (int i = 0; i < picked.length; i++) {
            for (int k = 0; k < rows[i].length; k++) {
                rows[i][k] = images.value(picked[i], k);
            }
        }
        return rows;
    }

    private IdxFile images(String name, int labelCount) {
        IdxFile images = read(name);
        if (images.dimensions().length != 3 || images.count() != labelCount) {
            throw new InvalidSpecException(FIELD + ".directory", "holds " + name + " of sizes "
                    + Arrays.toString(images.dimensions()) + ", expected " + labelCount + " images of rows x columns");
        }
        return images;
    }

    private IdxFile read(String name) {
        Path file = file(directory, name);
        if (file == null) {
            throw new InvalidSpecException(FIELD + ".directory", "has no " + directory.resolve(name + ".gz")
                    + " (nor " + name + "): install Debian's package dataset-fashion-mnist, or set "
                    + FIELD + ".directory to a folder with the four Fashion-MNIST IDX files");
        }
        try {
            return IdxFile.read(file);
        } catch (IOException e) {
            throw new InvalidSpecException(FIELD + ".directory", "holds " + file + ", which cannot be read: "
                    + e.getMessage());
        }
    }

    /** The gzip-compressed file if present, else the plain one, else null. */
    private static Path file(Path directory, String name) {
        for (Path candidate : List.of(directory.resolve(name + ".gz"), directory.resolve(name))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String spellings(List<FashionMnistClass> classes) {
        return classes.stream().map(FashionMnistClass::spelling).collect(Collectors.joining(", "));
    }
}
