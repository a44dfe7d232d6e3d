package io.github.infinitewidth.limit.neuraltangent;

import io.github.infinitewidth.engine.MemoryCheckpoints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Checkpoints;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.KernelSource;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.train.BatchSchedule;
import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.Objective;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The NT limit with k outputs (LIMITS.md 2.4) against the algebra it must follow exactly. */
class SeveralOutputsNtTest {
    private static final int STEPS = 10;
    private static final double LR = 0.4;

    private static Trajectory run(Experiment e) {
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            return new NeuralTangentEngine().run(e, backend, StepListener.NONE);
        }
    }

    private static SimulationSpec simulation(int particles, int replicas, boolean centered, KernelSource kernels) {
        return new SimulationSpec(particles, replicas, 5, BackendChoice.CPU, Precision.FLOAT64, centered, kernels);
    }

    /**
     * sgd and momentum: every component follows {@code f_{t+1}(i, c) = f_t(i, c) - eta sum_j Theta_ij B_t(j, c)}
     * with {@code B_t = beta1 B_{t-1} + chi_t} (beta1 = 0 for sgd) and the one NTK that the run records, from the
     * run's own {@code f_0}: closed-form kernels with mse on two targets, and Monte Carlo kernels with the
     * cross-entropy of three classes, where the components are coupled through chi.
     */
    @ParameterizedTest(name = "{0} {1} k = {2}")
    @CsvSource({"sgd,CLOSED_FORM,2,mse", "sgd,MONTE_CARLO,3,cross-entropy", "momentum,MONTE_CARLO,2,mse",
            "momentum,CLOSED_FORM,3,cross-entropy"})
    void everyComponentIsKernelGradientDescentWithTheOneNtk(String optimizer, KernelSource kernels, int k, String loss) {
        UpdateFunction q = UpdateFunction.of(UpdateFunction.Kind.parse(optimizer));
        Experiment base = NtExperiments.experiment(Activation.RELU, 2, q, LR, STEPS, 2, 64, 2, kernels);
        Loss l = Loss.parse(loss);
        Data data = l == Loss.MSE ? NtExperiments.TWO_TARGETS : NtExperiments.THREE_CLASSES;
        Experiment e = NtExperiments.withOutputs(base, k, l, data, simulation(64, 2, false, kernels));
        e = new Experiment(e.network(), e.parametrization(), e.optimizer(), e.loss(), e.data(),
                new TrainingSpec(STEPS, 2, false, 1, true), e.simulation());
        Trajectory t = run(e);
        int m = e.data().size();
        double beta1 = q.kind() == UpdateFunction.Kind.MOMENTUM ? q.beta1() : 0.0;
        Objective objective = e.objective();
        BatchSchedule schedule = new BatchSchedule(e.training(), e.data().train().size(), e.simulation().seed());
        for (int r = 0; r < 2; r++) {
            double[] theta = t.kernels().get("ntk")[r];
            double[] f = t.outputs()[r][0].clone();
            assertEquals(m * k, f.length);
            double[] history = new double[m * k];
            for (int s = 0; s <= STEPS; s++) {
                for (int i = 0; i < m * k; i++) {
                    assertEquals(f[i], t.outputs()[r][s][i], 1e-12, "replica " + r + " step " + s + " entry " + i);
                }
                double[] chi = objective.errorSignal(f, schedule.batch(s));
                for (int i = 0; i < m * k; i++) {
                    history[i] = beta1 * history[i] + chi[i];
                }
                double[] next = f.clone();
                for (int i = 0; i < m; i++) {
                    for (int c = 0; c < k; c++) {
                        for (int j = 0; j < m; j++) {
                            next[i * k + c] -= LR * theta[i * m + j] * history[j * k + c];
                        }
                    }
                }
                f = next;
            }
        }
    }

    /**
     * Output 0 of a k-output run starts where the one-output run starts, bit for bit (same streams), for a
     * kernel step and a particle step, with Monte Carlo and closed-form kernels; with mse and sgd, where the
     * outputs do not interact, it also trains exactly as the one-output run on the first target.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"sgd,MONTE_CARLO", "sign,MONTE_CARLO", "adam,MONTE_CARLO", "sgd,CLOSED_FORM", "smoothsign,CLOSED_FORM"})
    void outputZeroIsTheOneOutputRun(String optimizer, KernelSource kernels) {
        UpdateFunction q = UpdateFunction.of(UpdateFunction.Kind.parse(optimizer));
        Experiment one = NtExperiments.experiment(Activation.ERF, 2, q, 0.1, 4, 2, 48, 2, kernels);
        one = new Experiment(one.network(), null, one.optimizer(), one.loss(), NtExperiments.DATA, one.training(),
                simulation(48, 2, false, kernels));
        Experiment two = NtExperiments.withOutputs(one, 2, Loss.MSE, NtExperiments.TWO_TARGETS, one.simulation());
        Trajectory a = run(one);
        Trajectory b = run(two);
        int m = one.data().size();
        int lastStep = q.kind() == UpdateFunction.Kind.SGD ? a.steps().length - 1 : 0;
        for (int r = 0; r < 2; r++) {
            for (int s = 0; s <= lastStep; s++) {
                for (int i = 0; i < m; i++) {
                    assertEquals(a.outputs()[r][s][i], b.outputs()[r][s][2 * i], 0.0, "replica " + r + " step " + s
                            + " input " + i);
                }
            }
        }
    }

    /**
     * {@code f_0}'s components are independent draws from the NNGP: over 400 replicas with the closed-form
     * NNGP, the sample covariance {@code E[f_0(i, c) f_0(j, c')]} is within 5 standard errors of
     * {@code NNGP_ij} for c = c' and of 0 otherwise (the standard error of a product of two Gaussians,
     * {@code sqrt((K_ii K_jj + K_ij^2) / R)}; 78 comparisons at about 6e-7 each).
     */
    @Test
    void initialComponentsAreIndependentDrawsFromTheNngp() {
        int replicas = 400;
        int k = 3;
        Experiment base = NtExperiments.experiment(Activation.ERF, 2, UpdateFunction.of(UpdateFunction.Kind.SGD), LR, 1,
                0, 16, replicas, KernelSource.CLOSED_FORM);
        Experiment e = NtExperiments.withOutputs(base, k, Loss.CROSS_ENTROPY, NtExperiments.THREE_CLASSES,
                simulation(16, replicas, false, KernelSource.CLOSED_FORM));
        int m = e.data().size();
        double[] nngp = new ExactKernels(e.data().allInputs(), Activation.ERF, NtExperiments.INIT, 2, false).nngp();
        Trajectory t = run(e);
        for (int p = 0; p < m * k; p++) {
            for (int q = p; q < m * k; q++) {
                int i = p / k;
                int j = q / k;
                double sum = 0;
                for (int r = 0; r < replicas; r++) {
                    sum += t.outputs()[r][0][p] * t.outputs()[r][0][q];
                }
                double expected = p % k == q % k ? nngp[i * m + j] : 0.0;
                double se = Math.sqrt((nngp[i * m + i] * nngp[j * m + j] + expected * expected) / replicas);
                assertEquals(expected, sum / replicas, 5 * se, "E[f_0(" + i + ", " + p % k + ") f_0(" + j + ", "
                        + q % k + ")]");
            }
        }
    }

    /**
     * The particle step with k = 2 outputs and biases equals LIMITS.md 2.4 written out per particle and per
     * pair, with every entry's Adam state kept explicitly: output weights per (particle, output), input
     * weights and biases per particle with the combined backward ket {@code D^l = sum_c chi_c dh^l_c} inside
     * Q, and every pair (a, b) of a hidden layer with its own state; output c's term has {@code dh^l_c}
     * outside Q. Sign is checked the same way (no state).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"adam", "sign"})
    void particleStepIsTheSeveralOutputFormulaPerParticle(String optimizer) {
        int n = 30;
        int k = 2;
        UpdateFunction q = optimizer.equals("adam") ? new UpdateFunction(UpdateFunction.Kind.ADAM, 0.05, 0.8, 0.95)
                : UpdateFunction.of(UpdateFunction.Kind.SIGN);
        Experiment base = NtExperiments.withBias(NtExperiments.experiment(Activation.TANH, 2, q, LR, 1, 0, n, 1,
                KernelSource.MONTE_CARLO), 0.4, 0.6);
        Experiment e = NtExperiments.withOutputs(base, k, Loss.MSE, NtExperiments.TWO_TARGETS, base.simulation());
        int m = e.data().size();
        int d = e.data().dimension();
        int s = q.stateSize();
        LayerMultipliers mult = e.optimizer().multipliers();
        double[][] xi = e.data().allInputs();
        double[] stateV = new double[s * n * k];
        double[] stateU = new double[s * n * d];
        double[][] stateB = new double[3][s * n];
        double[] statePairs = new double[s * n * n];
        try (Backend backend = Backends.cpu(Precision.FLOAT64, 2);
             NeuralTangentKets kets = new NeuralTangentKets(e, backend, new RandomKey(4, 0), null);
             ParticleStep step = new ParticleStep(kets, q, mult, backend)) {
            double[][] x1 = columns(backend.download(kets.x[1]), n, m);
            double[][] x2 = columns(backend.download(kets.x[2]), n, m);
            double[][][][] dh = new double[k][3][][];   // [c][l][input][particle]
            for (int c = 0; c < k; c++) {
                for (int l = 1; l <= 2; l++) {
                    dh[c][l] = columns(backend.download(kets.backward[c][l]), n, m);
                }
            }
            for (int t = 0; t < 4; t++) {
                double[] chi = new double[m * k];
                for (int j = 0; j < 4; j++) {
                    for (int c = 0; c < k; c++) {
                        chi[j * k + c] = Math.sin(1.7 * t + j + 0.9 * c) * (j == t ? 1 : 0.3);
                    }
                }
                double[] got = step.kernel(chi, t);
                double[] expected = new double[m * k];
                for (int a = 0; a < n; a++) {
                    // D^l[a, j] = sum_c chi_{j,c} dh^l_c[a, j]
                    double[][] combined = new double[3][m];
                    for (int l = 1; l <= 2; l++) {
                        for (int j = 0; j < m; j++) {
                            for (int c = 0; c < k; c++) {
                                combined[l][j] += chi[j * k + c] * dh[c][l][j][a];
                            }
                        }
                    }
                    for (int c = 0; c < k; c++) {
                        double gv = 0;
                        for (int j = 0; j < m; j++) {
                            gv += chi[j * k + c] * x2[j][a];
                        }
                        double qv = apply(q, gv, stateV, a * k + c, t);
                        for (int i = 0; i < m; i++) {
                            expected[i * k + c] += mult.output() * x2[i][a] * qv / n;
                        }
                    }
                    double[] qu = new double[d];
                    for (int kk = 0; kk < d; kk++) {
                        double gu = 0;
                        for (int j = 0; j < m; j++) {
                            gu += combined[1][j] * xi[j][kk];
                        }
                        qu[kk] = apply(q, gu, stateU, a * d + kk, t);
                    }
                    double[] qb = new double[3];
                    for (int l = 1; l <= 2; l++) {
                        double gb = 0;
                        for (int j = 0; j < m; j++) {
                            gb += combined[l][j];
                        }
                        qb[l] = apply(q, gb, stateB[l], a, t);
                    }
                    for (int i = 0; i < m; i++) {
                        double quXi = 0;
                        for (int kk = 0; kk < d; kk++) {
                            quXi += qu[kk] * xi[i][kk];
                        }
                        for (int c = 0; c < k; c++) {
                            expected[i * k + c] += (mult.input() * dh[c][1][i][a] * quXi
                                    + mult.bias() * (dh[c][1][i][a] * qb[1] + dh[c][2][i][a] * qb[2])) / n;
                        }
                    }
                    for (int b = 0; b < n; b++) {
                        if (b == a) {
                            continue;
                        }
                        double g = 0;
                        for (int j = 0; j < m; j++) {
                            g += combined[2][j] * x1[j][b];
                        }
                        double qp = apply(q, g, statePairs, a * n + b, t);
                        for (int i = 0; i < m; i++) {
                            for (int c = 0; c < k; c++) {
                                expected[i * k + c] += mult.hidden() * dh[c][2][i][a] * qp * x1[i][b]
                                        / ((double) n * (n - 1));
                            }
                        }
                    }
                }
                for (int i = 0; i < m * k; i++) {
                    assertEquals(expected[i], got[i], 1e-10 * Math.max(1, Math.abs(expected[i])), "step " + t
                            + " input " + i / k + " output " + i % k);
                }
            }
        }
    }

    /** Q of one entry with its own state at {@code state[s * entry ..]}. */
    private static double apply(UpdateFunction q, double g, double[] state, int entry, int t) {
        return q.apply(g, state, q.stateSize() * entry, t);
    }

    /**
     * The outputs of different c have independent backward kets, each with the one-output covariance: the
     * particle estimates of {@code E[dh^l_c dh^l_c']} at 20000 particles are near {@code E[dh^l dh^l]} of the
     * closed form for c = c' and near 0 otherwise (tolerance 0.05 of the diagonal scale, about 7 standard
     * errors of a mean of 20000 products).
     */
    @Test
    void backwardKetsOfDifferentOutputsAreUncorrelated() {
        int n = 20000;
        Experiment base = NtExperiments.experiment(Activation.ERF, 3, UpdateFunction.of(UpdateFunction.Kind.SIGN), LR, 1,
                0, n, 1, KernelSource.MONTE_CARLO);
        Experiment e = NtExperiments.withOutputs(base, 2, Loss.MSE, NtExperiments.TWO_TARGETS, base.simulation());
        int m = e.data().size();
        ExactKernels exact = new ExactKernels(e.data().allInputs(), Activation.ERF, NtExperiments.INIT, 3, false);
        try (Backend backend = Backends.cpu(Precision.FLOAT64, 2);
             NeuralTangentKets kets = new NeuralTangentKets(e, backend, new RandomKey(11, 0), null)) {
            for (int l = 1; l <= 3; l++) {
                double[] closed = exact.backward(l);
                double scale = 0;
                for (int i = 0; i < m; i++) {
                    scale = Math.max(scale, closed[i * m + i]);
                }
                for (int c = 0; c < 2; c++) {
                    for (int c2 = 0; c2 < 2; c2++) {
                        double[] g = backend.gram(kets.backward[c][l], kets.backward[c2][l]);
                        for (int i = 0; i < m * m; i++) {
                            double want = c == c2 ? closed[i] : 0.0;
                            assertEquals(want, g[i], 0.05 * scale, "layer " + l + " outputs " + c + ", " + c2
                                    + " entry " + i);
                        }
                    }
                }
            }
        }
    }

    /**
     * A run of 3 outputs killed after an update and resumed from its last checkpoint (replica 1 after 4 of
     * 7 updates) gives the outputs and kernels of the uninterrupted run bit for bit: the kernel step's
     * history and the particle step's N x k output-weight state and (input, output) pair moments survive.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"momentum", "adam"})
    void aResumedThreeOutputRunEqualsAnUninterruptedOne(String optimizer) {
        UpdateFunction q = UpdateFunction.of(UpdateFunction.Kind.parse(optimizer));
        Experiment base = NtExperiments.experiment(Activation.TANH, 2, q, 0.1, 7, 2, 40, 2, KernelSource.MONTE_CARLO);
        Experiment e0 = NtExperiments.withOutputs(base, 3, Loss.CROSS_ENTROPY, NtExperiments.THREE_CLASSES,
                new SimulationSpec(40, 2, 5, BackendChoice.CPU, Precision.FLOAT64, false, KernelSource.MONTE_CARLO, 0, 2));
        Experiment e = new Experiment(e0.network(), null, e0.optimizer(), e0.loss(), e0.data(),
                new TrainingSpec(7, 2, false, 1, true), e0.simulation());
        NeuralTangentEngine engine = new NeuralTangentEngine();
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            Trajectory whole = engine.run(e, backend, StepListener.NONE, Checkpoints.NONE);
            MemoryCheckpoints killed = new MemoryCheckpoints(backend, null);
            StepListener dies = (replica, step, steps) -> {
                if (replica == 1 && step == 4) {
                    throw new IllegalStateException("killed");
                }
            };
            assertThrows(IllegalStateException.class, () -> engine.run(e, backend, dies, killed));
            assertArrayEquals(new int[] {1, 4}, killed.last().ints("position"));
            Trajectory resumed = engine.run(e, backend, StepListener.NONE, new MemoryCheckpoints(backend, killed.last()));
            for (int r = 0; r < 2; r++) {
                for (int s = 0; s < whole.steps().length; s++) {
                    assertArrayEquals(whole.outputs()[r][s], resumed.outputs()[r][s], 0.0, "replica " + r + " step " + s);
                }
                assertArrayEquals(whole.kernels().get("ntk")[r], resumed.kernels().get("ntk")[r], 0.0);
            }
            assertEquals(3 * e.data().size(), resumed.outputs()[1][7].length);
        }
    }

    /**
     * The memory plan counts the backward kets and output weights of every output for a particle step (two
     * more outputs: {@code 2 (L m + 1)} more values per particle in the ensemble), and output 0's only for a
     * kernel step, whose ensemble does not grow with k.
     */
    @Test
    void theMemoryPlanCountsTheBackwardKetsOfEveryOutput() {
        int n = 64;
        for (String optimizer : new String[] {"sign", "adam", "sgd"}) {
            UpdateFunction q = UpdateFunction.of(UpdateFunction.Kind.parse(optimizer));
            Experiment one = NtExperiments.experiment(Activation.TANH, 2, q, 0.1, 1, 0, n, 1, KernelSource.MONTE_CARLO);
            Experiment three = NtExperiments.withOutputs(one, 3, Loss.CROSS_ENTROPY, NtExperiments.THREE_CLASSES,
                    one.simulation());
            long a = new NeuralTangentEngine().memoryPlan(one, Precision.FLOAT64).parts().get("ensemble");
            long b = new NeuralTangentEngine().memoryPlan(three, Precision.FLOAT64).parts().get("ensemble");
            int m = one.data().size();
            long more = optimizer.equals("sgd") ? 0 : 2L * n * (2 * m + 1) * Double.BYTES;
            assertEquals(more, b - a, optimizer);
        }
    }

    /** A kernel step restores only a history of its own shape: one of another k is refused. */
    @Test
    void aKernelStepRefusesTheHistoryOfAnotherOutputCount() {
        double[] theta = {1, 0, 0, 1};
        UpdateFunction momentum = UpdateFunction.of(UpdateFunction.Kind.MOMENTUM);
        MemoryCheckpoints.Saved saved = new MemoryCheckpoints.Saved(null);
        try (LinearKernelStep two = new LinearKernelStep(theta, 2, 2, momentum);
             LinearKernelStep three = new LinearKernelStep(theta, 2, 3, momentum)) {
            two.kernel(new double[] {1, 2, 3, 4}, 0);
            two.saveTo(saved.writer());
            assertThrows(io.github.infinitewidth.state.SavedStateException.class, () -> three.restoreFrom(saved));
            double[] k = three.kernel(new double[] {1, 2, 3, 4, 5, 6}, 0);
            assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, k, 0.0);
        }
    }

    /** A column-major N x m array as {@code [column][particle]}. */
    private static double[][] columns(double[] columnMajor, int n, int m) {
        double[][] c = new double[m][n];
        for (int j = 0; j < m; j++) {
            System.arraycopy(columnMajor, j * n, c[j], 0, n);
        }
        return c;
    }
}
