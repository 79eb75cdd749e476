package io.mpath4j.lab.target;

import java.util.Objects;

/**
 * One portal of a lab target: where it listens, its target portal group tag (RFC 7143 §13.9), and
 * the SCSI target port it stands for (SPC-4: the relative target port identifier and the ALUA
 * target port group that VPD 83h and REPORT TARGET PORT GROUPS report for it).
 *
 * @param port 0 for an ephemeral port
 */
public record PortalSpec(String host, int port, int portalGroupTag, int relativeTargetPortId, int targetPortGroupId) {
    public PortalSpec {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
        if (portalGroupTag < 0 || portalGroupTag > 65535) {
            throw new IllegalArgumentException("portal group tag " + portalGroupTag);
        }
        if (relativeTargetPortId < 1 || relativeTargetPortId > 65535) {
            throw new IllegalArgumentException("relative target port id " + relativeTargetPortId);
        }
        if (targetPortGroupId < 0 || targetPortGroupId > 65535) {
            throw new IllegalArgumentException("target port group id " + targetPortGroupId);
        }
    }
}
