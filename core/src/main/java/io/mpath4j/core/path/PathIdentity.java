package io.mpath4j.core.path;

import java.util.Objects;

/**
 * Who a path leads to and how to tell it apart from its siblings.
 *
 * @param name stable path name unique within the process, e.g. {@code iscsi:127.0.0.1:3260/iqn.x/1}
 * @param wwid identity of the logical unit (VPD 0x83 designator, NGUID, or configured id)
 * @param vendor T10 vendor identification, or "" when unknown
 * @param product product identification, or ""
 * @param revision product revision level, or ""
 * @param serial unit serial number (VPD 0x80), or ""
 * @param targetPortGroup ALUA target port group / ANA group id, or -1 when unknown
 * @param targetNodeName iSCSI target name / NVMe subsystem NQN / server name, or ""
 */
public record PathIdentity(
        String name,
        String wwid,
        String vendor,
        String product,
        String revision,
        String serial,
        int targetPortGroup,
        String targetNodeName) {

    public PathIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(wwid, "wwid");
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(targetNodeName, "targetNodeName");
        if (name.isBlank()) {
            throw new IllegalArgumentException("path name is blank");
        }
        if (wwid.isBlank()) {
            throw new IllegalArgumentException("wwid of path " + name + " is blank");
        }
    }

    /** A minimal identity for paths that know only their name and unit. */
    public static PathIdentity of(String name, String wwid) {
        return new PathIdentity(name, wwid, "", "", "", "", -1, "");
    }

    public PathIdentity withTargetPortGroup(int tpg) {
        return new PathIdentity(name, wwid, vendor, product, revision, serial, tpg, targetNodeName);
    }

    public PathIdentity withTargetNodeName(String node) {
        return new PathIdentity(name, wwid, vendor, product, revision, serial, targetPortGroup, node);
    }

    public PathIdentity withSerial(String newSerial) {
        return new PathIdentity(name, wwid, vendor, product, revision, newSerial, targetPortGroup, targetNodeName);
    }

    public PathIdentity withVendorProduct(String newVendor, String newProduct, String newRevision) {
        return new PathIdentity(name, wwid, newVendor, newProduct, newRevision, serial, targetPortGroup, targetNodeName);
    }
}
