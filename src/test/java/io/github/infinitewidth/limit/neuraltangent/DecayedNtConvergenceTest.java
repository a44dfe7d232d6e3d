package io.github.infinitewidth.limit.neuraltangent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.network.Parametrization;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.TrainingSpec;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LIMITS.md 1.2 ("NT limit") and 7 (check 4): with decoupled weight decay, finite NTP networks of
 * widths 256 / 1024 / 4096 approach the decayed NT limit. Tanh, 2 hidden layers, the 4 train and
 * 2 test inputs of {@link NtExperiments}, 8 full-batch steps with a cosine schedule (sgd at rate 1.0,
 * momentum at 0.3, weight decay 0.4; sgd once more with biases; adam and smoothsign at rate 0.2, weight
 * decay 2.0; adam once more with 3 outputs and the cross-entropy of 3 classes); 8 seeds per width, 16 limit
 * replicas of 4096 particles (1024 for adam and smoothsign).
 *
 * <p>Under decay the network at its decayed initial weights, {@code f^init_t}, differs from
 * {@code f^init_0} by an O(1) Gaussian, so even centered outputs carry a seed-to-seed spread that
 * does not shrink with the width and would hide the finite-width error. The runs are therefore not
 * centered, and each compares {@code E[f_T - B f_0]} instead of {@code E[f_T]}: for any fixed m x m
 * matrix B both are the same number, since {@code E[f_0] = 0} in the networks (v and -v are equally
 * likely) and in the limit, but with B the regression of {@code f_T} on {@code f_0} most of the spread
 * cancels. B is fitted on 64 limit replicas of another seed, so it is fixed for every estimate here.
 *
 * <p>At width 4096 each of the 6 final outputs must be within 4 combined standard errors of the limit
 * (about 22 degrees of freedom: {@code P(|t| > 4) = 6e-4} per comparison, 48 comparisons), and for
 * sgd and momentum the root-mean-square gap must be smaller at 4096 than at 256 (at these sizes the
 * gaps are near the Monte Carlo floor at every width, docs/accuracy.md, so this is the weaker of the
 * checks). The limit without decay must be more than 8 combined standard errors from the width-4096
 * networks, so that the check can tell the two apart.
 */
@Tag("slow")
class DecayedNtConvergenceTest {
    private static final int SEEDS = 8;
    private static final int REPLICAS = 16;
    private static final int STEPS = 8;

    @ParameterizedTest(name = "{0} weightDecay {2} biases {3}")
    @CsvSource({"sgd,1.0,0.4,false", "momentum,0.3,0.4,false", "sgd,1.0,0.4,true"})
    void finiteNtpNetworksFollowTheDecayedLimit(String optimizer, double lr, double lambda, boolean bias) {
        double[] gaps = compare(UpdateFunction.of(UpdateFunction.Kind.parse(optimizer)), lr, lambda, bias, 4096, 1);
        assertTrue(gaps[2] < gaps[0], "the gap must shrink with the width, got " + java.util.Arrays.toString(gaps));
    }

    /**
     * Adam and smoothsign (eps 0.1, as in NeuralTangentConvergenceTest) with their per-pair state, on 1024
     * particles: that state costs {@code O(N^2)} per step and replica. Their networks' outputs spread more
     * from seed to seed than sgd's, so the gaps sit at the Monte Carlo floor at every width and only the
     * agreement at 4096 and the distance to the undecayed limit are asserted.
     */
    @ParameterizedTest(name = "{0} weightDecay {2}")
    @CsvSource({"adam,0.2,2.0", "smoothsign,0.2,2.0"})
    void finiteNtpNetworksFollowTheDecayedLimitWithNonlinearQ(String optimizer, double lr, double lambda) {
        UpdateFunction.Kind kind = UpdateFunction.Kind.parse(optimizer);
        compare(kind == UpdateFunction.Kind.SMOOTHSIGN ? new UpdateFunction(kind, 0.1, 0.9, 0.999)
                : UpdateFunction.of(kind), lr, lambda, false, 1024, 1);
    }

    /**
     * Adam with 3 outputs and the cross-entropy of 3 classes (LIMITS.md 2.4 with 1.2): every output's own
     * backward kets, the combined ket inside Q. On 1024 particles, as above.
     */
    @ParameterizedTest(name = "{0} weightDecay {2}, 3 classes")
    @CsvSource({"adam,0.2,2.0"})
    void finiteNtpClassifiersFollowTheDecayedLimitWithNonlinearQ(String optimizer, double lr, double lambda) {
        compare(UpdateFunction.of(UpdateFunction.Kind.parse(optimizer)), lr, lambda, false, 1024, 3);
    }

    /** Asserts the agreement at width 4096 and the distance to the undecayed limit; returns the rms gap per width. */
    private static double[] compare(UpdateFunction q, double lr, double lambda, boolean bias, int particles, int k) {
        String optimizer = q.kind().spelling();
        Schedule cosine = new Schedule(Schedule.Type.COSINE, 1, Schedule.REST_OF_RUN, 0.1, 0, 1.0);
        OptimizerSpec decayed = new OptimizerSpec(q, lr, NtExperiments.MULTIPLIERS, cosine, lambda);
        OptimizerSpec plain = new OptimizerSpec(q, lr, NtExperiments.MULTIPLIERS, cosine, 0.0);
        TrainingSpec training = new TrainingSpec(STEPS, 0, false, 1);
        double[][] b = regression(run(new NeuralTangentEngine(), limit(decayed, training, 64, 11, bias, particles, k)));
        Estimate[] reference = adjusted(run(new NeuralTangentEngine(), limit(decayed, training, REPLICAS, 5, bias,
                particles, k)), b);
        Estimate[] undecayed = adjusted(run(new NeuralTangentEngine(), limit(plain, training, REPLICAS, 5, bias,
                particles, k)), b);
        double[] gaps = new double[3];
        double[] errors = new double[3];   // rms combined standard error of the outputs, per width
        double farthest = 0;
        double largest = 0;
        int[] widths = {256, 1024, 4096};
        for (int w = 0; w < 3; w++) {
            Experiment finite = withOutputs(withBias(new Experiment(new NetworkSpec(2, Activation.TANH, widths[w],
                    NtExperiments.INIT), Parametrization.NTP, decayed, Loss.MSE, NtExperiments.DATA, training,
                    new SimulationSpec(1, SEEDS, 23, BackendChoice.CPU, Precision.FLOAT64, false)), bias), k);
            Estimate[] network = adjusted(run(new FiniteEngine(), finite), b);
            double sum = 0;
            for (int i = 0; i < network.length; i++) {
                double gap = network[i].mean() - reference[i].mean();
                sum += gap * gap;
                double se = Math.hypot(network[i].stderr(), reference[i].stderr());
                errors[w] += se * se / network.length;
                if (widths[w] == 4096) {
                    assertEquals(reference[i].mean(), network[i].mean(), 4 * se,
                            "input " + i / k + " output " + i % k + " at width 4096");
                    largest = Math.max(largest, Math.abs(gap) / se);
                    double away = Math.abs(network[i].mean() - undecayed[i].mean())
                            / Math.hypot(network[i].stderr(), undecayed[i].stderr());
                    farthest = Math.max(farthest, away);
                }
            }
            gaps[w] = Math.sqrt(sum / network.length);
            errors[w] = Math.sqrt(errors[w]);
        }
        System.out.printf("nt %s weightDecay %.2f%s%s: rms gap at widths 256 / 1024 / 4096: %.2e / %.2e / %.2e (standard"
                + " errors %.1e / %.1e / %.1e); largest gap at 4096 %.2f combined SE; the limit without decay %.1f"
                + " combined SE from width 4096%n", optimizer, lambda, bias ? " with biases" : "",
                k > 1 ? ", " + k + " classes" : "", gaps[0], gaps[1], gaps[2], errors[0], errors[1],
                errors[2], largest, farthest);
        assertTrue(farthest > 8, "the limit without decay must be far from the networks, got " + farthest + " SE");
        return gaps;
    }

    private static Experiment limit(OptimizerSpec o, TrainingSpec training, int replicas, long seed, boolean bias,
                                    int particles, int k) {
        return withOutputs(withBias(new Experiment(new NetworkSpec(2, Activation.TANH, 0, NtExperiments.INIT), null, o,
                Loss.MSE, NtExperiments.DATA, training,
                new SimulationSpec(particles, replicas, seed, BackendChoice.CPU, Precision.FLOAT64, false)), bias), k);
    }

    /** With k > 1: k outputs and the cross-entropy of {@link NtExperiments#THREE_CLASSES}. */
    private static Experiment withOutputs(Experiment e, int k) {
        return k == 1 ? e : NtExperiments.withOutputs(e, k, Loss.CROSS_ENTROPY, NtExperiments.THREE_CLASSES,
                e.simulation());
    }

    /** With biases of std 0.7 and multiplier 0.8 (LIMITS.md 8), which decay by their own factor C^b. */
    private static Experiment withBias(Experiment e, boolean bias) {
        return bias ? NtExperiments.withBias(e, 0.7, 0.8) : e;
    }

    private static Trajectory run(Engine engine, Experiment e) {
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            Trajectory t = engine.run(e, backend, StepListener.NONE);
            assertEquals(Trajectory.Status.COMPLETED, t.status());
            return t;
        }
    }

    /** B with {@code f_T = a + B f_0} in the least-squares sense over the replicas (m x m). */
    private static double[][] regression(Trajectory t) {
        int replicas = t.replicas();
        int m = t.outputs()[0][0].length;
        int last = t.steps().length - 1;
        RealMatrix design = new Array2DRowRealMatrix(replicas, m + 1);
        RealMatrix response = new Array2DRowRealMatrix(replicas, m);
        for (int r = 0; r < replicas; r++) {
            design.setEntry(r, 0, 1.0);
            for (int j = 0; j < m; j++) {
                design.setEntry(r, j + 1, t.outputs()[r][0][j]);
                response.setEntry(r, j, t.outputs()[r][last][j]);
            }
        }
        RealMatrix coefficients = new QRDecomposition(design).getSolver().solve(response);   // (m + 1) x m
        double[][] b = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                b[i][j] = coefficients.getEntry(j + 1, i);
            }
        }
        return b;
    }

    /** {@code f_T - B f_0} per replica, as an estimate of {@code E[f_T]} over the replicas. */
    private static Estimate[] adjusted(Trajectory t, double[][] b) {
        int last = t.steps().length - 1;
        double[][] perReplica = new double[t.replicas()][];
        for (int r = 0; r < t.replicas(); r++) {
            double[] f0 = t.outputs()[r][0];
            double[] f = t.outputs()[r][last].clone();
            for (int i = 0; i < f.length; i++) {
                for (int j = 0; j < f0.length; j++) {
                    f[i] -= b[i][j] * f0[j];
                }
            }
            perReplica[r] = f;
        }
        return Estimate.ofReplicas(perReplica);
    }
}
