package io.github.infinitewidth.limit.neuraltangent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.KernelSource;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LIMITS.md section 7, check 1: the Monte Carlo NNGP and NTK equal the closed forms
 * (arc-cosine kernels for relu, arcsine for erf, linear for identity).
 */
class NeuralTangentKernelTest {
    private static final int REPLICAS = 32;
    private static final int PARTICLES = 4096;

    /**
     * Every entry of both kernels (6 inputs, 21 distinct entries each) must lie within 5
     * standard errors of the closed form, the standard error being over 32 independent
     * replicas. Under the null each entry's statistic is Student-t with 31 degrees of freedom,
     * {@code P(|t| > 5) = 2.0e-5}, so across the 12 parameter sets (504 comparisons) a correct
     * engine fails this test with probability below 1.1%; the seed is fixed, so the outcome is
     * reproducible. The Monte Carlo bias from estimated covariances is O(1/N) = 2.4e-4
     * relative, ten times below the standard error.
     */
    @ParameterizedTest(name = "{0}, depth {1}")
    @CsvSource({"relu,1", "relu,2", "relu,3", "relu,4", "erf,1", "erf,2", "erf,3", "erf,4",
                "identity,1", "identity,2", "identity,3", "identity,4"})
    void monteCarloKernelsMatchClosedForms(String activation, int depth) {
        Activation phi = Activation.parse(activation);
        Experiment e = NtExperiments.experiment(phi, depth, UpdateFunction.of(UpdateFunction.Kind.SGD), 0.1, 1, 0,
                PARTICLES, REPLICAS, KernelSource.MONTE_CARLO);
        int m = e.data().size();
        ExactKernels exact = new ExactKernels(e.data().allInputs(), phi, NtExperiments.INIT, depth);
        double sv2 = NtExperiments.INIT.output() * NtExperiments.INIT.output();
        double[][] nngp = new double[REPLICAS][];
        double[][] ntk = new double[REPLICAS][];
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            for (int r = 0; r < REPLICAS; r++) {
                try (NeuralTangentKets kets = new NeuralTangentKets(e, backend, new RandomKey(17, r), null)) {
                    nngp[r] = kets.nngp(sv2);
                    ntk[r] = kets.ntk(NtExperiments.MULTIPLIERS);
                }
            }
        }
        assertWithinStandardErrors(exact.nngp(), nngp, m, "nngp");
        assertWithinStandardErrors(exact.ntk(NtExperiments.MULTIPLIERS), ntk, m, "ntk");
    }

    private static void assertWithinStandardErrors(double[] expected, double[][] perReplica, int m, String name) {
        Estimate[] estimates = Estimate.ofReplicas(perReplica);
        for (int i = 0; i < m; i++) {
            for (int j = i; j < m; j++) {
                Estimate est = estimates[i * m + j];
                assertTrue(est.stderr() > 0, name + " has no spread");
                assertEquals(expected[i * m + j], est.mean(), 5 * est.stderr(),
                        name + "[" + i + "," + j + "] = " + est.mean() + " +- " + est.stderr());
            }
        }
    }
}
