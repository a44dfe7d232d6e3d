package io.github.infinitewidth.engine;

import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.Objective;
import io.github.infinitewidth.train.TrainingSpec;
import io.github.infinitewidth.util.Check;

/**
 * Everything an engine needs to simulate one training setup: the resolved job minus its
 * engine name and file-system concerns. {@code parametrization} is used by the finite engine
 * only (the limit engines imply theirs) and may be null otherwise.
 */
public record Experiment(NetworkSpec network, Parametrization parametrization, OptimizerSpec optimizer,
                         Loss loss, Data data, TrainingSpec training, SimulationSpec simulation) {
    public Experiment {
        Check.present("network", network);
        Check.present("optimizer", optimizer);
        Check.present("loss", loss);
        Check.present("data", data);
        Check.present("training", training);
        Check.present("simulation", simulation);
        optimizer.schedule().checkFits(training.steps());
        loss.checkTargets("data.train", data.train(), network.outputs());
        loss.checkTargets("data.test", data.test(), network.outputs());
    }

    /** The loss with the network's outputs and every input's targets. */
    public Objective objective() {
        return new Objective(loss, network.outputs(), data.allTargets());
    }

    /** k, the outputs per input. */
    public int outputs() {
        return network.outputs();
    }
}
