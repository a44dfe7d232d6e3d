package io.github.infinitewidth.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Inputs and targets given in code ({@code data.train} and {@code data.test} of a job file). Checked
 * when the simulation runs, with the job file's messages ({@code data.train has 2 inputs but 3 targets}).
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

    /** This data with a test split: tracked during training, never trained on. */
    public InlineData test(double[][] inputs, double[] targets) {
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
        ArrayNode rows = split.putArray("inputs");
        for (double[] input : inputs) {
            ArrayNode row = rows.addArray();
            for (double x : input) {
                row.add(x);
            }
        }
        ArrayNode values = split.putArray("targets");
        for (double y : targets) {
            values.add(y);
        }
        return split;
    }

    @Override
    public String toString() {
        return section.toString();
    }
}
