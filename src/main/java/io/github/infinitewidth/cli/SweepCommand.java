package io.github.infinitewidth.cli;

import io.github.infinitewidth.backend.BackendUnavailableException;
import io.github.infinitewidth.job.Sweep;
import io.github.infinitewidth.util.InvalidSpecException;
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

/**
 * {@code infinitewidth sweep SWEEP.yaml --out DIR} (JOB-SPEC.md, "Sweeps"): runs the tasks of a
 * sweep file that belong to this shard (task i to shard {@code i mod k}) into
 * {@code DIR/tasks/<task id>/}, {@code --parallel p} at a time, and keeps {@code DIR/sweep.csv} up
 * to date ({@link SweepRunner}). Finished tasks are skipped and interrupted ones resume from their checkpoints, so the
 * same command continues a killed sweep. Everything is checked before anything is written: the
 * sweep file, every grid value, every task of the shard (its job and engine checks), the folder's
 * earlier results and checkpoints.
 * A diverged task is a result; a task that fails (an error inside the engine) is recorded as
 * {@code failed} with its reason in {@code error.txt}, the others go on, and the exit status is 1.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Runs every task of a sweep file (or one shard of them) and writes sweep.csv.")
final class SweepCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @ParentCommand
    private Main main;

    @Parameters(index = "0", paramLabel = "SWEEP", description = "The sweep file: base job and grid.")
    private Path sweepFile;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (default: runs/<sweep file name without extension>).")
    private Path out;

    @Mixin
    private ShardOptions shards;

    @Option(names = "--list", description = "Print this shard's task ids and seeds and exit; writes nothing.")
    private boolean list;

    @Option(names = "--quiet", description = "Print errors only: no progress, no line per task.")
    private boolean quiet;

    @Override
    public Integer call() {
        SweepRunner runner = new SweepRunner(spec, main.progress(), shards.parallel, quiet, sweepFile.toString(), null,
                dir -> List.of());
        try {
            int[] shard = SweepRunner.shard(shards.shardIndex, shards.shardCount);
            runner.requireParallel();
            Sweep sweep = Sweep.read(sweepFile);
            if (list) {
                // streamed: a large grid's listing holds one task at a time
                sweep.shard(shard[0], shard[1]).forEach(t -> spec.commandLine().getOut().println(t.id() + " seed "
                        + t.seed()));
                return Main.OK;
            }
            return runner.run(sweep, out != null ? out : RunCommand.defaultOut(sweepFile), shard);
        } catch (InvalidSpecException e) {
            return runner.fail(e.getMessage(), Main.BAD_INPUT);
        } catch (BackendUnavailableException e) {
            return runner.fail(e.getMessage(), Main.BACKEND_UNAVAILABLE);
        }
    }
}
