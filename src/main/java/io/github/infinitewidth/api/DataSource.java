package io.github.infinitewidth.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a simulation's data come from: {@link Datasets#inline}, {@link Datasets#csv} or
 * {@link Datasets#fashionMnist}.
 */
public interface DataSource {

    /** The {@code data} section of a job file (JOB-SPEC.md) that this source stands for. */
    ObjectNode section();
}
