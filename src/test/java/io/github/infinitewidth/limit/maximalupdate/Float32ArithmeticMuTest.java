package io.github.infinitewidth.limit.maximalupdate;

import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.Float32ArithmeticCheck;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What float32 arithmetic in the GEMMs and pair products (the CUDA backend's float32 path,
 * docs/accuracy.md "Float32 arithmetic on CUDA") can do to a whole muP-limit run: two set-ups of
 * {@link TrainingSetupMuConvergenceTest} in float32 (8 replicas of 4096 particles, 6 steps), run
 * once as they are and once on {@code PerturbedKernels} ({@link Float32ArithmeticCheck}) with
 * errors of 1e-6 and 1e-5 of each entry's rounding scale (the kernels' measured float32 errors are
 * at most 6.5e-7 of the largest output), on the same particles. No final output of any replica may
 * move by a hundredth (errors of 1e-6) or a twentieth (1e-5) of the limit's Monte Carlo standard
 * error, the noise floor of every convergence test; the move that float32 storage alone makes
 * (against float64) is printed beside them. Deterministic given the seeds (no false failures from
 * chance); the moves it prints are in docs/accuracy.md.
 */
@Tag("slow")
class Float32ArithmeticMuTest {
    @ParameterizedTest(name = "{0} {1} {3}")
    @CsvSource({"tanh,adam,0.05,cosine", "relu,smoothsign,0.05,constant"})
    void kernelErrorsOfFloat32SizeStayFarBelowTheMonteCarloError(String activation, String optimizer, double lr,
                                                                  String type) {
        Schedule schedule = type.equals("cosine")
                ? new Schedule(Schedule.Type.COSINE, 2, Schedule.REST_OF_RUN, 0.1, 0, 1.0) : Schedule.CONSTANT;
        OptimizerSpec o = new OptimizerSpec(UpdateFunction.of(UpdateFunction.Kind.parse(optimizer)), lr,
                LayerMultipliers.DEFAULT, schedule);
        Experiment e = MuExperiments.deep(Activation.parse(activation), o, new TrainingSpec(6, 2, true, 1), 0, 4096,
                8, 1);
        Float32ArithmeticCheck.assertKernelErrorsStaySmall("mu " + activation + " " + optimizer + " " + type,
                new MaximalUpdateEngine(), e);
    }
}
