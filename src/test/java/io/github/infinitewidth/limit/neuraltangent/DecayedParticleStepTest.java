package io.github.infinitewidth.limit.neuraltangent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.KernelSource;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.train.BatchSchedule;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.TrainingSpec;
import org.junit.jupiter.params.ParameterizedTest;
import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decayed NT-limit step for nonlinear Q (LIMITS.md 1.2, "NT limit", nonlinear Q) against an
 * independent evaluation of its formula on 10 particles: every entry of u, v, b and every pair (a, b),
 * a != b, of the hidden matrix runs its own scalar optimizer ({@link UpdateFunction#apply}) on its
 * gradient with the kets of its step, and {@code f_t} sums the updates with the factors
 * {@code C_t / C_{s+1}} over the kets of step t. Tanh, 2 hidden layers, biases, a cosine schedule and a
 * half batch (so that test inputs and unused train inputs carry {@code chi = 0}). With k outputs
 * (LIMITS.md 2.4) every output has its own backward kets: the gradients inside Q sum over the outputs,
 * {@code sum_c chi_{j,c} dh_{c,j}}, output c's term has its own {@code dh_c} outside Q, and the output
 * weights are N x k entries.
 */
class DecayedParticleStepTest {
    private static final int STEPS = 5;
    private static final int N = 10;

    @ParameterizedTest
    @CsvSource({"adam, 1", "sign, 1", "smoothsign, 1", "adam, 2", "sign, 3", "smoothsign, 2"})
    void theStepIsThePerEntryAndPerPairSum(String optimizer, int k) {
        UpdateFunction q = UpdateFunction.of(UpdateFunction.Kind.parse(optimizer));
        Experiment e = experiment(q, k);
        OptimizerSpec o = e.optimizer();
        DecayFactors c = DecayFactors.of(o, STEPS);
        LayerMultipliers mult = o.multipliers();
        double[] eta = rates(o);
        int m = e.data().size();
        double[][] xi = e.data().allInputs();
        int d = xi[0].length;
        int states = q.stateSize();
        BatchSchedule schedule = new BatchSchedule(e.training(), e.data().train().size(), 7);
        try (Backend backend = Backends.cpu(Precision.FLOAT64);
             DecayedKets kets = new DecayedKets(e, backend, new RandomKey(7, 0), c);
             DecayedParticleStep step = new DecayedParticleStep(kets, c, eta, q, mult, true)) {
            // the independent state: sums A and optimizer states per entry and per pair
            double[][] av = new double[N][k];
            double[] sv = new double[N * k * states];
            double[][] au = new double[N][d];
            double[] su = new double[N * d * states];
            double[][] ab = new double[3][N];
            double[][] sb = new double[3][N * states];
            double[][] aw = new double[N][N];
            double[] sw = new double[N * N * states];
            double moved = 0;
            for (int t = 0; t <= STEPS; t++) {
                double[][] x1 = ket(backend, kets, kets.x[1], t, m);
                double[][] x2 = ket(backend, kets, kets.x[2], t, m);
                // d1[c], d2[c]: output c's backward kets of step t
                double[][][] d1 = new double[k][][];
                double[][][] d2 = new double[k][][];
                for (int oc = 0; oc < k; oc++) {
                    d1[oc] = ket(backend, kets, kets.backward[oc][1], t, m);
                    d2[oc] = ket(backend, kets, kets.backward[oc][2], t, m);
                }
                double[] f = step.outputs();
                for (int i = 0; i < m; i++) {
                    for (int oc = 0; oc < k; oc++) {
                        double expected = kets.initialFunction(t)[i * k + oc] - kets.initialFunction(0)[i * k + oc];
                        double v = 0;
                        double u = 0;
                        double b = 0;
                        double w = 0;
                        for (int a = 0; a < N; a++) {
                            v += x2[a][i] * av[a][oc] / N;
                            double dot = 0;
                            for (int kk = 0; kk < d; kk++) {
                                dot += au[a][kk] * xi[i][kk];
                            }
                            u += d1[oc][a][i] * dot / N;
                            b += (d1[oc][a][i] * ab[1][a] + d2[oc][a][i] * ab[2][a]) / N;
                            for (int bb = 0; bb < N; bb++) {
                                if (bb != a) {
                                    w += d2[oc][a][i] * aw[a][bb] * x1[bb][i] / N / (N - 1);
                                }
                            }
                        }
                        expected -= mult.output() * c.output(t) * v + mult.input() * c.input(t) * u
                                + mult.bias() * c.bias(t) * b + mult.hidden() * c.hidden(t) * w;
                        assertEquals(expected, f[i * k + oc], 1e-10 * Math.max(1, Math.abs(expected)),
                                "step " + t + " input " + i + " output " + oc);
                        moved = Math.max(moved, Math.abs(expected - kets.initialFunction(t)[i * k + oc]
                                + kets.initialFunction(0)[i * k + oc]));
                    }
                }
                if (t == STEPS) {
                    break;
                }
                double[] chi = e.objective().errorSignal(f, schedule.batch(t));
                step.learn(chi);
                for (int a = 0; a < N; a++) {
                    double gb1 = 0;
                    double gb2 = 0;
                    for (int oc = 0; oc < k; oc++) {
                        double gv = 0;
                        for (int j = 0; j < m; j++) {
                            gv += chi[j * k + oc] * x2[a][j];
                            gb1 += chi[j * k + oc] * d1[oc][a][j];
                            gb2 += chi[j * k + oc] * d2[oc][a][j];
                        }
                        av[a][oc] += eta[t] / c.output(t + 1) * q.apply(gv, sv, (a * k + oc) * states, t);
                    }
                    ab[1][a] += eta[t] / c.bias(t + 1) * q.apply(gb1, sb[1], a * states, t);
                    ab[2][a] += eta[t] / c.bias(t + 1) * q.apply(gb2, sb[2], a * states, t);
                    for (int kk = 0; kk < d; kk++) {
                        double gu = 0;
                        for (int j = 0; j < m; j++) {
                            for (int oc = 0; oc < k; oc++) {
                                gu += chi[j * k + oc] * d1[oc][a][j] * xi[j][kk];
                            }
                        }
                        au[a][kk] += eta[t] / c.input(t + 1) * q.apply(gu, su, (a * d + kk) * states, t);
                    }
                    for (int bb = 0; bb < N; bb++) {
                        double gw = 0;
                        for (int j = 0; j < m; j++) {
                            for (int oc = 0; oc < k; oc++) {
                                gw += chi[j * k + oc] * d2[oc][a][j] * x1[bb][j];
                            }
                        }
                        if (bb != a) {
                            aw[a][bb] += eta[t] / c.hidden(t + 1) * q.apply(gw, sw, (a * N + bb) * states, t);
                        }
                    }
                }
            }
            assertTrue(moved > 0.05, "the training must move the function: " + moved);
        }
    }

    /**
     * Output 0 of k outputs has the one-output kets bit for bit (the streams of
     * {@link NeuralTangentKets#ofOutput}); the other outputs' backward kets are other draws. A whole run's
     * output 0 is not the one-output run (Q sees every output's error signal in the combined ket), so the
     * step is fed the one-output run's error signals with 0 for output 1: the combined ket is then output
     * 0's, and output 0 of the step is the one-output step bit for bit.
     */
    @Test
    void outputZeroWithoutErrorSignalOnOutputOneIsTheOneOutputStep() {
        UpdateFunction q = UpdateFunction.of(UpdateFunction.Kind.ADAM);
        Experiment one = experiment(q, 1);
        Experiment two = experiment(q, 2);
        DecayFactors c = DecayFactors.of(one.optimizer(), STEPS);
        double[] eta = rates(one.optimizer());
        int m = one.data().size();
        BatchSchedule schedule = new BatchSchedule(one.training(), one.data().train().size(), 7);
        try (Backend backend = Backends.cpu(Precision.FLOAT64);
             DecayedKets kets1 = new DecayedKets(one, backend, new RandomKey(7, 0), c);
             DecayedKets kets2 = new DecayedKets(two, backend, new RandomKey(7, 0), c);
             DecayedParticleStep step1 = new DecayedParticleStep(kets1, c, eta, q, one.optimizer().multipliers(), true);
             DecayedParticleStep step2 = new DecayedParticleStep(kets2, c, eta, q, two.optimizer().multipliers(), true)) {
            for (int l = 1; l <= 2; l++) {
                assertArrayEquals(backend.download(kets1.x[l]), backend.download(kets2.x[l]), 0.0);
                assertArrayEquals(backend.download(kets1.dh[l]), backend.download(kets2.backward[0][l]), 0.0);
                assertNotEquals(backend.download(kets2.backward[0][l])[0], backend.download(kets2.backward[1][l])[0]);
            }
            for (int t = 0; t <= STEPS; t++) {
                double[] f1 = step1.outputs();
                double[] f2 = step2.outputs();
                for (int i = 0; i < m; i++) {
                    assertEquals(f1[i], f2[2 * i], 0.0, "step " + t + " input " + i);
                }
                if (t == STEPS) {
                    break;
                }
                double[] chi = one.objective().errorSignal(f1, schedule.batch(t));
                double[] chi2 = new double[2 * m];
                for (int j = 0; j < m; j++) {
                    chi2[2 * j] = chi[j];
                }
                step1.learn(chi);
                step2.learn(chi2);
            }
        }
    }

    private static Experiment experiment(UpdateFunction q, int k) {
        Schedule cosine = new Schedule(Schedule.Type.COSINE, 1, Schedule.REST_OF_RUN, 0.1, 0, 1.0);
        OptimizerSpec o = new OptimizerSpec(q, 0.3, NtExperiments.MULTIPLIERS, cosine, 0.4);
        Data data = new Data(withTargets(NtExperiments.DATA.train(), k), withTargets(NtExperiments.DATA.test(), k));
        Experiment one = NtExperiments.withBias(new Experiment(new NetworkSpec(2, Activation.TANH, 0, NtExperiments.INIT),
                null, o, Loss.MSE, NtExperiments.DATA, new TrainingSpec(STEPS, 2, false, 1),
                new SimulationSpec(N, 1, 7, BackendChoice.CPU, Precision.FLOAT64, true, KernelSource.MONTE_CARLO)),
                0.7, 0.6);
        return new Experiment(one.network().withOutputs(k), one.parametrization(), one.optimizer(), one.loss(), data,
                one.training(), one.simulation());
    }

    private static double[] rates(OptimizerSpec o) {
        double[] eta = new double[STEPS];
        for (int t = 0; t < STEPS; t++) {
            eta[t] = o.learningRate(t, STEPS);
        }
        return eta;
    }

    /** The split with k targets per input: the target, then its negative, then half of it. */
    private static Dataset withTargets(Dataset split, int k) {
        if (k == 1) {
            return split;
        }
        double[] scale = {1.0, -1.0, 0.5};
        double[] targets = new double[k * split.targets().length];
        for (int j = 0; j < split.targets().length; j++) {
            for (int oc = 0; oc < k; oc++) {
                targets[k * j + oc] = scale[oc] * split.targets()[j];
            }
        }
        return new Dataset(split.inputs(), targets, k);
    }

    /** The block of step t as {@code [particle][input]}. */
    private static double[][] ket(Backend backend, DecayedKets kets, io.github.infinitewidth.backend.DeviceMatrix ket,
                                  int t, int m) {
        double[] columnMajor = backend.download(kets.block(ket, t));
        double[][] out = new double[N][m];
        for (int a = 0; a < N; a++) {
            for (int i = 0; i < m; i++) {
                out[a][i] = columnMajor[a + i * N];
            }
        }
        return out;
    }
}
