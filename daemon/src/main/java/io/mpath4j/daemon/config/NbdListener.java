package io.mpath4j.daemon.config;

import java.util.Objects;

/**
 * An {@code export { nbd { listen … } }} entry: where the NBD export listens.
 *
 * @param singlePaths {@code single_paths yes}: units left single-path are exported too, as plain
 *     devices named by their WWID (by default only multipathed units are)
 */
public record NbdListener(HostPort listen, boolean singlePaths, SourceLocation at) {

    public NbdListener {
        Objects.requireNonNull(listen, "listen");
    }
}
