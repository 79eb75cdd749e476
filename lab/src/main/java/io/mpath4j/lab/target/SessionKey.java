package io.mpath4j.lab.target;

/**
 * What identifies a session for reinstatement (RFC 7143 §6.3.5, §10.1.1): the initiator name and
 * ISID (the initiator port) with the target name and portal group tag (the target port).
 */
record SessionKey(String initiatorName, long isid, String targetName, int portalGroupTag) {

    /** The SCSI initiator port name (RFC 7143 §10.1.1): {@code name,i,0x} + ISID in 12 hex digits. */
    String initiatorPort() {
        return initiatorName + ",i,0x" + String.format("%012x", isid);
    }

    /** The SCSI target port name: {@code name,t,0x} + TPGT in 4 hex digits. */
    String targetPort() {
        return targetName + ",t,0x" + String.format("%04x", portalGroupTag);
    }
}
