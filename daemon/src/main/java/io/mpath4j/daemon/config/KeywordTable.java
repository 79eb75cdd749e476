package io.mpath4j.daemon.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every keyword mpath4j knows, read from the data file {@code keywords.txt} next to this class:
 * the one place that says which multipath.conf keywords are supported, which are accepted but not
 * applicable (and why), and what the built-in defaults are. A keyword not in it is an error.
 */
public final class KeywordTable {

    private static final KeywordTable STANDARD = load();

    private final List<Keyword> keywords;

    private KeywordTable(List<Keyword> keywords) {
        this.keywords = List.copyOf(keywords);
    }

    public static KeywordTable standard() {
        return STANDARD;
    }

    public List<Keyword> all() {
        return keywords;
    }

    /** The row for {@code name} in section kind {@code scope}. */
    public Optional<Keyword> find(Scope scope, String name) {
        return keywords.stream().filter(k -> k.name().equals(name) && k.scopes().contains(scope)).findFirst();
    }

    /** The keywords allowed in {@code scope}, for "did you mean" suggestions. */
    public List<String> names(Scope scope) {
        return keywords.stream().filter(k -> k.scopes().contains(scope)).map(Keyword::name).distinct().toList();
    }

    /** The built-in default of a supported {@code defaults} keyword. */
    public String defaultOf(String name) {
        return find(Scope.DEFAULTS, name).filter(Keyword::hasDefault).map(Keyword::defaultText)
                .orElseThrow(() -> new IllegalStateException("keywords.txt has no default for " + name));
    }

    static KeywordTable parse(String text) {
        List<Keyword> rows = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = Arrays.stream(line.split("\\|", -1)).map(String::strip).toArray(String[]::new);
            if (f.length != 6) {
                throw new IllegalStateException("keywords.txt line " + (i + 1) + ": expected 6 fields, got " + f.length);
            }
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            for (String s : f[1].split(",")) {
                scopes.add(Scope.byTableName(s.strip()).orElseThrow(
                        () -> new IllegalStateException("keywords.txt line " + line + ": unknown section " + s)));
            }
            Keyword.Status status = switch (f[2]) {
                case "supported" -> Keyword.Status.SUPPORTED;
                case "not-applicable" -> Keyword.Status.ACCEPTED_NOT_APPLICABLE;
                default -> throw new IllegalStateException("keywords.txt line " + (i + 1) + ": status " + f[2]);
            };
            rows.add(new Keyword(f[0], scopes, status, f[3], f[4], f[5]));
        }
        return new KeywordTable(rows);
    }

    private static KeywordTable load() {
        try (InputStream in = KeywordTable.class.getResourceAsStream("keywords.txt")) {
            if (in == null) {
                throw new IllegalStateException("keywords.txt missing from the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
