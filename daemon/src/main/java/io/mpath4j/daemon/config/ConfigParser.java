package io.mpath4j.daemon.config;

import io.mpath4j.daemon.config.ConfigNode.Entry;
import io.mpath4j.daemon.config.ConfigNode.Section;
import io.mpath4j.daemon.config.ConfigTokenizer.Kind;
import io.mpath4j.daemon.config.ConfigTokenizer.Token;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Builds the syntax tree of a multipath.conf-style file. Like libmultipath's parser it reads one
 * statement per line: {@code name {} opens a section (the brace on the same line), {@code }} on
 * a line of its own closes it, anything else is {@code keyword value}. Where multipath-tools logs
 * "ignoring extra data" and carries on with a meaning the author did not write (an unquoted
 * {@code path_selector service-time 0} becomes {@code service-time}; {@code device { vendor X }}
 * on one line loses the vendor), this parser reports an error with file:line:column instead.
 */
public final class ConfigParser {

    /** Names that open a section somewhere; seen without {@code {} they are an error, not a keyword. */
    static final Set<String> SECTION_NAMES = Set.of("defaults", "blacklist", "blacklist_exceptions", "devices",
            "device", "overrides", "protocol", "multipaths", "multipath", "iscsi", "portal", "nbd", "endpoint",
            "export");

    private ConfigParser() {
    }

    /** The top level of the file as a section named after the file (its children are the sections). */
    public static Section parse(String file, String text, Diagnostics diagnostics) {
        Deque<Open> open = new ArrayDeque<>();
        Open top = new Open(file, new SourceLocation(file, 1, 1));
        open.push(top);
        // lines end at '\n' only, as for multipath-tools (fgets) and editors; a '\r' is white space
        // (the tokenizer skips it), so CRLF files read the same and a stray '\r' does not shift line numbers
        String[] lines = text.split("\n", -1);
        for (int index = 0; index < lines.length; index++) {
            int lineNumber = index + 1;
            List<Token> tokens = ConfigTokenizer.tokenize(lines[index], file, lineNumber, diagnostics);
            if (tokens.isEmpty()) {
                continue;
            }
            Token first = tokens.getFirst();
            SourceLocation at = new SourceLocation(file, lineNumber, first.column());
            switch (first.kind()) {
                case CLOSE -> {
                    extraData(tokens, 1, file, lineNumber, "'}'", diagnostics);
                    if (open.size() == 1) {
                        diagnostics.error(at, "unmatched '}': no section is open here");
                    } else {
                        Open closed = open.pop();
                        open.peek().children.add(new Section(closed.name, closed.at, closed.children));
                    }
                }
                case OPEN -> diagnostics.error(at, "'{' without a section name before it on the same line");
                case QUOTED -> diagnostics.error(at, "a line must start with a keyword, not a quoted string");
                case WORD -> statement(tokens, first, at, open, file, lineNumber, diagnostics);
            }
        }
        int lastLine = text.endsWith("\n") ? lines.length - 1 : lines.length;
        while (open.size() > 1) {
            Open unclosed = open.pop();
            diagnostics.error(unclosed.at, "section '" + unclosed.name + "' is not closed: missing '}' before the end of "
                    + file + " (line " + lastLine + ")");
            open.peek().children.add(new Section(unclosed.name, unclosed.at, unclosed.children));
        }
        return new Section(file, top.at, top.children);
    }

    private static void statement(List<Token> tokens, Token first, SourceLocation at, Deque<Open> open, String file,
            int lineNumber, Diagnostics diagnostics) {
        String name = first.text();
        if (tokens.size() > 1 && tokens.get(1).kind() == Kind.OPEN) {
            if (tokens.size() > 2) {
                Token extra = tokens.get(2);
                diagnostics.error(new SourceLocation(file, lineNumber, extra.column()), "'" + extra.text()
                        + "' after '" + name + " {': write one statement per line (multipath-tools would ignore the rest of this line)");
            }
            if (tokens.size() > 2 && tokens.getLast().kind() == Kind.CLOSE) {
                // "device { … }" on one line: reported above, and left out (its content was not read),
                // but closed here so that the lines after it are not all reported as misplaced
                return;
            }
            open.push(new Open(name, at));
            return;
        }
        if (SECTION_NAMES.contains(name) && tokens.size() == 1) {
            diagnostics.error(at, "missing '{' after '" + name + "' (it must be on the same line)");
            open.push(new Open(name, at));
            return;
        }
        if (SECTION_NAMES.contains(name) && !name.equals("protocol")) { // protocol is also a blacklist keyword
            Token found = tokens.get(1);
            // no brace on this line, so none to close: the line is dropped, not opened
            diagnostics.error(new SourceLocation(file, lineNumber, found.column()),
                    "expecting '{' after '" + name + "', found '" + found.text() + "'");
            return;
        }
        if (tokens.size() == 1) {
            diagnostics.error(at, "missing value for '" + name + "'");
            return;
        }
        Token value = tokens.get(1);
        SourceLocation valueAt = new SourceLocation(file, lineNumber, value.column());
        if (value.kind() == Kind.OPEN || value.kind() == Kind.CLOSE) {
            diagnostics.error(valueAt, "missing value for '" + name + "' (found '" + value.text() + "')");
            return;
        }
        if (tokens.size() > 2) {
            Token extra = tokens.get(2);
            String hint = value.kind() == Kind.WORD && extra.kind() == Kind.WORD
                    ? "; quote a value of several words: " + name + " \"" + join(tokens) + "\""
                    : "";
            diagnostics.error(new SourceLocation(file, lineNumber, extra.column()),
                    "extra data '" + extra.text() + "' after the value of '" + name + "'" + hint);
            return;
        }
        open.peek().children.add(new Entry(name, value.text(), at, valueAt));
    }

    private static String join(List<Token> tokens) {
        StringBuilder b = new StringBuilder();
        for (Token t : tokens.subList(1, tokens.size())) {
            if (t.kind() != Kind.WORD) {
                break;
            }
            b.append(b.isEmpty() ? "" : " ").append(t.text());
        }
        return b.toString();
    }

    private static void extraData(List<Token> tokens, int from, String file, int lineNumber, String after,
            Diagnostics diagnostics) {
        if (tokens.size() > from) {
            Token extra = tokens.get(from);
            diagnostics.error(new SourceLocation(file, lineNumber, extra.column()),
                    "'" + extra.text() + "' after " + after + ": write one statement per line");
        }
    }

    private static final class Open {
        final String name;
        final SourceLocation at;
        final List<ConfigNode> children = new ArrayList<>();

        Open(String name, SourceLocation at) {
            this.name = name;
            this.at = at;
        }
    }
}
