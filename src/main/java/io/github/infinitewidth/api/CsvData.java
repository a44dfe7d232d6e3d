package io.github.infinitewidth.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * Splits read from CSV files ({@code data.train.csv} and {@code data.test.csv} of a job file): a header
 * row, the target in the last column unless {@link #targetColumn} names another. Read when the
 * simulation runs, with the job file's messages.
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
        if (section.path("train").has("targetColumn")) {
            ((ObjectNode) copy.get("test")).put("targetColumn", section.path("train").get("targetColumn").asText());
        }
        return new CsvData(copy);
    }

    /** The column that holds the targets, in every split. */
    public CsvData targetColumn(String column) {
        ObjectNode copy = section.deepCopy();
        for (String split : new String[] {"train", "test"}) {
            if (copy.get(split) instanceof ObjectNode node) {
                node.put("targetColumn", column);
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
