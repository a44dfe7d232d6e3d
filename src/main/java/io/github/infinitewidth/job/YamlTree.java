package io.github.infinitewidth.job;

import io.github.infinitewidth.util.InvalidSpecException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Builds the tree of one YAML document token by token, so that anchors ({@code &name}) and aliases
 * ({@code *name}) work: Jackson's own tree reader hands an alias over as the string of its name.
 * An alias stands for a copy of the anchored value. Aliases of aliases can make a short file stand
 * for an enormous tree ("billion laughs"), so the tree may hold at most {@link #MAX_NODES} values in
 * all: more than any job file that fits in the parser's size limit can spell out without aliases.
 */
final class YamlTree {
    /** The most values (scalars, lists and mappings) a document may expand to. */
    static final int MAX_NODES = 2_000_000;

    private final YAMLParser parser;
    private final String label;
    private final String file;
    private final Map<String, JsonNode> anchors = new HashMap<>();
    /** The anchors of scalars by the offset where the scalar starts: the parser reports only those of collections. */
    private final Map<Long, String> scalarAnchors;
    private long nodes;

    private YamlTree(YAMLParser parser, String label, String file, Map<Long, String> scalarAnchors) {
        this.parser = parser;
        this.scalarAnchors = scalarAnchors;
        this.label = label;
        this.file = file;
    }

    /**
     * The first document's tree, or null when the text holds none.
     *
     * @throws IOException as the parser throws it (a syntax error, a number it cannot convert)
     * @throws InvalidSpecException naming {@code label} when aliases expand beyond {@link #MAX_NODES}
     *     or name an anchor not defined before them
     */
    static JsonNode read(YAMLFactory factory, String text, LoaderOptions options, String label, String file)
            throws IOException {
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken first = parser.nextToken();
            return first == null ? null
                    : new YamlTree((YAMLParser) parser, label, file, scalarAnchors(text, options)).value(first);
        }
    }

    /** Where an anchored scalar starts, and its anchor; read by SnakeYAML's own event parser. */
    private static Map<Long, String> scalarAnchors(String text, LoaderOptions options) {
        Map<Long, String> anchored = new HashMap<>();
        if (text.indexOf('&') < 0) {
            return anchored;
        }
        ParserImpl events = new ParserImpl(new StreamReader(text), options);
        try {
            while (events.peekEvent() != null && !events.checkEvent(Event.ID.StreamEnd)) {
                if (events.getEvent() instanceof ScalarEvent scalar && scalar.getAnchor() != null) {
                    anchored.put((long) scalar.getStartMark().getIndex(), scalar.getAnchor());
                }
            }
        } catch (YAMLException e) {
            // a syntax error: the tree's own parser reaches it too and reports it with its place
        }
        return anchored;
    }

    private JsonNode value(JsonToken token) throws IOException {
        if (parser.isCurrentAlias()) {
            return alias(parser.getText());
        }
        String anchor = parser.getCurrentAnchor() != null ? parser.getCurrentAnchor()
                : scalarAnchors.get(parser.currentTokenLocation().getCharOffset());
        JsonNode node = switch (token) {
            case START_OBJECT -> mapping();
            case START_ARRAY -> list();
            case VALUE_STRING -> JsonNodeFactory.instance.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> JsonNodeFactory.instance.numberNode(parser.getIntValue());
                case LONG -> JsonNodeFactory.instance.numberNode(parser.getLongValue());
                default -> JsonNodeFactory.instance.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> JsonNodeFactory.instance.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> JsonNodeFactory.instance.booleanNode(true);
            case VALUE_FALSE -> JsonNodeFactory.instance.booleanNode(false);
            case VALUE_NULL -> JsonNodeFactory.instance.nullNode();
            default -> JsonNodeFactory.instance.textNode(parser.getText());
        };
        count(1);
        if (anchor != null) {
            anchors.put(anchor, node);
        }
        return node;
    }

    private ObjectNode mapping() throws IOException {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            String name = parser.currentName();
            node.set(name, value(parser.nextToken()));
        }
        return node;
    }

    private ArrayNode list() throws IOException {
        ArrayNode node = JsonNodeFactory.instance.arrayNode();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            node.add(value(t));
        }
        return node;
    }

    /** A copy of the anchored value: each use is a tree of its own, counted in full against the bound. */
    private JsonNode alias(String name) {
        JsonNode anchored = anchors.get(name);
        if (anchored == null) {
            throw new InvalidSpecException(label, file + ":" + parser.currentLocation().getLineNr()
                    + " uses the alias *" + name + " before any &" + name + " anchor");
        }
        count(size(anchored));
        return anchored.deepCopy();
    }

    private void count(long more) {
        nodes += more;
        if (nodes > MAX_NODES) {
            throw new InvalidSpecException(label, file + " expands to more than " + MAX_NODES
                    + " values through its aliases (*name); write the values out or use fewer aliases");
        }
    }

    private static long size(JsonNode node) {
        long n = 1;
        for (JsonNode child : node) {
            n += size(child);
        }
        return n;
    }
}
