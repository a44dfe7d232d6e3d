package io.github.infinitewidth.limit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Engine;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.finite.FiniteEngine;
import io.github.infinitewidth.limit.maximalupdate.MaximalUpdateEngine;
import io.github.infinitewidth.limit.neuraltangent.NeuralTangentEngine;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.InitStd;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LIMITS.md section 1.1: a schedule multiplies step t's update by one number, in every engine. A
 * warm-up over 2 steps makes step 0 run at {@code eta / 2}: its outputs after step 0 must equal, bit
 * for bit, those of a run at half the learning rate (the moments of momentum and Adam do not depend
 * on the rate, and halving is exact in floating point), while step 1, back at the full rate, must
 * differ from that run's second step.
 */
class ScheduleExactnessTest {
    private static final Data DATA = new Data(
            new Dataset(new double[][] {{1.0, 0.4}, {-0.6, 0.9}, {0.3, -1.2}}, new double[] {0.8, -0.6, 0.5}),
            new Dataset(new double[][] {{0.6, 0.6}}, new double[] {0.4}));

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"finite,sgd", "finite,adam", "nt-limit,sgd", "nt-limit,momentum", "nt-limit,adam",
                "mu-limit,sgd", "mu-limit,adam", "mu-limit,sign"})
    void aWarmupStepIsAStepAtTheScaledRate(String engine, String optimizer) {
        UpdateFunction q = UpdateFunction.of(UpdateFunction.Kind.parse(optimizer));
        Schedule warmup = new Schedule(Schedule.Type.CONSTANT, 2, Schedule.REST_OF_RUN, 1.0, 0, 1.0);
        Trajectory scheduled = run(engine, new OptimizerSpec(q, 0.2, LayerMultipliers.DEFAULT, warmup));
        Trajectory halved = run(engine, new OptimizerSpec(q, 0.1, LayerMultipliers.DEFAULT));
        assertArrayEquals(halved.outputs()[0][1], scheduled.outputs()[0][1], "after step 0");
        assertNotEquals(halved.outputs()[0][2][0], scheduled.outputs()[0][2][0], "after step 1");
    }

    private static Trajectory run(String engine, OptimizerSpec optimizer) {
        boolean finite = engine.equals("finite");
        Experiment e = new Experiment(new NetworkSpec(2, Activation.TANH, finite ? 64 : 0, new InitStd(1.0, 1.3, 1.0)),
                finite ? Parametrization.MUP : null, optimizer, Loss.MSE, DATA, new TrainingSpec(2, 0, false, 1),
                new SimulationSpec(256, 1, 7, BackendChoice.CPU, Precision.FLOAT64, true));
        Engine chosen = switch (engine) {
            case "finite" -> new FiniteEngine();
            case "nt-limit" -> new NeuralTangentEngine();
            default -> new MaximalUpdateEngine();
        };
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            Trajectory t = chosen.run(e, backend, StepListener.NONE);
            assertEquals(Trajectory.Status.COMPLETED, t.status());
            return t;
        }
    }
}
