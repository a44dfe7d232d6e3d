package io.github.infinitewidth.cli;

import io.github.infinitewidth.backend.Backend;
import io.github.infinitewidth.backend.BackendChoice;
import io.github.infinitewidth.backend.BackendUnavailableException;
import io.github.infinitewidth.backend.Backends;
import io.github.infinitewidth.engine.Engine;
import io.github.infinitewidth.engine.SimulationSpec;
import io.github.infinitewidth.engine.StepListener;
import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.job.Job;
import io.github.infinitewidth.job.JobFile;
import io.github.infinitewidth.job.Overrides;
import io.github.infinitewidth.job.RunOutputs;
import io.github.infinitewidth.util.InvalidSpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code infinitewidth run JOB.yaml} (JOB-SPEC.md, "Command line"). Everything that can be
 * checked is checked before {@code --out} is touched, the engine's own checks against the
 * opened backend included, so bad input leaves nothing behind.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Runs a job file and writes its outputs.")
final class RunCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job file (YAML or JSON).")
    private Path jobFile;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (default: runs/<job file name without extension>).")
    private Path out;

    @Option(names = "--backend", paramLabel = "auto|cpu|cuda", converter = BackendConverter.class,
            description = "Overrides simulation.backend.")
    private BackendChoice backend;

    @Option(names = "--seed", paramLabel = "N", description = "Overrides simulation.seed.")
    private Long seed;

    @Option(names = "--particles", paramLabel = "N", description = "Overrides simulation.particles.")
    private Integer particles;

    @Option(names = "--replicas", paramLabel = "R", description = "Overrides simulation.replicas.")
    private Integer replicas;

    @Option(names = "--steps", paramLabel = "T", description = "Overrides training.steps.")
    private Integer steps;

    @Option(names = "--resume", description = "Continue from a checkpoint (not available yet).")
    private boolean resume;

    @Option(names = "--quiet", description = "Print errors only.")
    private boolean quiet;

    @Override
    public Integer call() {
        try {
            if (resume) {
                // Refused rather than ignored: silently starting over would not be what was asked for.
                throw new InvalidSpecException("--resume", "is not available yet in this version (checkpoints come"
                        + " later); run without --resume to start over");
            }
            Job job = JobFile.read(jobFile, new Overrides(seed, particles, replicas, steps, backend));
            Engine engine = Engines.named(job.engine());
            Path dir = out != null ? out : defaultOut(jobFile);
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new InvalidSpecException("--out", dir + " exists and is not a directory");
            }
            SimulationSpec simulation = job.experiment().simulation();
            try (Backend opened = Backends.open(simulation.backend(), simulation.precision())) {
                engine.validate(job.experiment(), opened);
                return run(job, engine, opened, dir);
            }
        } catch (InvalidSpecException e) {
            return fail(e.getMessage(), Main.BAD_INPUT);
        } catch (BackendUnavailableException e) {
            return fail(e.getMessage(), Main.BACKEND_UNAVAILABLE);
        }
    }

    /** Runs the validated job and writes its outputs; the only step that creates {@code dir}. */
    private int run(Job job, Engine engine, Backend backend, Path dir) {
        if (!quiet) {
            // DESIGN.md: say the memory need before starting
            spec.commandLine().getOut().println("running " + engine.name() + " on " + backend.description() + "; needs "
                    + engine.memoryPlan(job.experiment(), backend.precision()).describe());
        }
        long start = System.nanoTime();
        Trajectory trajectory = engine.run(job.experiment(), backend, StepListener.NONE);
        double wallSeconds = (System.nanoTime() - start) * 1e-9;
        List<String> files;
        try {
            files = RunOutputs.write(dir, job, trajectory, backend, wallSeconds);
        } catch (IOException e) {
            return fail("could not write the outputs to " + dir + ": " + e.getClass().getSimpleName() + " "
                    + e.getMessage(), Main.FAILED);
        }
        String written = dir + " (" + String.join(", ", files) + ")";
        if (trajectory.status() == Trajectory.Status.DIVERGED) {
            return fail("run diverged at step " + trajectory.divergedStep()
                    + " (non-finite outputs); the steps recorded before it are in " + written, Main.DIVERGED);
        }
        if (!quiet) {
            spec.commandLine().getOut().println("wrote " + written);
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
