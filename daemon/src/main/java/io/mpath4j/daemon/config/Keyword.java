package io.mpath4j.daemon.config;

import java.util.Optional;
import java.util.Set;

/**
 * One row of the keyword table.
 *
 * @param name the keyword as written in the file
 * @param scopes the sections it may appear in
 * @param status whether mpath4j acts on it
 * @param defaultValue the built-in value ("-" when there is none); for supported keywords in
 *     {@code defaults}, the value the engine uses when nothing is configured
 * @param meaning what it means (multipath-tools' meaning where it is theirs)
 * @param mapping for a supported keyword where it goes; for a not applicable one why
 */
public record Keyword(String name, Set<Scope> scopes, Status status, String defaultValue, String meaning,
        String mapping) {

    public enum Status {
        /** Changes what mpath4j does. */
        SUPPORTED,
        /** Read and warned about with file:line, then ignored, with the reason in {@link #mapping}. */
        ACCEPTED_NOT_APPLICABLE
    }

    public Keyword {
        scopes = Set.copyOf(scopes);
    }

    /** The keyword this one is another spelling of (multipath-tools' {@code checker}, {@code default_*}). */
    public Optional<String> aliasOf() {
        return mapping.startsWith("alias of ") ? Optional.of(mapping.substring("alias of ".length()).strip())
                : Optional.empty();
    }

    public boolean hasDefault() {
        return !defaultValue.equals("-");
    }

    /** The default without the quotes the table writes around values with spaces or empty ones. */
    public String defaultText() {
        return defaultValue.length() >= 2 && defaultValue.startsWith("\"") && defaultValue.endsWith("\"")
                ? defaultValue.substring(1, defaultValue.length() - 1)
                : defaultValue;
    }
}
