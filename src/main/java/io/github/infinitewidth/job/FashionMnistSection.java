package io.github.infinitewidth.job;

import io.github.infinitewidth.data.FashionMnist;
import io.github.infinitewidth.data.FashionMnistClass;
import io.github.infinitewidth.data.Standardization;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.util.InvalidSpecException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code data.fashionMnist} section of a job file (JOB-SPEC.md): read into a {@link FashionMnist}
 * with every default filled in, and written back in the same form for the resolved job, where it
 * stands for the 784 numbers per image it describes.
 */
final class FashionMnistSection {
    static final Map<String, Standardization> STANDARDIZATIONS =
            Section.spellings(Standardization.values(), Standardization::spelling);
    /** JOB-SPEC.md defaults: the sizes of the example, the data seed 1, one global scale. */
    static final int DEFAULT_TRAIN_SIZE = 256;
    static final int DEFAULT_TEST_SIZE = 1000;
    static final long DEFAULT_SEED = 1;
    static final Standardization DEFAULT_STANDARDIZE = Standardization.GLOBAL;

    private FashionMnistSection() {}

    /**
     * The section {@code s}; a relative {@code directory} is relative to the job file's folder. With
     * {@code loss}'s cross-entropy the targets default to the class labels 0..k-1 in the order of
     * {@code classes}.
     */
    static FashionMnist read(Section s, Path jobFile, Loss loss) {
        s.allowOnly("classes", "targets", "trainSize", "testSize", "seed", "standardize", "directory");
        List<FashionMnistClass> classes = classes(s);
        Path directory = s.has("directory") ? JobReader.relative(jobFile, s.text("directory"))
                : FashionMnist.PACKAGE_DIRECTORY;
        double[] targets = loss == Loss.CROSS_ENTROPY && !s.has("targets")
                ? java.util.stream.IntStream.range(0, classes.size()).asDoubleStream().toArray()
                : targets(s, classes.size(), loss);
        return new FashionMnist(directory, classes, targets,
                s.integer("trainSize", DEFAULT_TRAIN_SIZE), s.integer("testSize", DEFAULT_TEST_SIZE),
                s.longInteger("seed", DEFAULT_SEED), s.choice("standardize", STANDARDIZATIONS, DEFAULT_STANDARDIZE));
    }

    /** The listed classes, or all ten in label order for {@code classes: all}. */
    private static List<FashionMnistClass> classes(Section s) {
        JsonNode list = s.required("classes", " (for example [t-shirt, trouser]: the first is +1, the second -1;"
                + " or all)");
        String field = s.field("classes");
        if (list.isTextual() && list.textValue().equals("all")) {
            return List.of(FashionMnistClass.values());
        }
        if (!list.isArray()) {
            throw new InvalidSpecException(field, "must be all or a list of class names or labels 0..9, got "
                    + Section.describe(list));
        }
        List<FashionMnistClass> classes = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            FashionMnistClass c = entry.isTextual() || entry.isIntegralNumber()
                    ? FashionMnistClass.parse(entry.asText()) : null;
            if (c == null) {
                throw new InvalidSpecException(field + "[" + i + "]", "must be one of "
                        + FashionMnistClass.allSpellings() + ", got "
                        + (entry.isTextual() ? Section.quoted(entry.textValue()) : Section.describe(entry)));
            }
            classes.add(c);
        }
        return classes;
    }

    /** Given targets, or +1 and -1 for two classes. */
    private static double[] targets(Section s, int classCount, Loss loss) {
        if (!s.has("targets")) {
            if (classCount > 2 && loss == Loss.LOGISTIC) {
                // one logistic output separates two groups: say how to make two groups of many classes
                s.required("targets", " for " + classCount + " classes with loss logistic, which separates two"
                        + " groups: +1 or -1 per class (one class against the rest, say), or use loss cross-entropy"
                        + " with network.outputs " + classCount + " to tell them all apart");
            }
            if (classCount > 2) {   // fewer than two is refused by FashionMnist, naming classes
                s.required("targets", " for " + classCount + " classes (one number per class; only two classes"
                        + " default to +1 and -1, and loss cross-entropy to the labels 0.." + (classCount - 1) + ")");
            }
            return FashionMnist.TWO_CLASS_TARGETS.stream().mapToDouble(Double::doubleValue).toArray();
        }
        JsonNode list = s.required("targets", "");
        if (!list.isArray()) {
            throw new InvalidSpecException(s.field("targets"), "must be a list of numbers, got "
                    + Section.describe(list));
        }
        double[] targets = new double[list.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = Section.number(list.get(i), s.field("targets") + "[" + i + "]");
        }
        return targets;
    }

    /** The section in job-file form with nothing left to a default; the directory absolute. */
    static ObjectNode tree(FashionMnist f) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        ArrayNode classes = node.putArray("classes");
        f.classes().forEach(c -> classes.add(c.spelling()));
        ArrayNode targets = node.putArray("targets");
        for (double t : f.targets()) {
            targets.add(t);
        }
        node.put("trainSize", f.trainSize());
        node.put("testSize", f.testSize());
        node.put("seed", f.seed());
        node.put("standardize", f.standardize().spelling());
        node.put("directory", f.directory().toAbsolutePath().normalize().toString());
        return node;
    }
}
