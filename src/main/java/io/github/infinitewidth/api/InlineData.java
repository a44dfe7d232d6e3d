package io.github.infinitewidth.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Inputs and targets given in code ({@code data.train} and {@code data.test} of a job file): one target
 * number per input (a value, a +1/-1 label or a class label 0..k-1), or k per input for {@code mse} with
 * {@link Simulation#outputs} k. Checked when the simulation runs, with the job file's messages
 * ({@code data.train has 2 inputs but 3 targets}).
 */
public final class InlineData implements DataSource {
    private final ObjectNode section;

    InlineData(ObjectNode section) {
        this.section = section;
    }

    /** Training inputs (one row each) and their targets. */
    static InlineData train(double[][] inputs, double[] targets) {
        ObjectNode section = JsonNodeFactory.instance.objectNode();
        section.set("train", split(inputs, targets));
        return new InlineData(section);
    }

    /** Training inputs and k targets per input ({@code targets[j]} those of input j). */
    static InlineData train(double[][] inputs, double[][] targets) {
        ObjectNode section = JsonNodeFactory.instance.objectNode();
        section.set("train", split(inputs, targets));
        return new InlineData(section);
    }

    /** This data with a test split: tracked during training, never trained on. */
    public InlineData test(double[][] inputs, double[] targets) {
        ObjectNode copy = section.deepCopy();
        copy.set("test", split(inputs, targets));
        return new InlineData(copy);
    }

    /** This data with a test split of k targets per input, like the training split's. */
    public InlineData test(double[][] inputs, double[][] targets) {
        ObjectNode copy = section.deepCopy();
        copy.set("test", split(inputs, targets));
        return new InlineData(copy);
    }

    @Override
    public ObjectNode section() {
        return section.deepCopy();
    }

    private static ObjectNode split(double[][] inputs, double[] targets) {
        ObjectNode split = JsonNodeFactory.instance.objectNode();
        rows(split.putArray("inputs"), inputs);
        ArrayNode values = split.putArray("targets");
        for (double y : targets) {
            values.add(y);
        }
        return split;
    }

    private static ObjectNode split(double[][] inputs, double[][] targets) {
        ObjectNode split = JsonNodeFactory.instance.objectNode();
        rows(split.putArray("inputs"), inputs);
        rows(split.putArray("targets"), targets);
        return split;
    }

    private static void rows(ArrayNode into, double[][] rows) {
        for (double[] values : rows) {
            ArrayNode row = into.addArray();
            for (double v : values) {
                row.add(v);
            }
        }
    }

    @Override
    public String toString() {
        return section.toString();
    }
}
