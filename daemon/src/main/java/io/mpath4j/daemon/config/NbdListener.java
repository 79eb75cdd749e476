package io.mpath4j.daemon.config;

import java.util.Objects;

/** An {@code export { nbd { listen … } }} entry: where the NBD export listens. */
public record NbdListener(HostPort listen, SourceLocation at) {

    public NbdListener {
        Objects.requireNonNull(listen, "listen");
    }
}
