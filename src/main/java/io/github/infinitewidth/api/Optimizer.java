package io.github.infinitewidth.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** An optimizer ({@code optimizer} section of a job file), made by {@link Optimizers}. */
public final class Optimizer {
    private final ObjectNode section;

    Optimizer(ObjectNode section) {
        this.section = section;
    }

    static Optimizer of(String type, double learningRate) {
        ObjectNode section = JsonNodeFactory.instance.objectNode();
        section.put("type", type);
        section.put("learningRate", learningRate);
        return new Optimizer(section);
    }

    Optimizer with(String name, double value) {
        ObjectNode copy = section.deepCopy();
        copy.put(name, value);
        return new Optimizer(copy);
    }

    /** Per-layer learning-rate multipliers mu, mW, mv (LIMITS.md): input, hidden and output layers. */
    public Optimizer layerMultipliers(double input, double hidden, double output) {
        ObjectNode copy = section.deepCopy();
        ObjectNode m = copy.putObject("layerMultipliers");
        m.put("input", input);
        m.put("hidden", hidden);
        m.put("output", output);
        return new Optimizer(copy);
    }

    /**
     * Per-layer learning-rate multipliers by preset name: {@code "neural-tangents"} gives
     * {@code (su^2/d, sw^2, sv^2)}, under which the NTK is that of neural-tangents' stax with
     * {@code parameterization='ntk'} (docs/for-neural-tangents-users.md). An unknown name is refused
     * when the simulation is built.
     */
    public Optimizer layerMultipliers(String preset) {
        ObjectNode copy = section.deepCopy();
        copy.put("layerMultipliers", preset);
        return new Optimizer(copy);
    }

    /** The {@code optimizer} section of a job file. */
    public ObjectNode section() {
        return section.deepCopy();
    }

    @Override
    public String toString() {
        return section.toString();
    }
}
