package io.mpath4j.daemon.config;

import io.mpath4j.core.path.PathIdentity;
import java.util.Locale;
import java.util.Objects;

/**
 * What the blacklist and the device table look at for one path.
 *
 * @param name the path's name (its URI), matched by {@code devnode}
 * @param protocol {@code scsi:iscsi} or {@code nbd}, as multipath-tools names protocols
 */
public record PathFacts(String name, String wwid, String vendor, String product, String revision, String protocol) {

    public PathFacts {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(wwid, "wwid");
        vendor = vendor == null ? "" : vendor;
        product = product == null ? "" : product;
        revision = revision == null ? "" : revision;
        Objects.requireNonNull(protocol, "protocol");
    }

    public static PathFacts of(PathIdentity id) {
        return new PathFacts(id.name(), id.wwid(), id.vendor(), id.product(), id.revision(), protocolOf(id.name()));
    }

    /** The protocol from the path's URI scheme. */
    static String protocolOf(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("iscsi://")) {
            return "scsi:iscsi";
        }
        if (lower.startsWith("nbd://")) {
            return "nbd";
        }
        return "undef";
    }
}
