package io.github.infinitewidth.cli;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.BackendUnavailableException;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.engine.Engine;
import io.github.infinitewidth.engine.RunStopped;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.job.CheckpointException;
import io.github.infinitewidth.job.CheckpointFiles;
import io.github.infinitewidth.job.Engines;
import io.github.infinitewidth.job.Job;
import io.github.infinitewidth.job.RunOutputs;
import io.github.infinitewidth.job.Sweep;
import io.github.infinitewidth.job.SweepOutputs;
import io.github.infinitewidth.util.InvalidSpecException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs the tasks of a {@link Sweep} that belong to one shard into {@code DIR/tasks/<task id>/},
 * {@code --parallel p} at a time, and keeps {@code DIR/sweep.csv} up to date: what {@code sweep} and
 * {@code compare} share. Finished tasks are skipped and interrupted ones resume from their checkpoints,
 * so the same command continues a killed sweep. Everything is checked before anything is written: every
 * grid value (one task's job per value), every task of the shard (its job and engine checks), the
 * folder's earlier results and checkpoints. A diverged task is a
 * result; a task that fails (an error inside the engine) is recorded as {@code failed} with its reason
 * in {@code error.txt}, the others go on, and the exit status is 1.
 */
final class SweepRunner {
    /** What a command adds once the shard's tasks have run (files drawn from every task in the folder). */
    @FunctionalInterface
    interface Finish {
        /** @return warnings to print, one line each */
        List<String> after(Path dir) throws IOException;
    }

    private final CommandSpec spec;
    private final ProgressSettings settings;
    private final int parallel;
    private final boolean quiet;
    private final String label;
    private final String kind;
    private final Finish finish;

    private boolean plotProblemSaid;
    /** The checkpoints of the tasks running now, told to stop on SIGTERM or SIGINT ({@link StopSignals}). */
    private final java.util.Set<CheckpointFiles> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    /** Tasks done and time left on stderr while the tasks run; lines printed meanwhile go above it. */
    private Progress progress = Progress.none();
    private SweepProgress taskProgress;

    /**
     * @param label  what the first line names ({@code sweep <label>: 8 tasks; ...})
     * @param kind   {@code sweep.json}'s {@code kind}; null for a plain sweep
     * @param finish what to write after the tasks have run
     */
    SweepRunner(CommandSpec spec, ProgressSettings settings, int parallel, boolean quiet, String label, String kind,
                Finish finish) {
        this.spec = spec;
        this.settings = settings;
        this.parallel = parallel;
        this.quiet = quiet;
        this.label = label;
        this.kind = kind;
        this.finish = finish;
    }

    void requireParallel() {
        if (parallel < 1) {
            throw new InvalidSpecException("--parallel", "must be >= 1, got " + parallel);
        }
    }

    /**
     * {@code {i, k}} from {@code --shard-index} and {@code --shard-count}: {@code {0, 1}} without them.
     *
     * @throws InvalidSpecException when only one is given or the index is outside {@code 0..k-1}
     */
    static int[] shard(Integer shardIndex, Integer shardCount) {
        if ((shardIndex == null) != (shardCount == null)) {
            throw new InvalidSpecException(shardIndex == null ? "--shard-index" : "--shard-count",
                    "is required with " + (shardIndex == null ? "--shard-count" : "--shard-index"));
        }
        if (shardCount == null) {
            return new int[] {0, 1};
        }
        if (shardCount < 1) {
            throw new InvalidSpecException("--shard-count", "must be >= 1, got " + shardCount);
        }
        if (shardIndex < 0 || shardIndex >= shardCount) {
            throw new InvalidSpecException("--shard-index", "must be between 0 and " + (shardCount - 1)
                    + " (--shard-count " + shardCount + "), got " + shardIndex);
        }
        return new int[] {shardIndex, shardCount};
    }

    /** The tasks of shard {@code {i, k}}: task t belongs to shard {@code t mod k}. */
    static List<Sweep.Task> mine(Sweep sweep, int[] shard) {
        List<Sweep.Task> mine = new ArrayList<>();
        sweep.shard(shard[0], shard[1]).forEach(mine::add);
        return mine;
    }

    /**
     * Checks everything, then runs the shard's tasks into {@code dir}.
     *
     * @return the exit status: 0, 1 (some task failed), 2 (bad input), 3 (backend unavailable)
     */
    int run(Sweep sweep, Path dir, int[] shard) {
        try {
            OutputLock.requireUsable("--out", dir);
            sweep.validate();   // one task per grid value: a bad grid value is found before any task runs
            List<Sweep.Task> mine = mine(sweep, shard);
            SweepOutputs.requireSameSweep(dir, sweep);
            Map<Integer, SweepOutputs.State> states = check(mine, dir);
            return run(sweep, mine, states, dir, shard[1], shard[0]);
        } catch (InvalidSpecException e) {
            return fail(e.getMessage(), Main.BAD_INPUT);
        } catch (BackendUnavailableException e) {
            return fail(e.getMessage(), Main.BACKEND_UNAVAILABLE);
        } catch (IOException | UncheckedIOException e) {
            return fail("could not write the sweep outputs: " + e.getMessage(), Main.FAILED);
        }
    }

    /**
     * Every check that can fail on bad input, before anything is written: each task's engine checks
     * against the backend it will use, what its folder holds (a finished run of this job, or a
     * checkpoint that is intact and this job's).
     */
    private Map<Integer, SweepOutputs.State> check(List<Sweep.Task> mine, Path dir) {
        Map<Integer, SweepOutputs.State> states = new HashMap<>();
        Map<String, Backend> backends = new HashMap<>();
        try {
            for (Sweep.Task t : mine) {
                SweepOutputs.State state = SweepOutputs.state(dir, t);
                states.put(t.index(), state);
                if (state == SweepOutputs.State.COMPLETED || state == SweepOutputs.State.DIVERGED) {
                    continue;
                }
                SimulationSpec s = t.job().experiment().simulation();
                Backend backend = backends.computeIfAbsent(s.backend() + "/" + s.precision(),
                        key -> Backends.open(s.backend(), s.precision()));
                try {
                    Engines.named(t.job().engine()).validate(t.job().experiment(), backend);
                } catch (InvalidSpecException e) {
                    throw new InvalidSpecException("task " + t.id(), "has a problem: " + e.getMessage());
                }
                try {
                    CheckpointFiles.inspect(SweepOutputs.taskFolder(dir, t), t.job());
                } catch (CheckpointException e) {
                    throw new InvalidSpecException("task " + t.id(), "cannot continue: " + e.getMessage()
                            + "; delete that checkpoint folder to restart the task");
                }
            }
        } finally {
            backends.values().forEach(Backend::close);
        }
        return states;
    }

    private int run(Sweep sweep, List<Sweep.Task> mine, Map<Integer, SweepOutputs.State> states, Path dir, int k,
                    int i) throws IOException {
        List<Sweep.Task> pending = new ArrayList<>();
        int resuming = 0;
        for (Sweep.Task t : mine) {
            SweepOutputs.State state = states.get(t.index());
            if (state == SweepOutputs.State.PENDING || state == SweepOutputs.State.FAILED) {
                pending.add(t);
                resuming += CheckpointFiles.exists(SweepOutputs.taskFolder(dir, t)) ? 1 : 0;
            }
        }
        say(spec.name() + " " + label + ": " + sweep.tasks().size() + " tasks" + (k > 1 ? "; shard " + i + " of " + k
                + " has " + mine.size() : "") + "; " + (mine.size() - pending.size()) + " finished already, "
                + pending.size() + " to run" + (resuming > 0 ? " (" + resuming + " from checkpoints)" : "")
                + (parallel > 1 ? ", " + parallel + " at a time" : ""));
        Files.createDirectories(dir.resolve(SweepOutputs.TASKS));
        SweepOutputs.writeDescription(dir, sweep, kind);
        writeTableNow(sweep, dir);
        progress = Progress.of(quiet, settings, spec.commandLine().getErr(), "task", pending.size());
        taskProgress = new SweepProgress(progress, pending.size());
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        int failed = 0;
        StopSignals signals = new StopSignals(() -> {
            stopping = true;
            running.forEach(CheckpointFiles::requestStop);
        }, spec.commandLine().getErr());
        try (signals) {
            List<Future<SweepOutputs.State>> results = new ArrayList<>();
            for (Sweep.Task t : pending) {
                results.add(pool.submit(() -> runTask(sweep, t, dir)));
            }
            for (Future<SweepOutputs.State> r : results) {
                try {
                    failed += r.get() == SweepOutputs.State.FAILED ? 1 : 0;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a sweep task escaped its error handling", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for sweep tasks", e);
                }
            }
        } finally {
            pool.shutdownNow();
            progress.finish();
        }
        Map<SweepOutputs.State, Integer> counts = writeTableNow(sweep, dir);
        StringBuilder summary = new StringBuilder();
        counts.forEach((state, n) -> summary.append(summary.length() == 0 ? "" : ", ").append(n).append(' ')
                .append(state.spelling()));
        say("wrote " + dir.resolve(SweepOutputs.TABLE) + " (" + (summary.length() == 0 ? "no results yet" : summary)
                + ")");
        if (stopping) {
            return fail("stopped by SIG" + signals.received() + ": running tasks saved checkpoints; run the same command"
                    + " again to continue", signals.status());
        }
        finish.after(dir).forEach(this::warn);
        if (failed > 0) {
            return fail(failed + " task" + (failed == 1 ? "" : "s") + " of this " + spec.name() + " failed (see"
                    + " error.txt in their folders); running the " + spec.name() + " again retries them", Main.FAILED);
        }
        return Main.OK;
    }

    /**
     * Runs one task into its folder, continuing from its checkpoint when it has one. Diverged is a
     * result; any error is recorded as the task's failure, never thrown.
     */
    private SweepOutputs.State runTask(Sweep sweep, Sweep.Task t, Path dir) {
        Path folder = SweepOutputs.taskFolder(dir, t);
        SweepOutputs.State state;
        String detail;
        long start = System.nanoTime();
        try (OutputLock lock = OutputLock.acquire("task " + t.id(), folder, this::say)) {
            SweepOutputs.clearError(dir, t);
            Job job = t.job();
            Engine engine = Engines.named(job.engine());
            try (Backend backend = open(job.experiment().simulation())) {
                CheckpointFiles checkpoints = CheckpointFiles.exists(folder)
                        ? CheckpointFiles.resume(folder, job, backend) : CheckpointFiles.fresh(folder, job, backend);
                if (stopping) {
                    return SweepOutputs.State.PENDING;
                }
                StepListener steps = taskProgress.start(t.id(), job.experiment().simulation().replicas());
                StepListener hook = RunCommand.afterStep;
                running.add(checkpoints);
                if (stopping) {
                    checkpoints.requestStop();
                }
                Trajectory trajectory;
                try {
                    trajectory = engine.run(job.experiment(), backend, hook == null ? steps : hook.andThen(steps),
                            checkpoints);
                } catch (RunStopped stopped) {
                    say("task " + t.id() + " stopped with a checkpoint at replica " + (stopped.replica() + 1) + ", step "
                            + stopped.step());
                    taskProgress.finish(t.id());
                    return SweepOutputs.State.PENDING;
                } finally {
                    running.remove(checkpoints);
                }
                double wall = checkpoints.wallSecondsBefore() + (System.nanoTime() - start) * 1e-9;
                RunOutputs.Written written = RunOutputs.write(folder, job, trajectory, backend, wall);
                written.problems().forEach(problem -> warn("task " + t.id() + ": " + problem));
                CheckpointFiles.delete(folder);
                state = trajectory.status() == Trajectory.Status.DIVERGED ? SweepOutputs.State.DIVERGED
                        : SweepOutputs.State.COMPLETED;
                detail = state == SweepOutputs.State.DIVERGED ? " at step " + trajectory.divergedStep() : "";
            }
        } catch (OutputLock.InUseException e) {
            // another process runs this task (the same shard started twice): its result will be in the folder
            state = SweepOutputs.State.PENDING;
            detail = ": " + Main.oneLine(e.getMessage());
        } catch (RuntimeException | IOException | OutOfMemoryError e) {
            // one task's failure, even running out of heap, must not take the other tasks down
            try {
                SweepOutputs.writeError(dir, t, e);
            } catch (IOException unwritable) {
                e.addSuppressed(unwritable);
            }
            state = SweepOutputs.State.FAILED;
            detail = ": " + Main.oneLine(String.valueOf(e));
        }
        try {
            writeTableNow(sweep, dir);
        } catch (IOException e) {
            detail += " (" + SweepOutputs.TABLE + " not updated: " + e.getMessage() + ")";
        }
        String line = "task " + t.id() + " " + (state == SweepOutputs.State.PENDING ? "skipped" : state.spelling()) + detail + String.format(Locale.ROOT, " (%.1f s)",
                (System.nanoTime() - start) * 1e-9);
        if (state == SweepOutputs.State.FAILED || state == SweepOutputs.State.PENDING) {
            synchronized (this) {
                progress.aboveBar(() -> spec.commandLine().getErr().println(line));
            }
        } else {
            say(line);
        }
        taskProgress.finish(t.id());
        return state;
    }

    /**
     * The table and its plot are rewritten after every task, so that both show a long sweep's results
     * so far; one writer at a time within this process. A plot that cannot be drawn is said once.
     */
    private synchronized Map<SweepOutputs.State, Integer> writeTableNow(Sweep sweep, Path dir) throws IOException {
        Map<SweepOutputs.State, Integer> counts = SweepOutputs.writeTable(dir, sweep);
        SweepOutputs.writePlot(dir).filter(problem -> !plotProblemSaid).ifPresent(problem -> {
            plotProblemSaid = true;
            warn(problem);
        });
        return counts;
    }

    /**
     * The task's backend. With {@code --parallel p} on the CPU each task gets {@code 1/p} of the
     * processors (the numbers do not depend on the thread count).
     */
    private Backend open(SimulationSpec s) {
        Backend backend = Backends.open(s.backend(), s.precision());
        if (parallel > 1 && s.backend() != BackendChoice.CUDA && backend.name().equals("cpu")) {
            backend.close();
            return Backends.cpu(s.precision(), Math.max(1, Runtime.getRuntime().availableProcessors() / parallel));
        }
        return backend;
    }

    synchronized void say(String line) {
        if (!quiet) {
            PrintWriter o = spec.commandLine().getOut();
            progress.aboveBar(() -> o.println(line));
        }
    }

    private synchronized void warn(String problem) {
        progress.aboveBar(() -> spec.commandLine().getErr().println("warning: " + Main.oneLine(problem)));
    }

    int fail(String message, int status) {
        synchronized (this) {
            progress.aboveBar(() -> spec.commandLine().getErr().println(Main.oneLine(message)));
        }
        return status;
    }
}
