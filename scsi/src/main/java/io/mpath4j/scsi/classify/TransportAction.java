package io.mpath4j.scsi.classify;

/**
 * What the transport should do besides completing the I/O, decided with the {@link
 * Classification}. The I/O outcome and the action are independent: a unit attention "capacity
 * data has changed" retries the I/O and asks for a READ CAPACITY.
 */
public enum TransportAction {
    NONE,
    /**
     * Re-read the ALUA state of this path (REPORT TARGET PORT GROUPS) and report it as a path event:
     * the state changed, is changing, or a reset may have hidden a change.
     */
    REFRESH_ALUA,
    /** Re-read the capacity (READ CAPACITY(16)) and report the new geometry (2Ah/09h). */
    CAPACITY_CHANGED,
    /** Re-issue REPORT LUNS on this target: units were added or removed (3Fh/0Eh). */
    RESCAN_LUNS,
    /**
     * Re-read INQUIRY and the Device Identification page (3Fh/03h): if the WWID changed, this path
     * no longer leads to the same unit and must leave the device.
     */
    INQUIRY_CHANGED,
    /**
     * Deferred error (sense 71h/73h): an earlier, already completed command failed later (e.g. a
     * cached write could not be destaged). No I/O can be told any more; log it loudly.
     */
    REPORT_DEFERRED_ERROR
}
