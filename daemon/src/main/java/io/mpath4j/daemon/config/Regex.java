package io.mpath4j.daemon.config;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The regular expressions of multipath.conf (POSIX extended, searched anywhere in the string as
 * regexec does, so {@code "LUN"} matches {@code "LUN C-Mode"}; anchor with ^ and $). The
 * expressions used in practice mean the same in java.util.regex; POSIX bracket classes such as
 * {@code [[:digit:]]} are translated. A leading {@code !} negates, as
 * in multipath-tools' built-in {@code devnode "!^(sd[a-z]|...)"}.
 */
final class Regex {

    private static final Map<String, Pattern> CACHE = new ConcurrentHashMap<>();

    private Regex() {
    }

    /** @throws IllegalArgumentException with the reason when {@code regex} does not compile */
    static void check(String regex) {
        compile(regex);
    }

    static boolean matches(String regex, String text) {
        boolean negated = regex.startsWith("!");
        boolean found = compile(regex).matcher(text == null ? "" : text).find();
        return negated != found;
    }

    /** POSIX bracket classes, which java.util.regex does not know, and their Java spelling. */
    private static final Map<String, String> POSIX_CLASSES = Map.ofEntries(Map.entry("[:alpha:]", "\\p{Alpha}"),
            Map.entry("[:digit:]", "\\p{Digit}"), Map.entry("[:alnum:]", "\\p{Alnum}"),
            Map.entry("[:upper:]", "\\p{Upper}"), Map.entry("[:lower:]", "\\p{Lower}"),
            Map.entry("[:space:]", "\\s"), Map.entry("[:blank:]", "\\p{Blank}"),
            Map.entry("[:xdigit:]", "\\p{XDigit}"), Map.entry("[:punct:]", "\\p{Punct}"),
            Map.entry("[:print:]", "\\p{Print}"), Map.entry("[:graph:]", "\\p{Graph}"),
            Map.entry("[:cntrl:]", "\\p{Cntrl}"));

    private static Pattern compile(String regex) {
        String body = regex.startsWith("!") ? regex.substring(1) : regex;
        for (Map.Entry<String, String> c : POSIX_CLASSES.entrySet()) {
            body = body.replace(c.getKey(), c.getValue());
        }
        try {
            return CACHE.computeIfAbsent(body, Pattern::compile);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression \"" + regex + "\": " + e.getDescription()
                    + " near index " + e.getIndex());
        }
    }
}
