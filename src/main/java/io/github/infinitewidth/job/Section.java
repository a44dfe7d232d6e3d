package io.github.infinitewidth.job;

import io.github.infinitewidth.util.InvalidSpecException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One mapping of a job file, read field by field. Every value is type-checked here and every
 * error names the field in the dotted spelling of JOB-SPEC.md ({@code optimizer.learningRate},
 * {@code data.train.inputs[2][0]}), so the command line can print it as the one line that tells
 * the user what to fix. An absent or null field means "use the default".
 */
final class Section {
    private final String path;
    /** An object node, or a missing node when the section is absent from the file. */
    private final JsonNode node;

    private Section(String path, JsonNode node) {
        this.path = path;
        this.node = node;
    }

    /** The top level of a job file. */
    static Section top(JsonNode root) {
        return new Section("", root);
    }

    /** The dotted name of field {@code name} of this section. */
    String field(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /**
     * Rejects any field not in {@code allowed}: the names are the contract (JOB-SPEC.md), so a
     * misspelt field must not be silently ignored in favour of its default. The message suggests
     * the allowed name nearest to a typo.
     */
    Section allowOnly(String... allowed) {
        List<String> names = List.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!names.contains(name)) {
                throw new InvalidSpecException(field(name), "is not a known field"
                        + (path.isEmpty() ? "" : " of " + path)
                        + NearestName.of(name, names).map(nearest -> "; did you mean " + nearest + "?").orElse("")
                        + " (allowed: " + String.join(", ", names) + ")");
            }
        }
        return this;
    }

    /** True when the field is given with a non-null value. */
    boolean has(String name) {
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    /** The nested mapping {@code name}; an empty section when absent. */
    Section section(String name) {
        if (!has(name)) {
            return new Section(field(name), MissingNode.getInstance());
        }
        JsonNode value = node.get(name);
        if (!value.isObject()) {
            throw new InvalidSpecException(field(name), "must be a mapping of fields, got " + describe(value));
        }
        return new Section(field(name), value);
    }

    /** The raw value of a required field. */
    JsonNode required(String name, String hint) {
        if (!has(name)) {
            throw new InvalidSpecException(field(name), "is required" + hint);
        }
        return node.get(name);
    }

    /** A required finite number. */
    double number(String name) {
        return number(required(name, ""), field(name));
    }

    /** A finite number, or {@code fallback} when absent. */
    double number(String name, double fallback) {
        return has(name) ? number(node.get(name), field(name)) : fallback;
    }

    /** A whole number that fits an int, or {@code fallback} when absent. */
    int integer(String name, int fallback) {
        if (!has(name)) {
            return fallback;
        }
        long value = wholeNumber(node.get(name), field(name));
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new InvalidSpecException(field(name), "must be between " + Integer.MIN_VALUE + " and "
                    + Integer.MAX_VALUE + ", got " + value);
        }
        return (int) value;
    }

    /** A whole number, or {@code fallback} when absent. */
    long longInteger(String name, long fallback) {
        return has(name) ? wholeNumber(node.get(name), field(name)) : fallback;
    }

    /** {@code true} or {@code false}, or {@code fallback} when absent. */
    boolean bool(String name, boolean fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode value = node.get(name);
        if (!value.isBoolean()) {
            throw new InvalidSpecException(field(name), "must be true or false, got " + describe(value));
        }
        return value.booleanValue();
    }

    /** A required string. */
    String text(String name) {
        JsonNode value = required(name, "");
        if (!value.isTextual()) {
            throw new InvalidSpecException(field(name), "must be a string, got " + describe(value));
        }
        return value.textValue();
    }

    /** A string, or {@code fallback} when absent. */
    String text(String name, String fallback) {
        return has(name) ? text(name) : fallback;
    }

    /** One of the spellings in {@code choices} (a required field), as its value. */
    <T> T choice(String name, Map<String, T> choices) {
        required(name, " (allowed: " + String.join(", ", choices.keySet()) + ")");
        return choice(name, choices, null);
    }

    /** One of the spellings in {@code choices}, or {@code fallback} when absent. */
    <T> T choice(String name, Map<String, T> choices, T fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode value = node.get(name);
        T chosen = value.isTextual() ? choices.get(value.textValue()) : null;
        if (chosen == null) {
            throw new InvalidSpecException(field(name), mustBeOneOf(choices.keySet(),
                    value.isTextual() ? quoted(value.textValue()) : describe(value)));
        }
        return chosen;
    }

    /** The job-file spellings of {@code values}, in declaration order, mapped to the values. */
    static <T> Map<String, T> spellings(T[] values, Function<T, String> spelling) {
        Map<String, T> map = new LinkedHashMap<>();
        for (T value : values) {
            map.put(spelling.apply(value), value);
        }
        return map;
    }

    /** The problem text for a value outside a fixed set of spellings. */
    static String mustBeOneOf(Collection<String> allowed, String got) {
        return "must be one of " + String.join(", ", allowed) + ", got " + got;
    }

    /** A string in double quotes, as error messages show what the user wrote. */
    static String quoted(String text) {
        return "\"" + text + "\"";
    }

    /** A finite number; strings are refused even when they spell one, as JSON and YAML type them. */
    static double number(JsonNode value, String field) {
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            throw new InvalidSpecException(field, "must be a finite number, got " + describe(value));
        }
        return value.doubleValue();
    }

    /** A whole number; {@code 100.0} and {@code 1e3} are accepted, {@code 2.5} is not. */
    private static long wholeNumber(JsonNode value, String field) {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isFloatingPointNumber()) {
            double d = value.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 0x1p63) {
                return (long) d;
            }
        }
        throw new InvalidSpecException(field, "must be a whole number, got " + describe(value));
    }

    /** How a value looks in an error message: strings quoted, containers by kind. */
    static String describe(JsonNode value) {
        if (value.isTextual()) {
            return "the string " + quoted(value.textValue());
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        return value.asText();
    }
}
