package io.github.infinitewidth.job;

import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.train.TrainingSpec;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@link Job} written back in job-file form with nothing left to a default and the data
 * inline (JOB-SPEC.md: {@code summary.json} carries "the fully resolved job, defaults filled
 * in, so the run can be repeated from it alone"). The field names are those {@link JobReader}
 * reads, so the tree is itself a valid job file.
 */
final class ResolvedJob {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResolvedJob() {}

    static ObjectNode tree(Job job) {
        Experiment e = job.experiment();
        ObjectNode root = NODES.objectNode();
        root.put("engine", job.engine());
        root.set("network", network(e.network()));
        if (e.parametrization() != null) {
            root.put("parametrization", e.parametrization().spelling());
        }
        root.set("optimizer", optimizer(e.optimizer(), e.network().bias()));
        root.put("loss", e.loss().spelling());
        ObjectNode data = root.putObject("data");
        if (job.fashionMnist() != null) {
            data.set("fashionMnist", FashionMnistSection.tree(job.fashionMnist()));
        } else {
            data.set("train", split(e.data().train()));
            data.set("test", split(e.data().test()));
        }
        root.set("training", training(e.training()));
        root.set("simulation", simulation(e.simulation()));
        return root;
    }

    private static ObjectNode network(NetworkSpec n) {
        ObjectNode node = NODES.objectNode();
        node.put("hiddenLayers", n.hiddenLayers());
        node.put("activation", n.activation().spelling());
        if (n.width() > 0) {   // 0 is "no width" (limit engines); the job file has no spelling for it
            node.put("width", n.width());
        }
        ObjectNode std = node.putObject("initStd");
        std.put("input", n.initStd().input());
        std.put("hidden", n.initStd().hidden());
        std.put("output", n.initStd().output());
        if (n.outputs() > 1) {   // written only for several: one-output jobs keep their identity
            node.put("outputs", n.outputs());
        }
        if (n.bias()) {   // written only with biases: jobs without them keep their identity
            node.put("bias", true);
            std.put("bias", n.initStd().bias());
        }
        return node;
    }

    private static ObjectNode optimizer(OptimizerSpec o, boolean bias) {
        UpdateFunction q = o.update();
        ObjectNode node = NODES.objectNode();
        node.put("type", q.kind().spelling());
        node.put("learningRate", o.learningRate());
        ObjectNode m = node.putObject("layerMultipliers");
        m.put("input", o.multipliers().input());
        m.put("hidden", o.multipliers().hidden());
        m.put("output", o.multipliers().output());
        if (bias) {
            m.put("bias", o.multipliers().bias());
        }
        node.put("epsilon", q.epsilon());
        node.put("beta1", q.beta1());
        node.put("beta2", q.beta2());
        // absent means none: jobs without a schedule or weight decay keep their identity
        if (!o.schedule().isConstant()) {
            node.set("schedule", schedule(o.schedule()));
        }
        if (o.weightDecay() > 0) {
            node.put("weightDecay", o.weightDecay());
        }
        return node;
    }

    private static ObjectNode schedule(Schedule s) {
        ObjectNode node = NODES.objectNode();
        node.put("type", s.type().spelling());
        node.put("warmupSteps", s.warmupSteps());
        switch (s.type()) {
            case LINEAR, COSINE -> {
                if (s.decaySteps() != Schedule.REST_OF_RUN) {
                    node.put("decaySteps", s.decaySteps());
                }
                node.put("finalFactor", s.finalFactor());
            }
            case STEP -> {
                node.put("stepEvery", s.stepEvery());
                node.put("gamma", s.gamma());
            }
            case CONSTANT -> { }
        }
        return node;
    }

    private static ObjectNode split(Dataset d) {
        ObjectNode node = NODES.objectNode();
        ArrayNode inputs = node.putArray("inputs");
        for (int j = 0; j < d.size(); j++) {
            ArrayNode input = inputs.addArray();
            for (int k = 0; k < d.dimension(); k++) {
                input.add(d.input(j, k));
            }
        }
        ArrayNode targets = node.putArray("targets");
        for (int j = 0; j < d.size(); j++) {
            if (d.targetWidth() == 1) {
                targets.add(d.target(j));
            } else {
                ArrayNode vector = targets.addArray();
                for (int c = 0; c < d.targetWidth(); c++) {
                    vector.add(d.target(j, c));
                }
            }
        }
        return node;
    }

    private static ObjectNode training(TrainingSpec t) {
        ObjectNode node = NODES.objectNode();
        node.put("steps", t.steps());
        node.put("batchSize", t.batchSize());
        node.put("shuffle", t.shuffle());
        node.put("recordEvery", t.recordEvery());
        node.put("recordKernels", t.recordKernels());
        return node;
    }

    private static ObjectNode simulation(SimulationSpec s) {
        ObjectNode node = NODES.objectNode();
        node.put("particles", s.particles());
        node.put("replicas", s.replicas());
        node.put("seed", s.seed());
        node.put("backend", s.backend().spelling());
        node.put("precision", s.precision().spelling());
        node.put("centerOutput", s.centerOutput());
        node.put("kernels", s.kernels().spelling());
        node.put("memoryLimitMiB", s.memoryLimitMiB());
        node.put("checkpointEvery", s.checkpointEvery());
        node.put("checkpointMinutes", s.checkpointMinutes());
        node.put("pairPrecision", s.pairPrecision().spelling());
        return node;
    }
}
