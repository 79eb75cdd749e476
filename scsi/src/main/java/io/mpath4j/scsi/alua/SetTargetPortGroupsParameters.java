package io.mpath4j.scsi.alua;

import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.need;
import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.u16;

import io.mpath4j.scsi.ScsiFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * SET TARGET PORT GROUPS parameter list (SPC-4 §6.36): 4 reserved bytes, then 4-byte set target
 * port group descriptors (ASYMMETRIC ACCESS STATE in bits 3-0 of byte 0, TARGET PORT GROUP in
 * bytes 2-3). Only active/optimized, active/non-optimized, standby and unavailable may be
 * requested; a target rejects others with INVALID FIELD IN PARAMETER LIST, so decoding keeps the
 * raw code.
 */
public record SetTargetPortGroupsParameters(List<Entry> entries) {

    public record Entry(int stateCode, int groupId) {
        public Entry {
            checkRange(stateCode, 0xF, "asymmetric access state");
            checkRange(groupId, 0xFFFF, "target port group");
        }

        public Entry(AluaState state, int groupId) {
            this(Objects.requireNonNull(state).code(), groupId);
        }

        public AluaState state() {
            return AluaState.of(stateCode);
        }
    }

    public SetTargetPortGroupsParameters {
        entries = List.copyOf(entries);
    }

    public byte[] encode() {
        byte[] b = new byte[4 + 4 * entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            b[4 + 4 * i] = (byte) entries.get(i).stateCode();
            put16(b, 4 + 4 * i + 2, entries.get(i).groupId());
        }
        return b;
    }

    public static SetTargetPortGroupsParameters decode(byte[] b) throws ScsiFormatException {
        need(b, 4, "SET TARGET PORT GROUPS parameter list");
        if ((b.length - 4) % 4 != 0) {
            throw new ScsiFormatException("SET TARGET PORT GROUPS parameter list: length " + b.length
                    + " is not 4 + a multiple of 4");
        }
        List<Entry> e = new ArrayList<>((b.length - 4) / 4);
        for (int off = 4; off < b.length; off += 4) {
            e.add(new Entry(b[off] & 0x0F, u16(b, off + 2)));
        }
        return new SetTargetPortGroupsParameters(e);
    }
}
