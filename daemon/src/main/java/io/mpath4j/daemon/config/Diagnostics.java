package io.mpath4j.daemon.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every finding of one load instead of stopping at the first, so that
 * {@code mpath config check} shows all typos of a file at once.
 */
public final class Diagnostics {

    private final List<Diagnostic> all = new ArrayList<>();

    public void error(SourceLocation at, String message) {
        all.add(new Diagnostic(Diagnostic.Severity.ERROR, at, message));
    }

    public void warning(SourceLocation at, String message) {
        all.add(new Diagnostic(Diagnostic.Severity.WARNING, at, message));
    }

    public List<Diagnostic> all() {
        return List.copyOf(all);
    }

    public List<Diagnostic> errors() {
        return all.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
    }

    public List<Diagnostic> warnings() {
        return all.stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING).toList();
    }

    public boolean hasErrors() {
        return all.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
    }
}
