package io.github.infinitewidth.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * A Fashion-MNIST selection ({@code data.fashionMnist} of a job file, JOB-SPEC.md): classes, sizes,
 * seed, standardization and folder, each left to the job file's default until set.
 */
public final class FashionMnistData implements DataSource {
    private final ObjectNode fields;

    private FashionMnistData(ObjectNode fields) {
        this.fields = fields;
    }

    /** The classes by name ({@code t-shirt}, {@code trouser}, ...) or label ({@code "0"} .. {@code "9"}). */
    static FashionMnistData of(String... classes) {
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        ArrayNode list = fields.putArray("classes");
        for (String c : classes) {
            list.add(c);
        }
        return new FashionMnistData(fields);
    }

    /** All ten classes in label order ({@code classes: all}). */
    static FashionMnistData all() {
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        fields.put("classes", "all");
        return new FashionMnistData(fields);
    }

    /** One target per class (two classes default to +1 and -1, loss cross-entropy to the labels 0, 1, ...). */
    public FashionMnistData targets(double... targets) {
        ObjectNode copy = fields.deepCopy();
        ArrayNode list = copy.putArray("targets");
        for (double t : targets) {
            list.add(t);
        }
        return new FashionMnistData(copy);
    }

    /** Training images drawn from the training file (default 256). */
    public FashionMnistData trainSize(int images) {
        return with("trainSize", images);
    }

    /** Test images drawn from the test file (default 1000; 0 for none). */
    public FashionMnistData testSize(int images) {
        return with("testSize", images);
    }

    /** The seed that draws the subsets (default 1). */
    public FashionMnistData seed(long seed) {
        ObjectNode copy = fields.deepCopy();
        copy.put("seed", seed);
        return new FashionMnistData(copy);
    }

    /** {@code none}, {@code global} (default) or {@code per-pixel}. */
    public FashionMnistData standardize(String how) {
        ObjectNode copy = fields.deepCopy();
        copy.put("standardize", how);
        return new FashionMnistData(copy);
    }

    /** The folder with the IDX files (default: where Debian's dataset-fashion-mnist puts them). */
    public FashionMnistData directory(Path folder) {
        ObjectNode copy = fields.deepCopy();
        copy.put("directory", folder.toString());
        return new FashionMnistData(copy);
    }

    private FashionMnistData with(String name, int value) {
        ObjectNode copy = fields.deepCopy();
        copy.put(name, value);
        return new FashionMnistData(copy);
    }

    @Override
    public ObjectNode section() {
        ObjectNode section = JsonNodeFactory.instance.objectNode();
        section.set("fashionMnist", fields.deepCopy());
        return section;
    }

    @Override
    public String toString() {
        return section().toString();
    }
}
