package io.github.infinitewidth.cli;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.BackendUnavailableException;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.engine.Engine;
import io.github.infinitewidth.engine.ReplicaRange;
import io.github.infinitewidth.engine.RunStopped;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.job.CheckpointException;
import io.github.infinitewidth.job.CheckpointFiles;
import io.github.infinitewidth.job.Engines;
import io.github.infinitewidth.job.Job;
import io.github.infinitewidth.job.JobFile;
import io.github.infinitewidth.job.JobIdentity;
import io.github.infinitewidth.job.RunOutputs;
import io.github.infinitewidth.state.SavedStateException;
import io.github.infinitewidth.util.InvalidSpecException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code infinitewidth run JOB.yaml} (JOB-SPEC.md, "Command line"). Everything that can be
 * checked is checked before {@code --out} is touched, the engine's own checks against the
 * opened backend and the checkpoint to resume from included, so bad input leaves nothing behind.
 * The run saves checkpoints into {@code --out}/checkpoint every {@code simulation.checkpointMinutes}
 * (and {@code checkpointEvery} steps), and on SIGTERM or SIGINT after its current step before it
 * stops ({@link StopSignals}); it deletes them once its outputs are written. {@code --resume}
 * continues from the latest one.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Runs a job file and writes its outputs.")
final class RunCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @ParentCommand
    private Main main;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job file (YAML or JSON).")
    private Path jobFile;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (default: runs/<job file name without extension>).")
    private Path out;

    @Mixin
    private JobOverrides jobOverrides;

    @Option(names = "--replica-range", paramLabel = "a:b", description = "Run only replicas a to b-1 (0-based) and"
            + " write a partial run, which merge combines with the other parts into the whole run.")
    private String replicaRange;

    @Option(names = "--resume", description = "Continue a stopped or killed run from the checkpoint in --out"
            + " (saved every simulation.checkpointMinutes and on SIGTERM or SIGINT); start it when there is none,"
            + " do nothing when it is finished.")
    private boolean resume;

    @Option(names = "--quiet", description = "Print errors only: no progress, no report of what was written.")
    private boolean quiet;

    /** For the launcher: print the Java heap this run needs ({@link JavaHeap}) and stop. */
    @Option(names = "--print-heap", hidden = true)
    private boolean printHeap;

    /**
     * Test seam: told after every step of every replica, besides the run's own listeners. A test sets
     * it to a listener that throws (or halts the JVM) to kill a run mid-way; null otherwise.
     */
    static volatile StepListener afterStep;

    @Override
    public Integer call() {
        try {
            Job job = JobFile.read(jobFile, jobOverrides.overrides());
            if (replicaRange != null) {
                job = job.withReplicaRange(ReplicaRange.parse(replicaRange));
            }
            Engine engine = Engines.named(job.engine());
            if (printHeap) {
                JavaHeap.forPlan(engine.memoryPlan(job.experiment(), job.experiment().simulation().precision()))
                        .ifPresent(megabytes -> spec.commandLine().getOut().println(megabytes + "m"));
                return Main.OK;
            }
            Path dir = out != null ? out : defaultOut(jobFile);
            OutputLock.requireUsable("--out", dir);
            SimulationSpec simulation = job.experiment().simulation();
            try (Backend opened = Backends.open(simulation.backend(), simulation.precision());
                 OutputLock lock = OutputLock.acquire("--out", validated(engine, job, opened, dir), this::say)) {
                CheckpointFiles checkpoints;
                if (resume) {
                    Integer finished = finishedRun(job, dir);
                    if (finished != null) {
                        return finished;
                    }
                    checkpoints = continued(job, dir, opened);
                } else {
                    checkpoints = CheckpointFiles.fresh(dir, job, opened);
                    startOver(dir);
                }
                return run(job, engine, opened, dir, checkpoints);
            }
        } catch (CheckpointException e) {
            return fail("--resume cannot continue: " + e.getMessage() + "; run without --resume to start over",
                    Main.BAD_INPUT);
        } catch (InvalidSpecException e) {
            return fail(e.getMessage(), Main.BAD_INPUT);
        } catch (BackendUnavailableException e) {
            return fail(e.getMessage(), Main.BACKEND_UNAVAILABLE);
        } catch (IOException e) {
            return fail(e.getMessage(), Main.FAILED);
        }
    }

    /** {@code dir}, once the engine's checks against the opened backend have passed (before it is locked). */
    private static Path validated(Engine engine, Job job, Backend backend, Path dir) {
        engine.validate(job.experiment(), backend);
        return dir;
    }

    private void say(String line) {
        if (!quiet) {
            spec.commandLine().getOut().println(line);
        }
    }

    /**
     * JOB-SPEC.md: limit engines ignore {@code network.width}. A width written for one is most likely meant
     * for a finite network, so the run says so, once, on stderr (even with --quiet: it is about the input).
     */
    private void warnIfWidthIgnored(Job job) {
        int width = job.experiment().network().width();
        if (width > 0 && !job.engine().equals("finite")) {
            spec.commandLine().getErr().println("warning: network.width is ignored by engine " + job.engine()
                    + " (the limit of infinite width; engine finite runs a network of width " + width + ")");
        }
    }

    /**
     * {@code --resume} on a folder that already holds this job's finished run (killed, at most, after
     * its outputs were written): nothing to continue. Returns the finished run's exit status, or null
     * when there is no finished run of this job in {@code dir}.
     */
    private Integer finishedRun(Job job, Path dir) {
        Path summary = dir.resolve(RunOutputs.SUMMARY);
        if (!Files.isRegularFile(summary)) {
            return null;
        }
        JsonNode read;
        try {
            read = new ObjectMapper().readTree(summary.toFile());
        } catch (IOException e) {
            return null;
        }
        if (!read.path("job").isObject()
                || JobIdentity.difference(JobIdentity.of(read.get("job")), JobIdentity.of(job)) != null
                || !RunOutputs.sameReplicas(read, job)) {
            return null;
        }
        try {
            CheckpointFiles.delete(dir);
        } catch (IOException e) {
            // a leftover checkpoint of a finished run harms nothing
        }
        if ("diverged".equals(read.path("status").asText())) {
            return fail("nothing to resume: " + dir + " holds this job's finished run, which diverged at step "
                    + read.path("divergedStep").asInt(), Main.DIVERGED);
        }
        if (!quiet) {
            spec.commandLine().getOut().println("nothing to resume: " + dir + " holds this job's finished run");
        }
        return Main.OK;
    }

    /**
     * {@code --resume} of a run that is not finished: from its checkpoint, checked first, or from step
     * 0 when it has none (killed before its first save, or never started), saying so, so that a
     * requeued batch job can always pass {@code --resume}.
     */
    private CheckpointFiles continued(Job job, Path dir, Backend backend) {
        if (CheckpointFiles.exists(dir)) {
            CheckpointFiles checkpoints = CheckpointFiles.resume(dir, job, backend);
            if (checkpoints.warning() != null) {
                spec.commandLine().getErr().println("warning: " + Main.oneLine(checkpoints.warning()));
            }
            return checkpoints;
        }
        if (!quiet) {
            spec.commandLine().getOut().println("nothing to resume: no checkpoint in " + dir.resolve(CheckpointFiles.FOLDER)
                    + "; starting at step 0");
        }
        return CheckpointFiles.fresh(dir, job, backend);
    }

    /** A run without {@code --resume} starts at step 0: an earlier run's checkpoint in {@code dir} goes. */
    private void startOver(Path dir) {
        if (!CheckpointFiles.exists(dir)) {
            return;
        }
        try {
            CheckpointFiles.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!quiet) {
            spec.commandLine().getOut().println("starting over: removed the checkpoint of an earlier run in "
                    + dir.resolve(CheckpointFiles.FOLDER) + " (--resume continues one)");
        }
    }

    /** Runs the validated job and writes its outputs; the only step that creates {@code dir}. */
    private int run(Job job, Engine engine, Backend backend, Path dir, CheckpointFiles checkpoints) {
        warnIfWidthIgnored(job);   // here, once the job is accepted: bad input stays one line
        if (!quiet) {
            // JOB-SPEC.md, simulation.memoryLimitMiB: say the memory need before starting
            spec.commandLine().getOut().println("running " + engine.name() + " on " + backend.description() + "; needs "
                    + engine.memoryPlan(job.experiment(), backend).describe()
                    + (backend.name().equals("cpu") ? "; " + JavaHeap.processEstimate() : ""));
            if (checkpoints.resumedPosition() != null) {
                spec.commandLine().getOut().println("resuming from the checkpoint at "
                        + checkpoints.resumedPosition());
            }
        }
        long start = System.nanoTime();
        int steps = job.experiment().training().steps();
        int replicas = job.experiment().simulation().replicas();
        int firstReplica = job.experiment().simulation().firstReplica();
        int runReplicas = job.experiment().simulation().endReplica() - firstReplica;
        Progress progress = Progress.of(quiet, main.progress(), spec.commandLine().getErr(), "step",
                (double) steps * runReplicas);
        StepListener listener = (replica, step, total) -> progress.update(
                (replica - firstReplica) * (double) steps + step + 1,
                (step + 1) + "/" + steps + " steps" + (replicas > 1 ? " of replica " + (replica + 1) + "/" + replicas
                        : ""));
        StepListener hook = afterStep;
        Trajectory trajectory;
        try (StopSignals signals = new StopSignals(checkpoints::requestStop, spec.commandLine().getErr())) {
            try {
                trajectory = engine.run(job.experiment(), backend, hook == null ? listener : hook.andThen(listener),
                        checkpoints);
            } catch (RunStopped stopped) {
                return fail("stopped by SIG" + signals.received() + " with a checkpoint at replica "
                        + (stopped.replica() + 1) + " of " + replicas + ", step " + stopped.step() + " of " + steps + " in "
                        + dir.resolve(CheckpointFiles.FOLDER) + "; run the same command with --resume to continue",
                        signals.status());
            } catch (SavedStateException e) {
                throw checkpoints.unusable(e);
            } catch (UncheckedIOException e) {
                return fail(Main.oneLine(e.getMessage()), Main.FAILED);
            } finally {
                progress.finish();
            }
        }
        double wallSeconds = checkpoints.wallSecondsBefore() + (System.nanoTime() - start) * 1e-9;
        RunOutputs.Written files;
        try {
            files = RunOutputs.write(dir, job, trajectory, backend, wallSeconds);
            CheckpointFiles.delete(dir);
        } catch (IOException e) {
            return fail("could not write the outputs to " + dir + ": " + e.getMessage(), Main.FAILED);
        }
        files.problems().forEach(problem -> spec.commandLine().getErr().println("warning: " + Main.oneLine(problem)));
        String written = dir + " (" + String.join(", ", files.files()) + ")";
        if (trajectory.status() == Trajectory.Status.DIVERGED) {
            return fail("run diverged at step " + trajectory.divergedStep()
                    + " (a non-finite output, loss, kernel or ket); the steps recorded before it are in " + written, Main.DIVERGED);
        }
        if (!quiet) {
            spec.commandLine().getOut().println("wrote " + written);
            if (job.experiment().simulation().partial()) {
                spec.commandLine().getOut().println("this is replicas " + job.experiment().simulation().replicaRange()
                        + " of " + replicas + ": merge the parts with bin/infinitewidth merge DIR1 DIR2 ... --out DIR");
            }
        }
        return Main.OK;
    }

    private int fail(String message, int status) {
        spec.commandLine().getErr().println(Main.oneLine(message));
        return status;
    }

    /** JOB-SPEC.md: {@code --out} defaults to {@code runs/<job file name without extension>}. */
    static Path defaultOut(Path jobFile) {
        String name = jobFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return Path.of("runs", dot > 0 ? name.substring(0, dot) : name);
    }

    /** {@code --backend} in the job-file spellings. */
    static final class BackendConverter implements ITypeConverter<BackendChoice> {
        @Override
        public BackendChoice convert(String value) {
            BackendChoice choice = BackendChoice.parse(value);
            if (choice == null) {
                throw new TypeConversionException("must be one of " + Arrays.stream(BackendChoice.values())
                        .map(BackendChoice::spelling).collect(Collectors.joining(", ")) + ", got \"" + value + "\"");
            }
            return choice;
        }
    }
}
