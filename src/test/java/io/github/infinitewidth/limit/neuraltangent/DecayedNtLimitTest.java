package io.github.infinitewidth.limit.neuraltangent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.backend.DeviceMatrix;
import io.github.infinitewidth.backend.Precision;
import io.github.infinitewidth.engine.Checkpoints;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.MemoryCheckpoints;
import io.github.infinitewidth.engine.KernelSource;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.network.Activation;
import io.github.infinitewidth.network.NetworkSpec;
import io.github.infinitewidth.optim.LayerMultipliers;
import io.github.infinitewidth.optim.OptimizerSpec;
import io.github.infinitewidth.optim.Schedule;
import io.github.infinitewidth.optim.UpdateFunction;
import io.github.infinitewidth.random.RandomKey;
import io.github.infinitewidth.train.BatchSchedule;
import io.github.infinitewidth.train.Data;
import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.train.Loss;
import io.github.infinitewidth.train.Objective;
import io.github.infinitewidth.train.TrainingSpec;
import io.github.infinitewidth.util.InvalidSpecException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The NT limit with decoupled weight decay (LIMITS.md 1.2, "NT limit"): the time-indexed kets, the
 * two-time kernel step, the untouched path without decay, checkpoints and the refusals.
 */
class DecayedNtLimitTest {
    private static final int STEPS = 6;
    private static final Schedule COSINE = new Schedule(Schedule.Type.COSINE, 1, Schedule.REST_OF_RUN, 0.1, 0, 1.0);

    private static Experiment experiment(Activation phi, int layers, String optimizer, double lambda, boolean bias,
                                         int particles, int replicas) {
        OptimizerSpec o = new OptimizerSpec(UpdateFunction.of(UpdateFunction.Kind.parse(optimizer)), 0.4,
                NtExperiments.MULTIPLIERS, COSINE, lambda);
        Experiment e = new Experiment(new NetworkSpec(layers, phi, 0, NtExperiments.INIT), null, o, Loss.MSE,
                NtExperiments.DATA, new TrainingSpec(STEPS, 0, false, 1),
                new SimulationSpec(particles, replicas, 7, BackendChoice.CPU, Precision.FLOAT64, true,
                        KernelSource.MONTE_CARLO));
        return bias ? NtExperiments.withBias(e, 0.7, 0.6) : e;
    }

    /**
     * Relu without biases is positively homogeneous, so the network at the decayed initial weights has
     * exactly scaled features: {@code x^l_t = A^l_t x^l_0} with {@code A^1 = C^u}, {@code A^l = C^W A^{l-1}},
     * and {@code dh^l_t = B^l_t dh^l_0} with {@code B^L = C^v}, {@code B^{l-1} = C^W B^l}; the hats of a
     * scaled input lie in the span of step 0's, so this holds to rounding.
     */
    @Test
    void reluWithoutBiasesHasExactlyScaledKets() {
        Experiment e = experiment(Activation.RELU, 3, "sgd", 0.3, false, 512, 1);
        DecayFactors c = DecayFactors.of(e.optimizer(), STEPS);
        assertTrue(c.hidden(STEPS) < 0.8, "the decay must be visible, C^W_T = " + c.hidden(STEPS));
        try (Backend backend = Backends.cpu(Precision.FLOAT64);
             DecayedKets kets = new DecayedKets(e, backend, new RandomKey(7, 0), c)) {
            for (int t = 0; t <= STEPS; t++) {
                double forward = c.input(t);
                for (int l = 1; l <= 3; l++) {
                    forward *= l > 1 ? c.hidden(t) : 1;
                    assertScaled(backend, kets, kets.x[l], t, forward, "x^" + l);
                }
                double backward = c.output(t);
                for (int l = 3; l >= 1; l--) {
                    assertScaled(backend, kets, kets.dh[l], t, backward, "dh^" + l);
                    backward *= c.hidden(t);
                }
                double[] f0 = kets.initialFunction(0);
                double[] ft = kets.initialFunction(t);
                for (int i = 0; i < f0.length; i++) {
                    assertEquals(c.output(t) * forward * f0[i], ft[i], 1e-12 * Math.max(1, Math.abs(f0[i])), "f^init");
                }
            }
        }
    }

    private static void assertScaled(Backend backend, DecayedKets kets, DeviceMatrix ket, int t, double factor,
                                     String name) {
        double[] first = backend.download(kets.block(ket, 0));
        double[] now = backend.download(kets.block(ket, t));
        double largest = 0;
        for (double v : first) {
            largest = Math.max(largest, Math.abs(v));
        }
        for (int k = 0; k < first.length; k++) {
            assertEquals(factor * first[k], now[k], 1e-12 * largest, name + " at step " + t + ", entry " + k);
        }
    }

    /**
     * With those scaled kets every two-time kernel is a step-0 kernel times known factors, so the
     * function follows a recursion written from the step-0 kernels alone (LIMITS.md 1.2): the step's
     * weights {@code w^tau_{t,r}}, its momentum sums and its kernels checked against an independent sum.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sgd", "momentum"})
    void reluWithoutBiasesFollowsTheScaledKernelRecursion(String optimizer) {
        int layers = 2;
        Experiment e = experiment(Activation.RELU, layers, optimizer, 0.3, false, 512, 1);
        DecayFactors c = DecayFactors.of(e.optimizer(), STEPS);
        LayerMultipliers mult = e.optimizer().multipliers();
        double beta = optimizer.equals("momentum") ? e.optimizer().update().beta1() : 0;
        Objective objective = e.objective();
        int m = e.data().size();
        try (Backend backend = Backends.cpu(Precision.FLOAT64);
             DecayedKets kets = new DecayedKets(e, backend, new RandomKey(7, 0), c)) {
            double[] eta = new double[STEPS];
            for (int t = 0; t < STEPS; t++) {
                eta[t] = e.optimizer().learningRate(t, STEPS);
            }
            DecayedKernelStep step = new DecayedKernelStep(kets, c, eta, e.optimizer().update(), mult, true);
            double[] x1 = kets.features(1, 0);
            double[] x2 = kets.features(2, 0);
            double[] d1 = backend.gram(kets.block(kets.dh[1], 0), kets.block(kets.dh[1], 0));
            double[] d2 = backend.gram(kets.block(kets.dh[2], 0), kets.block(kets.dh[2], 0));
            double[][] inputs = e.data().allInputs();
            double[][] chi = new double[STEPS][];
            int[] batch = new BatchSchedule(e.training(), e.data().train().size(), 7).batch(0);
            for (int t = 0; t <= STEPS; t++) {
                double[] f = step.outputs();
                for (int i = 0; i < m; i++) {
                    // the recursion: f_t = f^init_t - f^init_0 - sum_{s<t} eta_s (C_t / C_{s+1}) sum_{r<=s} beta^(s-r) Theta_{t,r} chi_r
                    double expected = kets.initialFunction(t)[i] - kets.initialFunction(0)[i];
                    for (int s = 0; s < t; s++) {
                        for (int r = 0; r <= s; r++) {
                            double weight = eta[s] * Math.pow(beta, s - r);
                            for (int j = 0; j < m; j++) {
                                double dot = 0;
                                for (int k = 0; k < inputs[i].length; k++) {
                                    dot += inputs[i][k] * inputs[j][k];
                                }
                                int ij = i * m + j;
                                // A^1 = C^u, A^2 = C^W C^u; B^2 = C^v, B^1 = C^W C^v
                                double a2 = c.hidden(t) * c.input(t) * c.hidden(r) * c.input(r);
                                double b2 = c.output(t) * c.output(r);
                                double theta = mult.output() * c.output(t) / c.output(s + 1) * a2 * x2[ij]
                                        + mult.hidden() * c.hidden(t) / c.hidden(s + 1) * b2 * d2[ij]
                                        * c.input(t) * c.input(r) * x1[ij]
                                        + mult.input() * c.input(t) / c.input(s + 1) * c.hidden(t) * c.hidden(r) * b2
                                        * d1[ij] * dot;
                                expected -= weight * theta * chi[r][j];
                            }
                        }
                    }
                    assertEquals(expected, f[i], 1e-10 * Math.max(1, Math.abs(expected)), "step " + t + " input " + i);
                }
                if (t < STEPS) {
                    chi[t] = objective.errorSignal(f, batch);
                    step.learn(chi[t]);
                }
            }
        }
    }

    /**
     * Without decay ({@code C = 1}) the time-indexed kets repeat step 0's, and the decayed step is kernel
     * gradient descent with their NTK (LIMITS.md section 3), momentum's {@code B_t} included.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sgd", "momentum"})
    void withoutDecayTheStepIsKernelGradientDescent(String optimizer) {
        Experiment e = NtExperiments.withBias(experiment(Activation.TANH, 2, optimizer, 0.0, false, 256, 1), 0.7, 0.6);
        DecayFactors c = DecayFactors.of(e.optimizer(), STEPS);
        int m = e.data().size();
        try (Backend backend = Backends.cpu(Precision.FLOAT64);
             DecayedKets kets = new DecayedKets(e, backend, new RandomKey(7, 0), c)) {
            double[] eta = new double[STEPS];
            for (int t = 0; t < STEPS; t++) {
                eta[t] = e.optimizer().learningRate(t, STEPS);
            }
            DecayedKernelStep step = new DecayedKernelStep(kets, c, eta, e.optimizer().update(),
                    e.optimizer().multipliers(), true);
            LinearKernelStep kernel = new LinearKernelStep(kets.ntk(e.optimizer().multipliers()), m, 1, e.optimizer().update());
            double[] expected = new double[m];
            int[] batch = new BatchSchedule(e.training(), e.data().train().size(), 7).batch(0);
            for (int t = 0; t <= STEPS; t++) {
                double[] f = step.outputs();
                for (int i = 0; i < m; i++) {
                    assertEquals(expected[i], f[i], 1e-10 * Math.max(1, Math.abs(expected[i])), "step " + t);
                }
                if (t < STEPS) {
                    double[] chi = e.objective().errorSignal(f, batch);
                    step.learn(chi);
                    double[] k = kernel.kernel(e.objective().errorSignal(expected, batch), t);
                    for (int i = 0; i < m; i++) {
                        expected[i] -= eta[t] * k[i];
                    }
                }
            }
        }
    }

    /** weightDecay 0 keeps the frozen-ket path: the features recorded are the same at every step. */
    @Test
    void withoutDecayTheFeaturesStayFrozenAndWithDecayTheyMove() {
        Trajectory frozen = run(experiment(Activation.TANH, 2, "sgd", 0.0, false, 128, 2), Checkpoints.NONE,
                StepListener.NONE);
        Trajectory moving = run(experiment(Activation.TANH, 2, "sgd", 0.3, false, 128, 2), Checkpoints.NONE,
                StepListener.NONE);
        Trajectory.FeatureKernel first = frozen.features().get(0);
        Trajectory.FeatureKernel last = frozen.features().get(frozen.features().size() - 2);
        assertEquals(first.layer(), last.layer());
        assertArrayEquals(first.perReplica()[0], last.perReplica()[0], "no decay: frozen features");
        Trajectory.FeatureKernel start = moving.features().get(0);
        Trajectory.FeatureKernel end = moving.features().get(moving.features().size() - 2);
        assertEquals(start.layer(), end.layer());
        assertTrue(end.perReplica()[0][0] < 0.9 * start.perReplica()[0][0], "decay shrinks E[x^1 x^1]");
    }

    @ParameterizedTest
    @CsvSource({"sgd, 1", "momentum, 1", "adam, 1", "sign, 1", "adam, 2", "smoothsign, 2"})
    void aResumedRunEqualsAnUninterruptedOne(String optimizer, int outputs) {
        Experiment e = experiment(Activation.TANH, 2, optimizer, 0.3, true, 96, 2);
        Data data = outputs == 1 ? e.data()
                : new Data(withSecondTarget(NtExperiments.DATA.train()), withSecondTarget(NtExperiments.DATA.test()));
        Experiment job = new Experiment(e.network().withOutputs(outputs), e.parametrization(), e.optimizer(), e.loss(),
                data, e.training(), e.simulation().withCheckpointEvery(2));
        NeuralTangentEngine engine = new NeuralTangentEngine();
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            Trajectory whole = engine.run(job, backend, StepListener.NONE, Checkpoints.NONE);
            MemoryCheckpoints killed = new MemoryCheckpoints(backend, null);
            StepListener dies = (replica, step, steps) -> {
                if (replica == 1 && step == 2) {
                    throw new IllegalStateException("killed");
                }
            };
            assertThrows(IllegalStateException.class, () -> engine.run(job, backend, dies, killed));
            assertArrayEquals(new int[] {1, 2}, killed.last().ints("position"));
            Trajectory resumed = engine.run(job, backend, StepListener.NONE, new MemoryCheckpoints(backend, killed.last()));
            for (int r = 0; r < 2; r++) {
                for (int k = 0; k < whole.steps().length; k++) {
                    assertArrayEquals(whole.outputs()[r][k], resumed.outputs()[r][k], 0.0, "replica " + r + " step " + k);
                }
            }
            for (int k = 0; k < whole.features().size(); k++) {
                for (int r = 0; r < 2; r++) {
                    assertArrayEquals(whole.features().get(k).perReplica()[r], resumed.features().get(k).perReplica()[r],
                            0.0);
                }
            }
        }
    }

    @Test
    void whatIsNotImplementedWithDecayIsRefusedNamingTheField() {
        Map<String, Experiment> refused = new HashMap<>();
        Experiment closed = experiment(Activation.RELU, 2, "sgd", 0.3, false, 64, 2);
        refused.put("simulation.kernels", new Experiment(closed.network(), null, closed.optimizer(), closed.loss(),
                closed.data(), closed.training(), new SimulationSpec(64, 2, 7, BackendChoice.CPU, Precision.FLOAT64,
                true, KernelSource.CLOSED_FORM)));
        // N x (T + 1) m kets: 65536 x 12006 values take 6 GiB each, 65536 x 6 is nothing without decay
        Experiment large = experiment(Activation.TANH, 2, "sgd", 0.3, false, 1 << 16, 2);
        refused.put("simulation.particles", new Experiment(large.network(), null, large.optimizer(), large.loss(),
                large.data(), new TrainingSpec(2000, 0, false, 100), large.simulation()));
        Experiment huge = experiment(Activation.TANH, 2, "sgd", 0.3, false, 1 << 20, 2);
        refused.put("training.steps", new Experiment(huge.network(), null, huge.optimizer(), huge.loss(), huge.data(),
                new TrainingSpec(2000, 0, false, 100), huge.simulation()));
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            refused.forEach((field, job) -> {
                InvalidSpecException x = assertThrows(InvalidSpecException.class,
                        () -> new NeuralTangentEngine().validate(job, backend));
                assertEquals(field, x.field(), x.getMessage());
            });
        }
    }

    /**
     * Adam's per-pair sums and moments take {@code 3 N^2} values: 4096 particles need 384 MiB for them, which a
     * 256 MiB limit refuses naming simulation.particles, while the same job with sgd fits.
     */
    @Test
    void pairStateThatDoesNotFitIsRefusedNamingTheParticles() {
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            for (String optimizer : new String[] {"adam", "sgd"}) {
                Experiment e = experiment(Activation.TANH, 2, optimizer, 0.3, false, 4096, 1);
                Experiment limited = new Experiment(e.network(), null, e.optimizer(), e.loss(), e.data(), e.training(),
                        new SimulationSpec(4096, 1, 7, BackendChoice.CPU, Precision.FLOAT64, true,
                                KernelSource.MONTE_CARLO, 256, 0));
                if (optimizer.equals("adam")) {
                    InvalidSpecException x = assertThrows(InvalidSpecException.class,
                            () -> new NeuralTangentEngine().validate(limited, backend));
                    assertEquals("simulation.particles", x.field(), x.getMessage());
                    assertTrue(x.getMessage().contains("pair sums and states"), x.getMessage());
                } else {
                    new NeuralTangentEngine().validate(limited, backend);
                }
            }
        }
    }

    /**
     * k outputs (LIMITS.md 2.4): with mse each output's error signal is its own and the kernel is the
     * same for every output, so output 0 of a 2-output run is the one-output run (its {@code f^init}
     * is the same draw), bit for bit; output 1, trained on other targets, differs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sgd", "momentum"})
    void outputZeroOfTwoIsTheOneOutputRun(String optimizer) {
        Experiment one = experiment(Activation.TANH, 2, optimizer, 0.3, true, 96, 2);
        one = new Experiment(one.network(), null, one.optimizer(), one.loss(), one.data(), one.training(),
                new SimulationSpec(96, 2, 7, BackendChoice.CPU, Precision.FLOAT64, false, KernelSource.MONTE_CARLO));
        Data twoTargets = new Data(withSecondTarget(NtExperiments.DATA.train()), withSecondTarget(NtExperiments.DATA.test()));
        Experiment two = new Experiment(one.network().withOutputs(2), null, one.optimizer(), one.loss(), twoTargets,
                one.training(), one.simulation());
        Trajectory single = run(one, Checkpoints.NONE, StepListener.NONE);
        Trajectory pair = run(two, Checkpoints.NONE, StepListener.NONE);
        int m = NtExperiments.DATA.size();
        double apart = 0;
        for (int r = 0; r < 2; r++) {
            for (int k = 0; k < single.steps().length; k++) {
                for (int i = 0; i < m; i++) {
                    assertEquals(single.outputs()[r][k][i], pair.outputs()[r][k][2 * i], 0.0, "replica " + r + " step " + k);
                    apart = Math.max(apart, Math.abs(pair.outputs()[r][k][2 * i + 1] - pair.outputs()[r][k][2 * i]));
                }
            }
        }
        assertTrue(apart > 0.1, "output 1 has its own draw and targets: " + apart);
    }

    /** The split with a second target per input: minus the first. */
    private static Dataset withSecondTarget(Dataset split) {
        double[] targets = new double[2 * split.targets().length];
        for (int j = 0; j < split.targets().length; j++) {
            targets[2 * j] = split.targets()[j];
            targets[2 * j + 1] = -split.targets()[j];
        }
        return new Dataset(split.inputs(), targets, 2);
    }

    private static Trajectory run(Experiment e, Checkpoints store, StepListener listener) {
        try (Backend backend = Backends.cpu(Precision.FLOAT64)) {
            Trajectory t = new NeuralTangentEngine().run(e, backend, listener, store);
            assertEquals(Trajectory.Status.COMPLETED, t.status());
            return t;
        }
    }
}
