package io.mpath4j.daemon.config;

import java.util.Objects;

/**
 * Where a piece of configuration came from: file, 1-based line and column. Printed as
 * {@code file:line:column}, the form editors and compilers use, so a message can be clicked.
 * Built-in values (the device table, defaults) have line 0 and print as just their origin.
 */
public record SourceLocation(String file, int line, int column) {

    public SourceLocation {
        Objects.requireNonNull(file, "file");
    }

    /** A value with no file behind it, e.g. {@code builtin(hwtable)}. */
    public static SourceLocation builtin(String what) {
        return new SourceLocation("builtin(" + what + ")", 0, 0);
    }

    public boolean isBuiltin() {
        return line == 0;
    }

    @Override
    public String toString() {
        if (line == 0) {
            return file;
        }
        return column > 0 ? file + ":" + line + ":" + column : file + ":" + line;
    }
}
