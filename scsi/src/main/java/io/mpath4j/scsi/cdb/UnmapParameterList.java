package io.mpath4j.scsi.cdb;

import static io.mpath4j.scsi.ScsiBytes.U32_MAX;
import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.need;
import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.put64;
import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u32;
import static io.mpath4j.scsi.ScsiBytes.u64;

import io.mpath4j.scsi.ScsiFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * The UNMAP parameter list (SBC-3 §5.28.2): an 8-byte header (UNMAP DATA LENGTH = n-1, UNMAP BLOCK
 * DESCRIPTOR DATA LENGTH = 16 × count) and 16-byte block descriptors (LBA, number of blocks).
 */
public record UnmapParameterList(List<Descriptor> descriptors) {

    /** One range to unmap. */
    public record Descriptor(long lba, long blocks) {
        public Descriptor {
            checkRange(blocks, U32_MAX, "number of logical blocks");
        }
    }

    public UnmapParameterList {
        descriptors = List.copyOf(descriptors);
        checkRange(descriptors.size(), (0xFFFF - 8) / 16, "descriptor count");
    }

    public byte[] encode() {
        byte[] b = new byte[8 + 16 * descriptors.size()];
        put16(b, 0, b.length - 2);
        put16(b, 2, 16 * descriptors.size());
        int off = 8;
        for (Descriptor d : descriptors) {
            put64(b, off, d.lba());
            put32(b, off + 8, d.blocks());
            off += 16;
        }
        return b;
    }

    /**
     * Target side. The block descriptor data length must be a multiple of 16 and lie within the
     * buffer (a target answers 26h/00h INVALID FIELD IN PARAMETER LIST otherwise, SBC-3 §5.28.2).
     */
    public static UnmapParameterList decode(byte[] b) throws ScsiFormatException {
        need(b, 8, "UNMAP parameter list");
        int descLen = u16(b, 2);
        if (descLen % 16 != 0) {
            throw new ScsiFormatException("UNMAP parameter list: block descriptor data length " + descLen
                    + " is not a multiple of 16");
        }
        if (8 + descLen > b.length) {
            throw new ScsiFormatException("UNMAP parameter list: block descriptor data length " + descLen
                    + " runs past the " + b.length + "-byte list");
        }
        List<Descriptor> list = new ArrayList<>(descLen / 16);
        for (int off = 8; off < 8 + descLen; off += 16) {
            list.add(new Descriptor(u64(b, off), u32(b, off + 8)));
        }
        return new UnmapParameterList(list);
    }
}
