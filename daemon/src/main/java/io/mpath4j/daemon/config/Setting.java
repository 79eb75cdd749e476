package io.mpath4j.daemon.config;

import java.util.Objects;

/** A keyword's value as configured, with where it was written and at which layer. */
public record Setting(String keyword, String value, SourceLocation at, Layer layer) {

    public Setting {
        Objects.requireNonNull(keyword, "keyword");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(layer, "layer");
    }
}
