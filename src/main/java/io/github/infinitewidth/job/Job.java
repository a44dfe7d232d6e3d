package io.github.infinitewidth.job;

import io.github.infinitewidth.data.FashionMnist;
import io.github.infinitewidth.engine.Experiment;
import io.github.infinitewidth.engine.ReplicaRange;
import io.github.infinitewidth.util.Check;
import io.github.infinitewidth.util.InvalidSpecException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * A parsed and validated job (JOB-SPEC.md, "Job file"): the engine to run, the
 * {@link Experiment} it simulates, and the file it came from.
 *
 * @param engine     the job-file spelling of the engine, one of {@link #ENGINES}
 * @param experiment everything the engine needs, every default of JOB-SPEC.md filled in
 * @param file       the job file; null for a job built in code
 * @param fashionMnist where the data came from when they are Fashion-MNIST images (the resolved job
 *                     names them by this section rather than listing a million numbers); null for
 *                     inline or CSV data
 */
public record Job(String engine, Experiment experiment, Path file, FashionMnist fashionMnist) {

    /** The engine spellings of JOB-SPEC.md, in the order the spec lists them. */
    public static final List<String> ENGINES = List.of("mu-limit", "nt-limit", "finite");

    public Job {
        Check.present("engine", engine);
        if (!ENGINES.contains(engine)) {
            throw new InvalidSpecException("engine", Section.mustBeOneOf(ENGINES, Section.quoted(engine)));
        }
        Check.present("experiment", experiment);
    }

    /** A job whose data are inline or from CSV files. */
    public Job(String engine, Experiment experiment, Path file) {
        this(engine, experiment, file, null);
    }

    /**
     * This job run for the replicas of {@code range} only (a partial run, {@code run --replica-range});
     * null runs them all. The resolved job stays the same: the range says which replicas run, not
     * what they compute.
     *
     * @throws InvalidSpecException naming {@code --replica-range} when the range does not fit
     *         {@code simulation.replicas}
     */
    public Job withReplicaRange(ReplicaRange range) {
        Experiment e = experiment;
        return new Job(engine, new Experiment(e.network(), e.parametrization(), e.optimizer(), e.loss(), e.data(),
                e.training(), e.simulation().withReplicaRange(range)), file, fashionMnist);
    }

    /**
     * The fully resolved job as a tree in job-file form: defaults filled in and data inlined
     * (CSV files read; Fashion-MNIST data as their {@code data.fashionMnist} section), so that the run can be repeated from it alone (JOB-SPEC.md,
     * {@code summary.json} field {@code job}). Reading it back as a job file gives this job.
     */
    public ObjectNode resolvedTree() {
        return ResolvedJob.tree(this);
    }
}
