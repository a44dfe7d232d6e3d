package io.github.infinitewidth.job;

import io.github.infinitewidth.train.Dataset;
import io.github.infinitewidth.util.InvalidSpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A data split read from a CSV file (JOB-SPEC.md, {@code data.train.csv}): a header row, then
 * one row per input of plain comma-separated decimal numbers. The column named by
 * {@code targetColumn} (default: the last) holds the targets, or the columns listed in
 * {@code targetColumns} hold k targets per input in that order (mse with k outputs); all others
 * are the inputs in file order. The path is relative to the job file. Errors name the file, line and column.
 */
final class CsvSplit {
    /** Plain decimal numbers only: a cell like {@code NaN}, {@code 1,5} or {@code 0x1p3} is a mistake. */
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private CsvSplit() {}

    /** Reads the split described by section {@code s} ({@code csv} and optional {@code targetColumn}). */
    static Dataset read(Section s, Path jobFile) {
        String field = s.field("csv");
        Path file = JobReader.relative(jobFile, s.text("csv"));
        List<String> lines = lines(file, field);
        if (lines.isEmpty()) {
            throw new InvalidSpecException(field, "file " + file + " is empty: expected a header row");
        }
        List<String> header = header(lines.get(0), file, field);
        List<Integer> target = targetColumns(s, header, file);
        List<double[]> inputs = new ArrayList<>();
        List<Double> targets = new ArrayList<>();
        for (int line = 2; line <= lines.size(); line++) {
            String text = lines.get(line - 1);
            if (text.isBlank()) {
                continue;   // a trailing newline or spacer line is not a row
            }
            String[] cells = text.split(",", -1);
            if (cells.length != header.size()) {
                throw new InvalidSpecException(field, "file " + file + " line " + line + " has " + cells.length
                        + " cells but the header has " + header.size() + " columns");
            }
            double[] row = new double[header.size() - target.size()];
            double[] values = new double[cells.length];
            for (int c = 0, k = 0; c < cells.length; c++) {
                values[c] = cell(cells[c].trim(), file, line, header.get(c), field);
                if (!target.contains(c)) {
                    row[k++] = values[c];
                }
            }
            target.forEach(c -> targets.add(values[c]));
            inputs.add(row);
        }
        return new Dataset(inputs.toArray(new double[0][]), targets.stream().mapToDouble(Double::doubleValue).toArray(),
                target.size());
    }

    /** The target columns' indices: {@code targetColumns} in its order, else {@code targetColumn}, else the last. */
    private static List<Integer> targetColumns(Section s, List<String> header, Path file) {
        if (s.has("targetColumn") && s.has("targetColumns")) {
            throw new InvalidSpecException(s.field("targetColumns"), "cannot be combined with targetColumn: name one"
                    + " target column or a list of them");
        }
        List<String> names = new ArrayList<>();
        String field = s.field(s.has("targetColumns") ? "targetColumns" : "targetColumn");
        if (s.has("targetColumns")) {
            com.fasterxml.jackson.databind.JsonNode list = s.required("targetColumns", "");
            if (!list.isArray() || list.isEmpty()) {
                throw new InvalidSpecException(field, "must be a non-empty list of column names, got "
                        + Section.describe(list));
            }
            list.forEach(name -> names.add(name.asText()));
        } else {
            names.add(s.text("targetColumn", header.get(header.size() - 1)));
        }
        List<Integer> columns = new ArrayList<>();
        for (String name : names) {
            int column = header.indexOf(name);
            if (column < 0) {
                throw new InvalidSpecException(field, Section.quoted(name) + " is not a column of " + file
                        + " (columns: " + String.join(", ", header) + ")");
            }
            if (columns.contains(column)) {
                throw new InvalidSpecException(field, "names column " + Section.quoted(name) + " twice");
            }
            columns.add(column);
        }
        if (columns.size() >= header.size()) {
            throw new InvalidSpecException(field, "leaves no input column in " + file);
        }
        return columns;
    }

    private static List<String> lines(Path file, String field) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidSpecException(field, "file " + file + " does not exist");
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidSpecException(field, "file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Column names, trimmed and unquoted; a byte-order mark (spreadsheet exports) is dropped. */
    private static List<String> header(String line, Path file, String field) {
        String[] names = line.replace("\uFEFF", "").split(",", -1);
        for (int c = 0; c < names.length; c++) {
            names[c] = names[c].trim().replaceAll("^\"(.*)\"$", "$1");
        }
        List<String> header = Arrays.asList(names);
        if (header.size() < 2) {
            throw new InvalidSpecException(field, "file " + file
                    + " needs at least 2 columns (inputs and a target), got " + header.size());
        }
        for (int c = 0; c < names.length; c++) {
            if (header.indexOf(names[c]) != c) {
                throw new InvalidSpecException(field, "file " + file + " has two columns named "
                        + Section.quoted(names[c]));
            }
        }
        return header;
    }

    private static double cell(String text, Path file, int line, String column, String field) {
        if (!NUMBER.matcher(text).matches()) {
            throw new InvalidSpecException(field, "file " + file + " line " + line + " column " + column
                    + ": " + Section.quoted(text) + " is not a number");
        }
        double value = Double.parseDouble(text);
        if (!Double.isFinite(value)) {
            throw new InvalidSpecException(field, "file " + file + " line " + line + " column " + column
                    + ": " + text + " is not a finite number");
        }
        return value;
    }
}
