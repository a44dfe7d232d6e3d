package io.github.infinitewidth.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

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
     * Per-layer learning-rate multipliers with the biases' {@code mb} (LIMITS.md section 8; needs
     * {@code Simulation.bias}).
     */
    public Optimizer layerMultipliers(double input, double hidden, double output, double bias) {
        ObjectNode copy = layerMultipliers(input, hidden, output).section.deepCopy();
        ((ObjectNode) copy.get("layerMultipliers")).put("bias", bias);
        return new Optimizer(copy);
    }

    /**
     * Decoupled weight decay {@code lambda} ({@code optimizer.weightDecay}, AdamW's): each step keeps
     * {@code 1 - eta_t m lambda} of every tensor before its update (LIMITS.md section 1.2).
     */
    public Optimizer weightDecay(double lambda) {
        return with("weightDecay", lambda);
    }

    /**
     * A linear warm-up over the first {@code steps} steps ({@code optimizer.schedule.warmupSteps}):
     * step t uses {@code eta (t + 1) / steps}, then the decay, if any (LIMITS.md section 1.1).
     */
    public Optimizer warmup(int steps) {
        ObjectNode copy = section.deepCopy();
        schedule(copy).put("warmupSteps", steps);
        return new Optimizer(copy);
    }

    /** Cosine decay from eta to {@code finalFactor * eta} over the steps after the warm-up. */
    public Optimizer cosineDecay(double finalFactor) {
        return decay("cosine", finalFactor);
    }

    /** Linear decay from eta to {@code finalFactor * eta} over the steps after the warm-up. */
    public Optimizer linearDecay(double finalFactor) {
        return decay("linear", finalFactor);
    }

    /** Multiplies the learning rate by {@code gamma} every {@code every} steps after the warm-up. */
    public Optimizer stepDecay(int every, double gamma) {
        ObjectNode copy = section.deepCopy();
        ObjectNode schedule = schedule(copy).put("type", "step").put("stepEvery", every).put("gamma", gamma);
        schedule.remove("finalFactor");
        return new Optimizer(copy);
    }

    private Optimizer decay(String type, double finalFactor) {
        ObjectNode copy = section.deepCopy();
        ObjectNode schedule = schedule(copy).put("type", type).put("finalFactor", finalFactor);
        schedule.remove(List.of("stepEvery", "gamma"));
        return new Optimizer(copy);
    }

    private static ObjectNode schedule(ObjectNode optimizer) {
        return optimizer.has("schedule") ? (ObjectNode) optimizer.get("schedule") : optimizer.putObject("schedule");
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
