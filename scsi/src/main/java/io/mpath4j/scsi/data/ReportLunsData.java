package io.mpath4j.scsi.data;

import static io.mpath4j.scsi.ScsiBytes.need;
import static io.mpath4j.scsi.ScsiBytes.needClaimed;
import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.put64;
import static io.mpath4j.scsi.ScsiBytes.u32;
import static io.mpath4j.scsi.ScsiBytes.u64;

import io.mpath4j.scsi.ScsiFormatException;
import java.util.ArrayList;
import java.util.List;

/** REPORT LUNS parameter data (SPC-4 §6.29.2): LUN LIST LENGTH (8 × n), 4 reserved bytes, the LUNs. */
public record ReportLunsData(List<Lun> luns) {

    public ReportLunsData {
        luns = List.copyOf(luns);
    }

    /** The total length the data claims, from its first 4 bytes: the allocation length needed. */
    public static long requiredLength(byte[] header) throws ScsiFormatException {
        need(header, 4, "REPORT LUNS data");
        return 8 + u32(header, 0);
    }

    public byte[] encode() {
        byte[] b = new byte[8 + 8 * luns.size()];
        put32(b, 0, 8L * luns.size());
        for (int i = 0; i < luns.size(); i++) {
            put64(b, 8 + 8 * i, luns.get(i).raw());
        }
        return b;
    }

    public static ReportLunsData decode(byte[] b) throws ScsiFormatException {
        need(b, 8, "REPORT LUNS data");
        long listLength = u32(b, 0);
        if (listLength % 8 != 0) {
            throw new ScsiFormatException("REPORT LUNS data: LUN LIST LENGTH " + listLength + " is not a multiple of 8");
        }
        needClaimed(b, 8 + listLength, "REPORT LUNS data");
        List<Lun> luns = new ArrayList<>((int) (listLength / 8));
        for (int off = 8; off < 8 + listLength; off += 8) {
            luns.add(new Lun(u64(b, off)));
        }
        return new ReportLunsData(luns);
    }
}
