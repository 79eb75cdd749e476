package io.mpath4j.daemon.config;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The regular expressions of multipath.conf (POSIX extended, searched anywhere in the string as
 * regexec does, so {@code "LUN"} matches {@code "LUN C-Mode"}; anchor with ^ and $). The
 * expressions used in practice mean the same in java.util.regex. A leading {@code !} negates, as
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

    private static Pattern compile(String regex) {
        String body = regex.startsWith("!") ? regex.substring(1) : regex;
        try {
            return CACHE.computeIfAbsent(body, Pattern::compile);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression \"" + regex + "\": " + e.getDescription()
                    + " near index " + e.getIndex());
        }
    }
}
