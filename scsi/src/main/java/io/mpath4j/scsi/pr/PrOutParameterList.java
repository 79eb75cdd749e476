package io.mpath4j.scsi.pr;

import static io.mpath4j.scsi.ScsiBytes.need;
import static io.mpath4j.scsi.ScsiBytes.put64;
import static io.mpath4j.scsi.ScsiBytes.u64;

import io.mpath4j.scsi.ScsiFormatException;

/**
 * The basic PERSISTENT RESERVE OUT parameter list (SPC-4 §6.14.3), 24 bytes: RESERVATION KEY,
 * SERVICE ACTION RESERVATION KEY (the new key for REGISTER, the key to preempt for PREEMPT), and
 * the SPEC_I_PT, ALL_TG_PT and APTPL bits. Transport IDs (SPEC_I_PT) are not modelled.
 */
public record PrOutParameterList(long reservationKey, long serviceActionKey, boolean specIPt, boolean allTgPt, boolean aptpl) {

    public static final int LENGTH = 24;

    /** REGISTER (or REGISTER AND IGNORE EXISTING KEY): {@code oldKey} 0 for a first registration. */
    public static PrOutParameterList register(long oldKey, long newKey) {
        return new PrOutParameterList(oldKey, newKey, false, false, false);
    }

    /** RESERVE, RELEASE, CLEAR: our key. */
    public static PrOutParameterList key(long key) {
        return new PrOutParameterList(key, 0, false, false, false);
    }

    /** PREEMPT: our key and the key of the registrant to remove. */
    public static PrOutParameterList preempt(long key, long victimKey) {
        return new PrOutParameterList(key, victimKey, false, false, false);
    }

    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        put64(b, 0, reservationKey);
        put64(b, 8, serviceActionKey);
        b[20] = (byte) ((specIPt ? 0x08 : 0) | (allTgPt ? 0x04 : 0) | (aptpl ? 0x01 : 0));
        return b;
    }

    public static PrOutParameterList decode(byte[] b) throws ScsiFormatException {
        need(b, LENGTH, "PERSISTENT RESERVE OUT parameter list");
        return new PrOutParameterList(u64(b, 0), u64(b, 8), (b[20] & 0x08) != 0, (b[20] & 0x04) != 0, (b[20] & 0x01) != 0);
    }
}
