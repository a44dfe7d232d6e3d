package io.github.infinitewidth.api;

import io.github.infinitewidth.job.ComparisonOutputs;
import io.github.infinitewidth.job.SweepOutputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The tables of a {@code compare} folder (JOB-SPEC.md, "Comparing limits with finite networks") for a
 * notebook: the rows of {@code comparison.csv} (with their output component), those of {@code distance.csv},
 * each limit's Monte Carlo floor and, when the loss classifies, the rows of {@code accuracy.csv}, computed
 * from the task folders as {@code compare} computes them. Running the comparison itself
 * is {@code bin/infinitewidth compare}.
 */
public final class Comparisons {
    private Comparisons() {}

    /** The tables of the finished tasks in {@code dir}, a folder {@code compare} wrote. */
    public static ComparisonOutputs.Tables read(Path dir) throws IOException {
        Path tasks = dir.resolve(SweepOutputs.TASKS);
        if (!Files.isDirectory(tasks)) {
            throw new IOException(dir + " is not a compare folder (it has no " + SweepOutputs.TASKS + "/)");
        }
        List<Path> folders;
        try (Stream<Path> list = Files.list(tasks)) {
            folders = list.filter(Files::isDirectory).sorted().toList();   // ids start with the task index
        }
        return ComparisonOutputs.tables(folders);
    }
}
