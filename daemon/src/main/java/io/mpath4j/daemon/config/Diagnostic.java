package io.mpath4j.daemon.config;

/** One finding about a configuration file: an error (the file is refused) or a warning. */
public record Diagnostic(Severity severity, SourceLocation at, String message) {

    public enum Severity {
        ERROR, WARNING;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Override
    public String toString() {
        return at + ": " + severity.label() + ": " + message;
    }
}
