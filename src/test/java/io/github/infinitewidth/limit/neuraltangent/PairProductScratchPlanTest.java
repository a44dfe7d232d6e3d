package io.github.infinitewidth.limit.neuraltangent;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.KernelSource;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.util.InvalidSpecException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * The NT engine's memory check counts the device memory the backend's pair products hold beyond
 * their operands (on CUDA, pair_outer's float64 running sums): a backend that reports a large
 * scratch need is refused naming it, and the CPU's zero adds nothing; the plan a run prints on a
 * backend lists that scratch.
 */
class PairProductScratchPlanTest {
    private static final Experiment E = NtExperiments.experiment(Activation.RELU, 2,
            UpdateFunction.of(UpdateFunction.Kind.SIGN), 0.1, 1, 0, 64, 1, KernelSource.MONTE_CARLO);

    @Test
    void aPairProductScratchThatDoesNotFitIsRefusedNamingIt() {
        try (Backend cpu = Backends.cpu(Precision.FLOAT64, 1)) {
            Backend needy = withScratch(cpu, Long.MAX_VALUE / 2.0);
            InvalidSpecException error = assertThrows(InvalidSpecException.class,
                    () -> new NeuralTangentEngine().validate(E, needy));
            assertEquals("simulation.particles", error.field());
            assertTrue(error.getMessage().contains("pair-product sums"), error.getMessage());
            assertDoesNotThrow(() -> new NeuralTangentEngine().validate(E, cpu));
        }
    }

    /** The plan a run prints on a backend is the one it is checked against: with the scratch where there is one. */
    @Test
    void thePlanOnABackendListsItsPairProductScratch() {
        try (Backend cpu = Backends.cpu(Precision.FLOAT64, 1)) {
            NeuralTangentEngine engine = new NeuralTangentEngine();
            String needy = engine.memoryPlan(E, withScratch(cpu, 3 << 20)).describe();
            assertTrue(needy.contains("pair-product sums 3.0 MiB"), needy);
            assertEquals(engine.memoryPlan(E, Precision.FLOAT64).describe(), engine.memoryPlan(E, cpu).describe());
        }
    }

    /** cpu, except that its pair products report {@code bytes} of scratch. */
    private static Backend withScratch(Backend cpu, double bytes) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("pairProductScratchBytes")) {
                        return bytes;
                    }
                    try {
                        return method.invoke(cpu, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
