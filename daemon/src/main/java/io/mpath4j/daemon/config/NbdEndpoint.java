package io.mpath4j.daemon.config;

import io.mpath4j.nbd.client.NbdUri;
import java.util.Objects;

/** An {@code endpoint} of the {@code nbd} section: one NBD path and the WWID of its unit. */
public record NbdEndpoint(NbdUri uri, String wwid, SourceLocation at) {

    public NbdEndpoint {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(wwid, "wwid");
    }
}
