package io.github.infinitewidth.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * Splits read from CSV files ({@code data.train.csv} and {@code data.test.csv} of a job file): a header
 * row, the target in the last column unless {@link #targetColumn} names another, or k targets in the
 * columns {@link #targetColumns} names (mse with {@link Simulation#outputs} k). Read when the simulation
 * runs, with the job file's messages.
 */
public final class CsvData implements DataSource {
    private final ObjectNode section;

    private CsvData(ObjectNode section) {
        this.section = section;
    }

    static CsvData train(Path file) {
        ObjectNode section = JsonNodeFactory.instance.objectNode();
        section.putObject("train").put("csv", file.toString());
        return new CsvData(section);
    }

    /** This data with a test split from another CSV file of the same columns. */
    public CsvData test(Path file) {
        ObjectNode copy = section.deepCopy();
        copy.putObject("test").put("csv", file.toString());
        for (String field : new String[] {"targetColumn", "targetColumns"}) {
            if (section.path("train").has(field)) {
                ((ObjectNode) copy.get("test")).set(field, section.path("train").get(field).deepCopy());
            }
        }
        return new CsvData(copy);
    }

    /** The column that holds the targets, in every split. */
    public CsvData targetColumn(String column) {
        ObjectNode copy = section.deepCopy();
        for (String split : new String[] {"train", "test"}) {
            if (copy.get(split) instanceof ObjectNode node) {
                node.remove("targetColumns");
                node.put("targetColumn", column);
            }
        }
        return new CsvData(copy);
    }

    /** The columns that hold the k targets of each input, in this order, in every split. */
    public CsvData targetColumns(String... columns) {
        ObjectNode copy = section.deepCopy();
        for (String split : new String[] {"train", "test"}) {
            if (copy.get(split) instanceof ObjectNode node) {
                node.remove("targetColumn");
                ArrayNode list = node.putArray("targetColumns");
                for (String column : columns) {
                    list.add(column);
                }
            }
        }
        return new CsvData(copy);
    }

    @Override
    public ObjectNode section() {
        return section.deepCopy();
    }

    @Override
    public String toString() {
        return section.toString();
    }
}
