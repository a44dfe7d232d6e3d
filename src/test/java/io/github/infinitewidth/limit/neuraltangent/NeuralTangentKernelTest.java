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
     * {@code P(|t| > 5) = 2.0e-5}, so across the 15 parameter sets (630 comparisons) a correct
     * engine fails this test with probability below 1.3%; the seed is fixed, so the outcome is
     * reproducible. The Monte Carlo bias from estimated covariances is O(1/N) = 2.4e-4
     * relative, ten times below the standard error. The sets with biases (LIMITS.md 8.2) use
     * {@code sb = 0.8} and {@code mb = 1.7}.
     */
    @ParameterizedTest(name = "{0}, depth {1}, biases {2}")
    @CsvSource({"relu,1,false", "relu,2,false", "relu,3,false", "relu,4,false", "erf,1,false", "erf,2,false",
                "erf,3,false", "erf,4,false", "identity,1,false", "identity,2,false", "identity,3,false",
                "identity,4,false", "relu,3,true", "erf,2,true", "identity,1,true"})
    void monteCarloKernelsMatchClosedForms(String activation, int depth, boolean bias) {
        Activation phi = Activation.parse(activation);
        Experiment plain = NtExperiments.experiment(phi, depth, UpdateFunction.of(UpdateFunction.Kind.SGD), 0.1, 1, 0,
                PARTICLES, REPLICAS, KernelSource.MONTE_CARLO);
        Experiment e = bias ? NtExperiments.withBias(plain, 0.8, 1.7) : plain;
        int m = e.data().size();
        ExactKernels exact = new ExactKernels(e.data().allInputs(), phi, e.network().initStd(), depth, bias);
        double sv2 = NtExperiments.INIT.output() * NtExperiments.INIT.output();
        double[][] nngp = new double[REPLICAS][];
        double[][] ntk = new double[REPLICAS][];
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            for (int r = 0; r < REPLICAS; r++) {
                try (NeuralTangentKets kets = new NeuralTangentKets(e, backend, new RandomKey(17, r), null)) {
                    nngp[r] = kets.nngp(sv2);
                    ntk[r] = kets.ntk(e.optimizer().multipliers());
                }
            }
        }
        assertWithinStandardErrors(exact.nngp(), nngp, m, "nngp");
        assertWithinStandardErrors(exact.ntk(e.optimizer().multipliers()), ntk, m, "ntk");
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
