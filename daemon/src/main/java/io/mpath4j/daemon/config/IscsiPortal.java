package io.mpath4j.daemon.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code portal} of the {@code iscsi} section.
 *
 * @param target the target to log in to; empty: all targets SendTargets reports at this portal
 * @param chapSecretFile the file holding the CHAP secret (secrets stay out of the config file)
 */
public record IscsiPortal(HostPort address, Optional<String> target, Optional<String> chapUser,
        Optional<Path> chapSecretFile, SourceLocation at) {

    public IscsiPortal {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(chapUser, "chapUser");
        Objects.requireNonNull(chapSecretFile, "chapSecretFile");
    }
}
