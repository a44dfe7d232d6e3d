package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.Float32ArithmeticCheck;
import io.github.infinitewidth.engine.KernelSource;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.UpdateFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The NT-limit counterpart of {@code Float32ArithmeticMuTest}: the particle step of the NT limit
 * (Adam's pair term and smoothsign's nonlinear outer product, the CUDA backend's float32 kernels)
 * in float32, relu, 2 hidden layers, the inputs of {@link NtExperiments}, 8 full-batch steps, 8
 * replicas of 4096 particles, run as it is and on {@code PerturbedKernels} ({@link
 * Float32ArithmeticCheck}) with errors of 1e-6 and 1e-5 of each entry's rounding scale. No final
 * output of any replica may move by a hundredth (1e-6) or a twentieth (1e-5) of the limit's Monte
 * Carlo standard error. Deterministic given the seeds; the moves it prints are in
 * docs/accuracy.md.
 */
@Tag("slow")
class Float32ArithmeticNtTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"adam,0.05", "smoothsign,0.05"})
    void kernelErrorsOfFloat32SizeStayFarBelowTheMonteCarloError(String optimizer, double lr) {
        UpdateFunction q = UpdateFunction.of(UpdateFunction.Kind.parse(optimizer));
        Experiment e = NtExperiments.experiment(Activation.RELU, 2, q, lr, 8, 0, 4096, 8, KernelSource.MONTE_CARLO);
        Float32ArithmeticCheck.assertKernelErrorsStaySmall("nt " + optimizer, new NeuralTangentEngine(), e);
    }
}
