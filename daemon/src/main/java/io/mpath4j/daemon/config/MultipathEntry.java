package io.mpath4j.daemon.config;

import java.util.Objects;
import java.util.Optional;

/** A {@code multipath} entry of the {@code multipaths} section: settings for one WWID. */
public record MultipathEntry(String wwid, Optional<String> alias, Attributes attributes, SourceLocation at) {

    public MultipathEntry {
        Objects.requireNonNull(wwid, "wwid");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(attributes, "attributes");
    }
}
