package io.mpath4j.lab.lu;

import java.util.Objects;

/**
 * The I_T nexus a task arrived on (SAM-5 §4.7): the initiator port and the target port. Unit
 * attentions, persistent-reservation registrations and the ALUA state a task sees are all kept
 * per nexus or per target port, so every task carries one.
 *
 * @param initiatorPort the SCSI initiator port name; for iSCSI "iqn…,i,0x" + ISID (RFC 7143 §10.4.3)
 * @param targetPort the SCSI target port name; for iSCSI "iqn…,t,0x" + target portal group tag
 * @param relativeTargetPortId the relative target port identifier (VPD 83h designator type 4), ≥ 1
 * @param targetPortGroupId the ALUA target port group of that port (VPD 83h designator type 5)
 */
public record Nexus(String initiatorPort, String targetPort, int relativeTargetPortId, int targetPortGroupId) {
    public Nexus {
        Objects.requireNonNull(initiatorPort, "initiatorPort");
        Objects.requireNonNull(targetPort, "targetPort");
        if (relativeTargetPortId < 1 || relativeTargetPortId > 0xFFFF) {
            throw new IllegalArgumentException("relative target port id out of range: " + relativeTargetPortId);
        }
        if (targetPortGroupId < 0 || targetPortGroupId > 0xFFFF) {
            throw new IllegalArgumentException("target port group id out of range: " + targetPortGroupId);
        }
    }
}
