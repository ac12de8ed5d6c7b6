package io.gatehouse.config;

import io.gatehouse.internal.config.ConfigNode;
import io.gatehouse.internal.config.Problems;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Parses YAML token by token (Jackson's streaming {@link YAMLParser}) into a {@link ConfigNode} tree that keeps
 * every node's line and column. Problems of the YAML itself (syntax, duplicate keys, an empty file, a second
 * document) are added to {@link Problems}; binding to records is {@link ConfigReader}'s job.
 */
final class YamlTree {

    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private final YAMLParser parser;
    private final Problems problems;
    private final Map<String, ConfigNode> anchors = new HashMap<>();

    private YamlTree(YAMLParser parser, Problems problems) {
        this.parser = parser;
        this.problems = problems;
    }

    /** The tree of {@code yaml}, or {@code null} when there is nothing to bind (empty, or a syntax error). */
    static ConfigNode parse(String yaml, Problems problems) {
        try (YAMLParser parser = FACTORY.createParser(yaml)) {
            if (parser.nextToken() == null) {
                problems.add(1, 1, "", "the file is empty; a configuration needs at least a 'vhosts' list");
                return null;
            }
            ConfigNode root = new YamlTree(parser, problems).node("");
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                problems.add(at.getLineNr(), at.getColumnNr(), "",
                        "a second YAML document (after ---) is not allowed; put the whole configuration in one");
            }
            return root;
        } catch (StreamReadException e) {
            syntaxError(e, problems);
            return null;
        } catch (IOException e) {
            // Parsing a String does no I/O; Jackson declares it anyway.
            problems.add(0, 0, "", "cannot parse: " + e.getMessage());
            return null;
        }
    }

    /**
     * The node starting at the current token. An alias ({@code *name}) stands for the node anchored as
     * {@code &name}, which keeps its own location: that is where its values were written.
     */
    private ConfigNode node(String path) throws IOException {
        String anchor = parser.getObjectId();
        ConfigNode node;
        if (parser.isCurrentAlias()) {
            node = anchors.get(parser.getText());
            if (node == null) {
                JsonLocation at = parser.currentTokenLocation();
                problems.add(at.getLineNr(), at.getColumnNr(), path, "no anchor &" + parser.getText() + " before this alias");
                node = new ConfigNode.Scalar(null, "", at.getLineNr(), at.getColumnNr());
            }
        } else {
            node = unaliased(path);
        }
        if (anchor != null) {
            anchors.put(anchor, node);
        }
        return node;
    }

    private ConfigNode unaliased(String path) throws IOException {
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            return mapping(path, line, column);
        }
        if (token == JsonToken.START_ARRAY) {
            List<ConfigNode> items = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                items.add(node(path + "[" + items.size() + "]"));
            }
            return new ConfigNode.Sequence(items, line, column);
        }
        Object value = switch (token) {
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
            default -> parser.getText();
        };
        return new ConfigNode.Scalar(value, parser.getText(), line, column);
    }

    private ConfigNode mapping(String path, int line, int column) throws IOException {
        List<ConfigNode.Entry> entries = new ArrayList<>();
        Map<String, ConfigNode.Entry> seen = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            JsonLocation at = parser.currentTokenLocation();
            String key = parser.currentName();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            parser.nextToken();
            ConfigNode.Entry entry = new ConfigNode.Entry(key, at.getLineNr(), at.getColumnNr(), node(keyPath));
            ConfigNode.Entry first = seen.putIfAbsent(key, entry);
            if (first == null) {
                entries.add(entry);
            } else {
                problems.add(entry.line(), entry.column(), keyPath,
                        "duplicate key '" + key + "' (first given at line " + first.line() + "); give each key once");
            }
        }
        return new ConfigNode.Mapping(entries, line, column);
    }

    /** SnakeYAML's own exception has the precise mark and wording; Jackson's wrapper is the fallback. */
    private static void syntaxError(StreamReadException e, Problems problems) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                String context = marked.getContext() == null ? "" : " (" + marked.getContext()
                        + (marked.getContextMark() == null ? "" : " started at line " + (marked.getContextMark().getLine() + 1)
                        + ", column " + (marked.getContextMark().getColumn() + 1)) + ")";
                problems.add(marked.getProblemMark().getLine() + 1, marked.getProblemMark().getColumn() + 1, "",
                        "YAML syntax error: " + marked.getProblem() + context);
                return;
            }
        }
        JsonLocation at = e.getLocation();
        problems.add(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), "",
                "YAML syntax error: " + e.getOriginalMessage());
    }
}
