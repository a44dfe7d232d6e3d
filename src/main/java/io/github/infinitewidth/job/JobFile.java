package io.github.infinitewidth.job;

import io.github.infinitewidth.util.InvalidSpecException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads job files (JOB-SPEC.md, "Job file"): YAML, or JSON, which the YAML reader accepts too.
 * Every problem is an {@link InvalidSpecException} whose message is the one line the command
 * line prints: the dotted field and what is wrong, or {@code job file} and the line and column
 * when the text itself does not parse.
 */
public final class JobFile {
    /** The longest job or sweep file read, in characters (the YAML parser's own default limit). */
    static final int MAX_CODE_POINTS = 3 * 1024 * 1024;

    /**
     * Duplicate keys are refused: with YAML's "last one wins" a repeated field would silently vanish.
     * Anchors and aliases are expanded by {@link YamlTree}, within its bound.
     */
    private static final LoaderOptions LOADER_OPTIONS = loaderOptions();
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .loaderOptions(LOADER_OPTIONS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        return options;
    }

    private JobFile() {}

    /** Reads and validates a job file as written. */
    public static Job read(Path file) {
        return read(file, Overrides.NONE);
    }

    /**
     * Reads a job file, applies command-line overrides, then validates: an override goes through
     * the same checks as the value it replaces (JOB-SPEC.md: command-line values override the file).
     *
     * @throws InvalidSpecException naming the field (or {@code job file}) and the problem
     */
    public static Job read(Path file, Overrides overrides) {
        ObjectNode root = tree(file);
        overrides.applyTo(root);
        return new JobReader(file).read(root);
    }

    /**
     * A job from a tree in job-file form, validated exactly as a job file is: how the notebook API and
     * sweeps build jobs. Paths in it ({@code csv}, {@code directory}) are relative to {@code file}'s
     * folder, or to the working directory when {@code file} is null (a job built in code).
     *
     * @throws InvalidSpecException naming the field and the problem
     */
    public static Job read(ObjectNode root, Path file) {
        return new JobReader(file).read(root);
    }

    /** The tree of a job file as written, unvalidated (the notebook API starts from it). */
    public static ObjectNode tree(Path file) {
        return tree(file, "job file", "engine, network, ...");
    }

    /**
     * The mapping at the top of a YAML or JSON file; problems are named after {@code label}
     * ({@code job file}, {@code sweep file}).
     */
    static ObjectNode tree(Path file, String label, String fields) {
        if (!Files.exists(file)) {
            throw new InvalidSpecException(label, file + " does not exist");
        }
        JsonNode root;
        try {
            root = YamlTree.read(YAML, text(file, label), LOADER_OPTIONS, label, file.toString());
        } catch (JsonProcessingException e) {
            throw syntaxError(file, label, e);
        } catch (IOException e) {
            throw new InvalidSpecException(label, file + " cannot be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new InvalidSpecException(label, file + " is empty");
        }
        if (!root.isObject()) {
            throw new InvalidSpecException(label, file + " must be a mapping of fields (" + fields + "), got "
                    + Section.describe(root));
        }
        return (ObjectNode) root;
    }

    /**
     * The file's text, refused when it is not UTF-8 or longer than {@link #MAX_CODE_POINTS}: checked
     * here, before parsing, because the parser takes half a minute to find a 10 MB value too long.
     */
    private static String text(Path file, String label) {
        try {
            long bytes = Files.size(file);
            if (bytes > 4L * MAX_CODE_POINTS) {
                throw tooLong(file, label);
            }
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
            if (text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
                throw tooLong(file, label);
            }
            return text;
        } catch (CharacterCodingException e) {
            throw new InvalidSpecException(label, file + " is not UTF-8 text (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new InvalidSpecException(label, file + " cannot be read: " + e);
        }
    }

    private static InvalidSpecException tooLong(Path file, String label) {
        return new InvalidSpecException(label, file + " is longer than " + MAX_CODE_POINTS
                + " characters (put large data into a csv file: data.train.csv)");
    }

    /**
     * The one-line error for text that does not parse. YAML's {@code .nan} and {@code .inf} are
     * numbers the parser cannot convert; they get the message any non-finite number gets, under
     * the field's own name, since the parser knows where it was.
     */
    private static InvalidSpecException syntaxError(Path file, String label, JsonProcessingException e) {
        if (e.getProcessor() instanceof JsonParser parser && e.getCause() instanceof NumberFormatException
                && parser.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
            String text = textOrNull(parser);
            return new InvalidSpecException(dotted(parser.getParsingContext().pathAsPointer().toString()),
                    "must be a finite number, got " + (text == null ? "a value that is not one" : text));
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? file.toString() : file + ":" + at.getLineNr() + ":" + at.getColumnNr();
        return new InvalidSpecException(label, where + " is not valid YAML: " + reason(e));
    }

    private static String textOrNull(JsonParser parser) {
        try {
            return parser.getText();
        } catch (IOException unreadable) {
            return null;
        }
    }

    /**
     * The parser's explanation on one line. SnakeYAML's messages span several lines (context,
     * problem, an excerpt with a caret); the problem line is the useful one.
     */
    private static String reason(JsonProcessingException e) {
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException yaml && yaml.getProblem() != null) {
            return yaml.getProblem().strip();
        }
        return e.getOriginalMessage().lines().findFirst().orElse("").strip();
    }

    /** JSON pointer {@code /data/train/inputs/0/1} to the spec's {@code data.train.inputs[0][1]}. */
    private static String dotted(String pointer) {
        StringBuilder field = new StringBuilder();
        for (String part : pointer.substring(1).split("/")) {
            if (part.matches("\\d+")) {
                field.append('[').append(part).append(']');
            } else {
                field.append(field.length() == 0 ? "" : ".").append(part.replace("~1", "/").replace("~0", "~"));
            }
        }
        return field.toString();
    }
}
