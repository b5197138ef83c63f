package dev.kapsel.api.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the subset of YAML 1.2 that Firecracker's OpenAPI definition is written in into a Jackson
 * tree: block mappings and block sequences by indentation (a sequence may sit at its key's indent),
 * {@code - key: value} items, plain scalars continued on deeper lines, double- and single-quoted
 * scalars (a double-quoted one may span lines), {@code >}/{@code |} block scalars, one-line flow
 * sequences of scalars, and {@code #} comments on lines of their own or after a space. Plain
 * {@code true}/{@code false} and integers become JSON booleans and numbers; everything else is text.
 * Anything outside the subset (anchors, tags, flow mappings, tabs) is an {@link IllegalArgumentException}
 * naming the line, so the contract cannot be misread silently.
 */
public final class YamlSubset {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern KEY = Pattern.compile("^(\"[^\"]*\"|'[^']*'|[^\\s\"'#\\-\\[{][^:]*?|-[^\\s:][^:]*?):(?:\\s+(.*))?$");

    private record Line(int number, int indent, String text) {}

    private final List<Line> lines = new ArrayList<>();
    private int next;

    private YamlSubset(String document) {
        String[] raw = document.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i];
            if (line.indexOf('\t') >= 0) {
                throw new IllegalArgumentException("line " + (i + 1) + ": a tab (outside the subset)");
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            lines.add(new Line(i + 1, line.length() - line.stripLeading().length(), trimmed));
        }
    }

    /** The document's top-level node. */
    public static JsonNode parse(String document) {
        YamlSubset reader = new YamlSubset(document);
        JsonNode root = reader.node(0);
        if (reader.next < reader.lines.size()) {
            throw reader.error(reader.lines.get(reader.next), "unexpected indentation");
        }
        return root;
    }

    private IllegalArgumentException error(Line line, String what) {
        return new IllegalArgumentException("line " + line.number + ": " + what + ": " + line.text);
    }

    private Line peek() {
        return next < lines.size() ? lines.get(next) : null;
    }

    private static boolean isItem(String text) {
        return text.equals("-") || text.startsWith("- ");
    }

    /** The node whose first line is the next one, at least {@code minIndent} deep. */
    private JsonNode node(int minIndent) {
        Line line = peek();
        if (line == null || line.indent < minIndent) {
            return NODES.nullNode();
        }
        if (isItem(line.text)) {
            return sequence(line.indent);
        }
        if (KEY.matcher(line.text).matches()) {
            return mapping(line.indent);
        }
        next++;
        return scalar(line, line.text, minIndent - 1);
    }

    private ObjectNode mapping(int indent) {
        ObjectNode map = NODES.objectNode();
        for (Line line = peek(); line != null && line.indent == indent && !isItem(line.text); line = peek()) {
            Matcher m = KEY.matcher(line.text);
            if (!m.matches()) {
                throw error(line, "expected 'key:'");
            }
            next++;
            String key = unquote(m.group(1).strip());
            if (map.has(key)) {
                throw error(line, "duplicate key '" + key + "'");
            }
            String rest = m.group(2) == null ? "" : stripComment(m.group(2));
            map.set(key, rest.isEmpty() ? child(indent) : scalar(line, rest, indent));
        }
        return map;
    }

    /** The value under a key with nothing after its colon: deeper lines, or a sequence at the key's indent. */
    private JsonNode child(int keyIndent) {
        Line line = peek();
        if (line == null || line.indent < keyIndent || (line.indent == keyIndent && !isItem(line.text))) {
            return NODES.nullNode();
        }
        return node(line.indent == keyIndent ? keyIndent : keyIndent + 1);
    }

    private ArrayNode sequence(int indent) {
        ArrayNode seq = NODES.arrayNode();
        for (Line line = peek(); line != null && line.indent == indent && isItem(line.text); line = peek()) {
            String content = line.text.substring(1).strip();
            if (content.isEmpty()) {
                next++;
                seq.add(node(indent + 1));
            } else if (KEY.matcher(content).matches()) {
                // "- key: value": the item is a mapping whose keys sit where "key" does.
                int itemIndent = indent + line.text.indexOf(content);
                lines.set(next, new Line(line.number, itemIndent, content));
                seq.add(mapping(itemIndent));
            } else {
                next++;
                seq.add(scalar(line, stripComment(content), indent));
            }
        }
        return seq;
    }

    /** A scalar starting with {@code first} on {@code line}; deeper lines than {@code ownerIndent} continue it. */
    private JsonNode scalar(Line line, String first, int ownerIndent) {
        if (first.startsWith("&") || first.startsWith("*") || first.startsWith("!") || first.startsWith("{")) {
            throw error(line, "anchors, aliases, tags and flow mappings are outside the subset");
        }
        if (first.equals(">") || first.equals(">-") || first.equals("|") || first.equals("|-")) {
            List<String> parts = continuation(ownerIndent);
            return NODES.textNode(String.join(first.startsWith(">") ? " " : "\n", parts));
        }
        if (first.startsWith("\"")) {
            StringBuilder text = new StringBuilder(first);
            while (!closesDoubleQuote(text)) {
                Line more = peek();
                if (more == null) {
                    throw error(line, "unterminated double-quoted scalar");
                }
                next++;
                text.append(' ').append(more.text);
            }
            return NODES.textNode(unquote(text.toString().strip()));
        }
        if (first.startsWith("'")) {
            return NODES.textNode(unquote(first));
        }
        if (first.startsWith("[")) {
            if (!first.endsWith("]")) {
                throw error(line, "a flow sequence must close on its line");
            }
            ArrayNode seq = NODES.arrayNode();
            String inner = first.substring(1, first.length() - 1).strip();
            if (!inner.isEmpty()) {
                for (String item : inner.split(",")) {
                    seq.add(plain(unquoteIfQuoted(item.strip())));
                }
            }
            return seq;
        }
        List<String> parts = new ArrayList<>();
        parts.add(first);
        parts.addAll(continuation(ownerIndent));
        return parts.size() == 1 ? plain(first) : NODES.textNode(String.join(" ", parts));
    }

    private List<String> continuation(int ownerIndent) {
        List<String> parts = new ArrayList<>();
        for (Line more = peek(); more != null && more.indent > ownerIndent; more = peek()) {
            next++;
            parts.add(more.text);
        }
        return parts;
    }

    private static boolean closesDoubleQuote(CharSequence text) {
        return closingDoubleQuote(text) >= 0;
    }

    private static int closingDoubleQuote(CharSequence text) {
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode plain(Object value) {
        if (value instanceof JsonNode node) {
            return node;
        }
        String text = (String) value;
        if (text.equals("true") || text.equals("false")) {
            return NODES.booleanNode(Boolean.parseBoolean(text));
        }
        if (text.matches("-?[0-9]+")) {
            return NODES.numberNode(Long.parseLong(text));
        }
        return NODES.textNode(text);
    }

    private static Object unquoteIfQuoted(String item) {
        return item.startsWith("\"") || item.startsWith("'") ? NODES.textNode(unquote(item)) : item;
    }

    private static String stripComment(String text) {
        if (text.startsWith("\"") || text.startsWith("'")) {
            int close = text.startsWith("'") ? text.indexOf('\'', 1) : closingDoubleQuote(text);
            return close < 0 ? text.strip() : text.substring(0, close + 1);
        }
        int hash = text.indexOf(" #");
        return (hash >= 0 ? text.substring(0, hash) : text).strip();
    }

    private static String unquote(String text) {
        if (text.length() >= 2 && text.startsWith("'") && text.endsWith("'")) {
            return text.substring(1, text.length() - 1).replace("''", "'");
        }
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < text.length() - 1; i++) {
                char c = text.charAt(i);
                if (c == '\\' && i + 1 < text.length() - 1) {
                    char e = text.charAt(++i);
                    out.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        default -> e;
                    });
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
        return text;
    }
}
