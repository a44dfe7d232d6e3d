package io.github.infinitewidth.cli;

import io.github.infinitewidth.engine.Trajectory;
import io.github.infinitewidth.job.Comparison;
import io.github.infinitewidth.job.ComparisonOutputs;
import io.github.infinitewidth.job.ReplicaMerge;
import io.github.infinitewidth.job.SweepOutputs;
import io.github.infinitewidth.util.InvalidSpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code infinitewidth merge DIR1 DIR2 ... --out DIR} (JOB-SPEC.md, "Sweeps"): one
 * {@code sweep.csv} (and its {@code sweep.png}) from the shard folders of one sweep, rows in task order. Shards of different
 * sweeps, or a task found in two shards, are bad input (exit status 2). Missing tasks are listed,
 * not an error: a merge may be taken while shards still run.
 *
 * <p>When the inputs are partial runs ({@code run --replica-range}; JOB-SPEC.md, "Replicas across
 * machines") it writes the whole run's files instead ({@link ReplicaMerge}); there a missing replica is
 * an error, since the whole run's numbers cannot be had without it.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Combines the sweep.csv of the shard folders of one sweep into one, or the partial runs of"
                + " one job (run --replica-range) into the whole run.")
final class MergeCommand implements Callable<Integer> {
    /** How many missing task ids are named before "and N more". */
    private static final int NAMED = 5;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "DIR",
            description = "Shard output folders, or partial run folders.")
    private List<Path> inputs;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where the merged sweep.csv goes.")
    private Path out;

    @Option(names = "--quiet", description = "Print errors only.")
    private boolean quiet;

    @Override
    public Integer call() {
        try {
            OutputLock.requireUsable("--out", out);
            try (OutputLock lock = OutputLock.acquire("--out", out, this::say)) {
                return merge();
            }
        } catch (InvalidSpecException e) {
            spec.commandLine().getErr().println(Main.oneLine(e.getMessage()));
            return Main.BAD_INPUT;
        } catch (IOException e) {
            spec.commandLine().getErr().println(Main.oneLine("could not write " + out + ": " + e.getMessage()));
            return Main.FAILED;
        }
    }

    private void say(String line) {
        if (!quiet) {
            spec.commandLine().getOut().println(line);
        }
    }

    /** Merges the inputs into {@code out}, which this process holds locked. */
    private int merge() throws IOException {
        if (ReplicaMerge.arePartialRuns(inputs)) {
            return mergeReplicas();
        }
        SweepOutputs.Merged merged = SweepOutputs.merge(inputs, out);
        SweepOutputs.writePlot(out).ifPresent(problem ->
                spec.commandLine().getErr().println("warning: " + Main.oneLine(problem)));
        if (Comparison.KIND.equals(merged.kind())) {
            // a comparison's files come from the task folders, wherever each shard left them
            ComparisonOutputs.write(out, List.copyOf(merged.folders().values())).problems().forEach(problem ->
                    spec.commandLine().getErr().println("warning: " + Main.oneLine(problem)));
        }
        if (!quiet) {
            spec.commandLine().getOut().println("merged " + merged.rows() + " of " + merged.tasks() + " tasks from "
                    + inputs.size() + " folder" + (inputs.size() == 1 ? "" : "s") + " into "
                    + out.resolve(SweepOutputs.TABLE));
            if (!merged.missing().isEmpty()) {
                List<String> named = merged.missing().subList(0, Math.min(NAMED, merged.missing().size()));
                int more = merged.missing().size() - named.size();
                spec.commandLine().getOut().println("missing: " + String.join(", ", named)
                        + (more > 0 ? " and " + more + " more" : ""));
            }
        }
        return Main.OK;
    }

    /** The partial runs of one job into the whole run: exit status as {@code run} would have given. */
    private int mergeReplicas() throws IOException {
        ReplicaMerge.Merged merged = ReplicaMerge.merge(inputs, out);
        merged.files().problems().forEach(problem ->
                spec.commandLine().getErr().println("warning: " + Main.oneLine(problem)));
        String written = out + " (" + String.join(", ", merged.files().files()) + ")";
        if (merged.trajectory().status() == Trajectory.Status.DIVERGED) {
            spec.commandLine().getErr().println(Main.oneLine("merged run diverged at step "
                    + merged.trajectory().divergedStep() + (merged.divergedIn() == null
                    ? " (its estimates over all replicas overflow)" : " (in the replicas of " + merged.divergedIn() + ")")
                    + "; the steps recorded before it are in " + written));
            return Main.DIVERGED;
        }
        if (!quiet) {
            spec.commandLine().getOut().println("merged " + merged.replicas() + " replicas from " + inputs.size()
                    + " partial runs into " + written);
        }
        return Main.OK;
    }
}
