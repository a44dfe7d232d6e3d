package io.github.infinitewidth.limit.neuraltangent;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decayed NT-limit step for nonlinear Q (LIMITS.md 1.2, "NT limit", nonlinear Q) against an
 * independent evaluation of its formula on 10 particles: every entry of u, v, b and every pair (a, b),
 * a != b, of the hidden matrix runs its own scalar optimizer ({@link UpdateFunction#apply}) on its
 * gradient with the kets of its step, and {@code f_t} sums the updates with the factors
 * {@code C_t / C_{s+1}} over the kets of step t. Tanh, 2 hidden layers, biases, a cosine schedule and a
 * half batch (so that test inputs and unused train inputs carry {@code chi = 0}).
 */
class DecayedParticleStepTest {
    private static final int STEPS = 5;
    private static final int N = 10;

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sign", "smoothsign"})
    void theStepIsThePerEntryAndPerPairSum(String optimizer) {
        Schedule cosine = new Schedule(Schedule.Type.COSINE, 1, Schedule.REST_OF_RUN, 0.1, 0, 1.0);
        UpdateFunction q = UpdateFunction.of(UpdateFunction.Kind.parse(optimizer));
        OptimizerSpec o = new OptimizerSpec(q, 0.3, NtExperiments.MULTIPLIERS, cosine, 0.4);
        Experiment e = NtExperiments.withBias(new Experiment(new NetworkSpec(2, Activation.TANH, 0, NtExperiments.INIT),
                null, o, Loss.MSE, NtExperiments.DATA, new TrainingSpec(STEPS, 2, false, 1),
                new SimulationSpec(N, 1, 7, BackendChoice.CPU, Precision.FLOAT64, true, KernelSource.MONTE_CARLO)),
                0.7, 0.6);
        DecayFactors c = DecayFactors.of(o, STEPS);
        LayerMultipliers mult = o.multipliers();
        double[] eta = new double[STEPS];
        for (int t = 0; t < STEPS; t++) {
            eta[t] = o.learningRate(t, STEPS);
        }
        int m = e.data().size();
        double[][] xi = e.data().allInputs();
        int d = xi[0].length;
        int states = q.stateSize();
        BatchSchedule schedule = new BatchSchedule(e.training(), e.data().train().size(), 7);
        try (Backend backend = Backends.cpu(Precision.FLOAT64);
             DecayedKets kets = new DecayedKets(e, backend, new RandomKey(7, 0), c);
             DecayedParticleStep step = new DecayedParticleStep(kets, c, eta, q, mult, true)) {
            // the independent state: sums A and optimizer states per entry and per pair
            double[] av = new double[N];
            double[] sv = new double[N * states];
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
                double[][] d1 = ket(backend, kets, kets.dh[1], t, m);
                double[][] d2 = ket(backend, kets, kets.dh[2], t, m);
                double[] f = step.outputs();
                for (int i = 0; i < m; i++) {
                    double expected = kets.initialFunction(t)[i] - kets.initialFunction(0)[i];
                    double v = 0;
                    double u = 0;
                    double b = 0;
                    double w = 0;
                    for (int a = 0; a < N; a++) {
                        v += x2[a][i] * av[a] / N;
                        double dot = 0;
                        for (int k = 0; k < d; k++) {
                            dot += au[a][k] * xi[i][k];
                        }
                        u += d1[a][i] * dot / N;
                        b += (d1[a][i] * ab[1][a] + d2[a][i] * ab[2][a]) / N;
                        for (int bb = 0; bb < N; bb++) {
                            if (bb != a) {
                                w += d2[a][i] * aw[a][bb] * x1[bb][i] / N / (N - 1);
                            }
                        }
                    }
                    expected -= mult.output() * c.output(t) * v + mult.input() * c.input(t) * u
                            + mult.bias() * c.bias(t) * b + mult.hidden() * c.hidden(t) * w;
                    assertEquals(expected, f[i], 1e-10 * Math.max(1, Math.abs(expected)), "step " + t + " input " + i);
                    moved = Math.max(moved, Math.abs(expected - kets.initialFunction(t)[i] + kets.initialFunction(0)[i]));
                }
                if (t == STEPS) {
                    break;
                }
                double[] chi = e.objective().errorSignal(f, schedule.batch(t));
                step.learn(chi);
                for (int a = 0; a < N; a++) {
                    double gv = 0;
                    double gb1 = 0;
                    double gb2 = 0;
                    for (int j = 0; j < m; j++) {
                        gv += chi[j] * x2[a][j];
                        gb1 += chi[j] * d1[a][j];
                        gb2 += chi[j] * d2[a][j];
                    }
                    av[a] += eta[t] / c.output(t + 1) * q.apply(gv, sv, a * states, t);
                    ab[1][a] += eta[t] / c.bias(t + 1) * q.apply(gb1, sb[1], a * states, t);
                    ab[2][a] += eta[t] / c.bias(t + 1) * q.apply(gb2, sb[2], a * states, t);
                    for (int k = 0; k < d; k++) {
                        double gu = 0;
                        for (int j = 0; j < m; j++) {
                            gu += chi[j] * d1[a][j] * xi[j][k];
                        }
                        au[a][k] += eta[t] / c.input(t + 1) * q.apply(gu, su, (a * d + k) * states, t);
                    }
                    for (int bb = 0; bb < N; bb++) {
                        double gw = 0;
                        for (int j = 0; j < m; j++) {
                            gw += chi[j] * d2[a][j] * x1[bb][j];
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
