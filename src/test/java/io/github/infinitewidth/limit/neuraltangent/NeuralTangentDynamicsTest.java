package io.github.infinitewidth.limit.neuraltangent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.KernelSource;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.ket.Estimate;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.train.BatchSchedule;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** The NT-limit dynamics {@code f_{t+1} = f_t - eta K_t} against independent computations (LIMITS.md 3 and 7). */
class NeuralTangentDynamicsTest {
    private static final int STEPS = 12;
    private static final double LR = 0.4;

    private static Trajectory run(Experiment e) {
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            return new NeuralTangentEngine().run(e, backend, StepListener.NONE);
        }
    }

    /** The relu NTK of a 2-hidden-layer network, written out from LIMITS.md section 3 (arc-cosine kernels). */
    private static double[] reluNtk(double[][] xi) {
        int m = xi.length;
        double su2 = NtExperiments.INIT.input() * NtExperiments.INIT.input();
        double sw2 = NtExperiments.INIT.hidden() * NtExperiments.INIT.hidden();
        double sv2 = NtExperiments.INIT.output() * NtExperiments.INIT.output();
        LayerMultipliers mult = NtExperiments.MULTIPLIERS;
        double[] dots = new double[m * m];
        double[] k1 = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                for (int c = 0; c < 3; c++) {
                    dots[i * m + j] += xi[i][c] * xi[j][c];
                }
                k1[i * m + j] = su2 / 3 * dots[i * m + j];
            }
        }
        double[] x1 = arcCosine(k1, m, 1);
        double[] k2 = new double[m * m];
        for (int k = 0; k < m * m; k++) {
            k2[k] = sw2 * x1[k];
        }
        double[] x2 = arcCosine(k2, m, 1);
        double[] d2 = arcCosine(k2, m, 0);
        double[] d1 = arcCosine(k1, m, 0);
        double[] theta = new double[m * m];
        for (int k = 0; k < m * m; k++) {
            double dh2 = sv2 * d2[k];
            double dh1 = sw2 * dh2 * d1[k];
            theta[k] = mult.output() * x2[k] + mult.hidden() * dh2 * x1[k] + mult.input() * dh1 * dots[k];
        }
        return theta;
    }

    /** Arc-cosine kernel of degree 0 (E[step step]) or 1 (E[relu relu]) of a covariance matrix. */
    private static double[] arcCosine(double[] cov, int m, int degree) {
        double[] out = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double norm = Math.sqrt(cov[i * m + i] * cov[j * m + j]);
                double t = Math.acos(Math.max(-1, Math.min(1, cov[i * m + j] / norm)));
                out[i * m + j] = degree == 0 ? (Math.PI - t) / (2 * Math.PI)
                        : norm * (Math.sin(t) + (Math.PI - t) * Math.cos(t)) / (2 * Math.PI);
            }
        }
        return out;
    }

    /** Kernel gradient descent {@code f_{t+1} = f_t - eta Theta chi_t} from 0, all recorded steps. */
    private static double[][] kernelGradientDescent(Experiment e, double[] theta) {
        int m = e.data().size();
        double[] f = new double[m];
        double[][] out = new double[STEPS + 1][];
        BatchSchedule schedule = new BatchSchedule(e.training(), e.data().train().size(), e.simulation().seed());
        for (int t = 0; t <= STEPS; t++) {
            out[t] = f.clone();
            double[] chi = e.loss().errorSignal(f, e.data().allTargets(), schedule.batch(t));
            double[] next = f.clone();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    next[i] -= LR * theta[i * m + j] * chi[j];
                }
            }
            f = next;
        }
        return out;
    }

    /** Check 2: with closed-form kernels, the sgd trajectory is kernel gradient descent, to rounding. */
    @Test
    void sgdWithClosedFormKernelsIsKernelGradientDescent() {
        Experiment e = NtExperiments.experiment(Activation.RELU, 2, UpdateFunction.of(UpdateFunction.Kind.SGD), LR,
                STEPS, 2, 64, 2, KernelSource.CLOSED_FORM);
        double[][] expected = kernelGradientDescent(e, reluNtk(e.data().allInputs()));
        Trajectory t = run(e);
        for (int k = 0; k <= STEPS; k++) {
            for (int i = 0; i < e.data().size(); i++) {
                assertEquals(expected[k][i], t.outputs()[1][k][i], 1e-12, "step " + k + " input " + i);
            }
        }
    }

    /**
     * Check 2 with Monte Carlo kernels: every recorded output of every input lies within 5
     * standard errors (16 replicas of 4096 particles) of kernel gradient descent with the
     * closed-form NTK. Student t with 15 degrees of freedom: {@code P(|t| > 5) = 1.6e-4} per
     * comparison; the outputs of one input are strongly correlated over steps, so the 6 inputs
     * make about 6 independent comparisons and a correct engine fails with probability near 1e-3.
     */
    @Test
    void sgdWithMonteCarloKernelsMatchesKernelGradientDescent() {
        Experiment e = NtExperiments.experiment(Activation.RELU, 2, UpdateFunction.of(UpdateFunction.Kind.SGD), LR,
                STEPS, 2, 4096, 16, KernelSource.MONTE_CARLO);
        double[][] expected = kernelGradientDescent(e, reluNtk(e.data().allInputs()));
        Trajectory t = run(e);
        for (int k = 1; k <= STEPS; k++) {
            double[][] perReplica = new double[16][];
            for (int r = 0; r < 16; r++) {
                perReplica[r] = t.outputs()[r][k];
            }
            Estimate[] est = Estimate.ofReplicas(perReplica);
            for (int i = 0; i < e.data().size(); i++) {
                assertEquals(expected[k][i], est[i].mean(), 5 * est[i].stderr(), "step " + k + " input " + i);
            }
        }
    }

    /**
     * Check of Example 2.4.6: with one active input j, {@code sign(G(a, b)) = sign(chi_j) sign(dh_aj) sign(x_bj)},
     * so the SignSGD step is linear in {@code sign(chi)}:
     * {@code K(i) = sign(chi_j) [mv E[x_i s(x_j)] + mW E_{a != b}[dh_ai s(dh_aj)] [s(x_bj) x_bi] + mu E[dh1_i s(dh1_j)] s(xi(j)) . xi(i)]}.
     * The pair mean over {@code a != b} of a product is exact from sums: {@code (S_A S_B - sum_a A_a B_a) / (N (N-1))}.
     */
    @Test
    void signSgdWithOneActiveInputIsLinearInTheSignOfChi() {
        int n = 300;
        Experiment e = NtExperiments.experiment(Activation.TANH, 3, UpdateFunction.of(UpdateFunction.Kind.SIGN), LR,
                1, 1, n, 1, KernelSource.MONTE_CARLO);
        int m = e.data().size();
        int d = e.data().dimension();
        LayerMultipliers mult = NtExperiments.MULTIPLIERS;
        try (Backend backend = Backends.cpu(Precision.FLOAT64, 2);
             NeuralTangentKets kets = new NeuralTangentKets(e, backend, new RandomKey(9, 0), null);
             ParticleStep step = new ParticleStep(kets, e.optimizer().update(), mult, backend)) {
            for (int j = 0; j < 4; j++) {
                double[] chi = new double[m];
                chi[j] = j % 2 == 0 ? -0.3 : 0.2;
                double s = Math.signum(chi[j]);
                double[] got = step.kernel(chi, j);
                double[][] x = columns(backend.download(kets.x[3]), n, m);
                double[][] xi = e.data().allInputs();
                for (int i = 0; i < m; i++) {
                    double out = 0;
                    double in = 0;
                    double[][] dh1 = columns(backend.download(kets.dh[1]), n, m);
                    double signDot = 0;
                    for (int k = 0; k < d; k++) {
                        signDot += Math.signum(xi[j][k]) * xi[i][k];
                    }
                    for (int a = 0; a < n; a++) {
                        out += x[i][a] * Math.signum(x[j][a]) / n;
                        in += dh1[i][a] * Math.signum(dh1[j][a]) * signDot / n;
                    }
                    double hidden = 0;
                    for (int l = 2; l <= 3; l++) {
                        double[][] dh = columns(backend.download(kets.dh[l]), n, m);
                        double[][] below = columns(backend.download(kets.x[l - 1]), n, m);
                        BiFunction<double[], double[], Double> sum = (p, q) -> {
                            double total = 0;
                            for (int a = 0; a < n; a++) {
                                total += p[a] * q[a];
                            }
                            return total;
                        };
                        double[] left = new double[n];
                        double[] right = new double[n];
                        double[] ones = new double[n];
                        for (int a = 0; a < n; a++) {
                            left[a] = dh[i][a] * Math.signum(dh[j][a]);
                            right[a] = Math.signum(below[j][a]) * below[i][a];
                            ones[a] = 1;
                        }
                        hidden += (sum.apply(left, ones) * sum.apply(right, ones) - sum.apply(left, right))
                                / ((double) n * (n - 1));
                    }
                    double expected = s * (mult.output() * out + mult.hidden() * hidden + mult.input() * in);
                    assertEquals(expected, got[i], 1e-12 * Math.max(1, Math.abs(expected)), "input " + i + " active " + j);
                }
            }
        }
    }

    /**
     * Theorem 2.4.9 without per-pair state: the adam step equals brute force with every
     * entry's Adam state kept explicitly (N x 1 output, N x d input and N x N hidden pairs),
     * over several steps with changing chi.
     */
    @Test
    void statelessAdamPairsEqualAdamWithExplicitPerPairState() {
        int n = 40;
        UpdateFunction adam = new UpdateFunction(UpdateFunction.Kind.ADAM, 0.05, 0.8, 0.95);
        Experiment e = NtExperiments.experiment(Activation.TANH, 2, adam, LR, 1, 0, n, 1, KernelSource.MONTE_CARLO);
        int m = e.data().size();
        int d = e.data().dimension();
        LayerMultipliers mult = NtExperiments.MULTIPLIERS;
        double[][] xi = e.data().allInputs();
        double[] stateV = new double[2 * n];
        double[] stateU = new double[2 * n * d];
        double[] statePairs = new double[2 * n * n];
        try (Backend backend = Backends.cpu(Precision.FLOAT64, 2);
             NeuralTangentKets kets = new NeuralTangentKets(e, backend, new RandomKey(4, 0), null);
             ParticleStep step = new ParticleStep(kets, adam, mult, backend)) {
            double[][] x1 = columns(backend.download(kets.x[1]), n, m);
            double[][] x2 = columns(backend.download(kets.x[2]), n, m);
            double[][] dh1 = columns(backend.download(kets.dh[1]), n, m);
            double[][] dh2 = columns(backend.download(kets.dh[2]), n, m);
            for (int t = 0; t < 4; t++) {
                double[] chi = new double[m];
                for (int j = 0; j < 4; j++) {
                    chi[j] = Math.sin(1.7 * t + j) * (j == t ? 1 : 0.3);
                }
                double[] got = step.kernel(chi, t);
                double[] expected = new double[m];
                for (int a = 0; a < n; a++) {
                    double gv = 0;
                    for (int j = 0; j < m; j++) {
                        gv += chi[j] * x2[j][a];
                    }
                    double qv = adam.apply(gv, stateV, 2 * a, t);
                    double[] qu = new double[d];
                    for (int k = 0; k < d; k++) {
                        double gu = 0;
                        for (int j = 0; j < m; j++) {
                            gu += chi[j] * dh1[j][a] * xi[j][k];
                        }
                        qu[k] = adam.apply(gu, stateU, 2 * (a * d + k), t);
                    }
                    for (int i = 0; i < m; i++) {
                        double quXi = 0;
                        for (int k = 0; k < d; k++) {
                            quXi += qu[k] * xi[i][k];
                        }
                        expected[i] += (mult.output() * x2[i][a] * qv + mult.input() * dh1[i][a] * quXi) / n;
                    }
                    for (int b = 0; b < n; b++) {
                        if (b == a) {
                            continue;
                        }
                        double g = 0;
                        for (int j = 0; j < m; j++) {
                            g += chi[j] * dh2[j][a] * x1[j][b];
                        }
                        double q = adam.apply(g, statePairs, 2 * (a * n + b), t);
                        for (int i = 0; i < m; i++) {
                            expected[i] += mult.hidden() * dh2[i][a] * q * x1[i][b] / ((double) n * (n - 1));
                        }
                    }
                }
                for (int i = 0; i < m; i++) {
                    assertEquals(expected[i], got[i], 1e-10 * Math.max(1, Math.abs(expected[i])), "step " + t + " input " + i);
                }
            }
        }
    }

    /**
     * {@code centerOutput: false}: each replica starts from its own draw {@code f_0 ~ N(0, NNGP)}. With
     * closed-form kernels the NNGP is exact, so over 400 replicas the sample covariance of
     * {@code f_0} must match it: each entry within 5 standard errors of a sample covariance
     * ({@code sqrt((K_ii K_jj + K_ij^2) / R)}), about 21 comparisons at a normal-approximation
     * false-failure probability of 6e-7 each.
     */
    @Test
    void uncenteredRunsStartFromTheNngp() {
        int replicas = 400;
        Experiment centered = NtExperiments.experiment(Activation.ERF, 2, UpdateFunction.of(UpdateFunction.Kind.SGD),
                LR, 1, 0, 16, replicas, KernelSource.CLOSED_FORM);
        Experiment e = new Experiment(centered.network(), null, centered.optimizer(), centered.loss(), centered.data(),
                centered.training(), new io.github.infinitewidth.engine.SimulationSpec(16, replicas, 5,
                        io.github.infinitewidth.backend.BackendChoice.CPU, Precision.FLOAT64, false,
                        KernelSource.CLOSED_FORM));
        int m = e.data().size();
        double[] nngp = new ExactKernels(e.data().allInputs(), Activation.ERF, NtExperiments.INIT, 2, false).nngp();
        Trajectory t = run(e);
        for (int i = 0; i < m; i++) {
            for (int j = i; j < m; j++) {
                double sum = 0;
                for (int r = 0; r < replicas; r++) {
                    sum += t.outputs()[r][0][i] * t.outputs()[r][0][j];
                }
                double expected = nngp[i * m + j];
                double se = Math.sqrt((nngp[i * m + i] * nngp[j * m + j] + expected * expected) / replicas);
                assertEquals(expected, sum / replicas, 5 * se, "Cov f_0 [" + i + "," + j + "]");
            }
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
