package io.mpath4j.daemon.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one line into tokens the way libmultipath's {@code alloc_strvec} does: words separated by
 * white space; {@code {} and {@code }} are tokens of their own outside quotes; {@code "…"} is one
 * token that may hold spaces, {@code ""} inside it stands for one quote; {@code #} or {@code !}
 * outside quotes starts a comment running to the end of the line, also in the middle of a word.
 * Where multipath-tools would silently do something surprising (a non-ASCII byte outside quotes
 * is white space to it; an unclosed quote swallows the rest of the line) we report an error.
 */
final class ConfigTokenizer {

    enum Kind { WORD, QUOTED, OPEN, CLOSE }

    /** One token; {@code column} is 1-based. */
    record Token(Kind kind, String text, int column) {
    }

    private ConfigTokenizer() {
    }

    static List<Token> tokenize(String line, String file, int lineNumber, Diagnostics diagnostics) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\f' || c == 0x0b || c == '\r') {
                i++;
            } else if (c == '#' || c == '!') {
                break;
            } else if (c == '{' || c == '}') {
                tokens.add(new Token(c == '{' ? Kind.OPEN : Kind.CLOSE, String.valueOf(c), i + 1));
                i++;
            } else if (c == '"') {
                StringBuilder text = new StringBuilder();
                int start = i;
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = line.charAt(i);
                    if (d == '"') {
                        if (i + 1 < n && line.charAt(i + 1) == '"') {
                            text.append('"');
                            i += 2;
                            continue;
                        }
                        closed = true;
                        i++;
                        break;
                    }
                    text.append(d);
                    i++;
                }
                if (!closed) {
                    diagnostics.error(new SourceLocation(file, lineNumber, start + 1),
                            "missing closing quote (\" opened here); a quoted value must end on the same line");
                }
                tokens.add(new Token(Kind.QUOTED, text.toString(), start + 1));
            } else if (c > 0x7e || c < 0x20) {
                diagnostics.error(new SourceLocation(file, lineNumber, i + 1), String.format(
                        "character U+%04X outside quotes (multipath-tools would read it as a space); quote the value or remove it",
                        (int) c));
                i++;
            } else {
                int start = i;
                while (i < n && isWordChar(line.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, line.substring(start, i), start + 1));
            }
        }
        return tokens;
    }

    private static boolean isWordChar(char c) {
        return c > 0x20 && c <= 0x7e && c != '#' && c != '!' && c != '{' && c != '}' && c != '"';
    }
}
