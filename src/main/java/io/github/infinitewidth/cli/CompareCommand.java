package io.github.infinitewidth.cli;

import io.github.infinitewidth.backend.BackendUnavailableException;
import io.github.infinitewidth.job.Comparison;
import io.github.infinitewidth.job.ComparisonOutputs;
import io.github.infinitewidth.report.ComparisonPlot;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import io.github.infinitewidth.util.InvalidSpecException;

/**
 * {@code infinitewidth compare JOB.yaml --widths 256,1024,4096 [--engines nt-limit,mu-limit]} (JOB-SPEC.md,
 * "Comparing limits with finite networks"): the job's limit engines and finite networks of the matching
 * parametrization at each width ({@link Comparison}), run as a sweep ({@link SweepRunner}: shards,
 * {@code --parallel}, resuming and exit statuses are those of {@code sweep}), then {@code comparison.csv},
 * {@code distance.csv} and their plots drawn from every finished task in the folder
 * ({@link ComparisonOutputs}).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Runs a job's limit engines and finite networks of several widths, and compares them.")
final class CompareCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @ParentCommand
    private Main main;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job file (data, network, optimizer, steps).")
    private Path jobFile;

    @Option(names = "--widths", paramLabel = "W1,W2,...", required = true,
            description = "Widths of the finite networks, e.g. 256,1024,4096.")
    private String widths;

    @Option(names = "--engines", paramLabel = "E1,E2",
            description = "Limit engines: nt-limit, mu-limit or both (default: the job's engine if it is a limit"
                    + " engine, else both).")
    private String engines;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (default: runs/<job file name without extension>-compare).")
    private Path out;

    @Mixin
    private ShardOptions shards;

    @Mixin
    private JobOverrides jobOverrides;

    @Option(names = "--quiet", description = "Print errors only: no progress, no line per task.")
    private boolean quiet;

    @Override
    public Integer call() {
        Comparison[] comparison = new Comparison[1];
        SweepRunner runner = new SweepRunner(spec, main.progress(), shards.parallel, quiet, jobFile.toString(),
                Comparison.KIND, dir -> finish(comparison[0], dir));
        try {
            int[] shard = SweepRunner.shard(shards.shardIndex, shards.shardCount);
            runner.requireParallel();
            List<Integer> w = Comparison.widths(widths);
            List<String> e = engines == null ? null : Comparison.engines(engines);
            comparison[0] = Comparison.read(jobFile, w, e, jobOverrides.overrides());
            return runner.run(comparison[0].sweep(), out != null ? out : Comparison.defaultOut(jobFile), shard);
        } catch (InvalidSpecException ex) {
            return runner.fail(ex.getMessage(), Main.BAD_INPUT);
        } catch (BackendUnavailableException ex) {
            return runner.fail(ex.getMessage(), Main.BACKEND_UNAVAILABLE);
        }
    }

    /** The comparison's files from every finished task in the folder; plots that fail are warnings. */
    private List<String> finish(Comparison comparison, Path dir) throws java.io.IOException {
        ComparisonOutputs.Written written = ComparisonOutputs.write(dir, comparison.taskFolders(dir));
        if (!quiet) {
            spec.commandLine().getOut().println("wrote " + dir + " (" + String.join(", ", written.files()) + ")");
            if (written.files().contains(ComparisonPlot.FILE)) {
                spec.commandLine().getOut().println("the comparison: " + dir.resolve(ComparisonPlot.FILE));
            }
        }
        return written.problems();
    }
}
