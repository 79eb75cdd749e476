package io.mpath4j.scsi.pr;

import static io.mpath4j.scsi.ScsiBytes.U32_MAX;
import static io.mpath4j.scsi.ScsiBytes.checkRange;
import static io.mpath4j.scsi.ScsiBytes.need;
import static io.mpath4j.scsi.ScsiBytes.needClaimed;
import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.put64;
import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u32;
import static io.mpath4j.scsi.ScsiBytes.u64;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.ScsiFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** PERSISTENT RESERVE IN parameter data (SPC-4 §6.13.2-§6.13.4), one record per service action. */
public sealed interface PrInData {

    byte[] encode();

    /**
     * READ KEYS (SPC-4 §6.13.2): PRGENERATION, ADDITIONAL LENGTH (8 × n), the registered keys.
     */
    record Keys(long generation, List<Long> keys) implements PrInData {
        public Keys {
            checkRange(generation, U32_MAX, "PRgeneration");
            keys = List.copyOf(keys);
        }

        public byte[] encode() {
            byte[] b = new byte[8 + 8 * keys.size()];
            put32(b, 0, generation);
            put32(b, 4, 8L * keys.size());
            for (int i = 0; i < keys.size(); i++) {
                put64(b, 8 + 8 * i, keys.get(i));
            }
            return b;
        }

        public static Keys decode(byte[] b) throws ScsiFormatException {
            need(b, 8, "READ KEYS data");
            long len = u32(b, 4);
            if (len % 8 != 0) {
                throw new ScsiFormatException("READ KEYS data: ADDITIONAL LENGTH " + len + " is not a multiple of 8");
            }
            needClaimed(b, 8 + len, "READ KEYS data");
            List<Long> keys = new ArrayList<>((int) (len / 8));
            for (int off = 8; off < 8 + len; off += 8) {
                keys.add(u64(b, off));
            }
            return new Keys(u32(b, 0), keys);
        }
    }

    /** The reservation held, as READ RESERVATION reports it. */
    record Holder(long key, int scope, int typeCode) {
        public Holder {
            checkRange(scope, 0xF, "scope");
            checkRange(typeCode, 0xF, "type");
        }

        public Holder(long key, PrType type) {
            this(key, 0, type.code());
        }

        public PrType type() {
            return PrType.of(typeCode);
        }
    }

    /**
     * READ RESERVATION (SPC-4 §6.13.3): PRGENERATION, ADDITIONAL LENGTH (0 or 10h), and when a
     * reservation exists its key, scope and type.
     */
    record Reservation(long generation, Optional<Holder> holder) implements PrInData {
        public Reservation {
            checkRange(generation, U32_MAX, "PRgeneration");
            java.util.Objects.requireNonNull(holder, "holder");
        }

        public byte[] encode() {
            byte[] b = new byte[holder.isPresent() ? 24 : 8];
            put32(b, 0, generation);
            holder.ifPresent(h -> {
                put32(b, 4, 0x10);
                put64(b, 8, h.key());
                b[21] = (byte) (h.scope() << 4 | h.typeCode());
            });
            return b;
        }

        public static Reservation decode(byte[] b) throws ScsiFormatException {
            need(b, 8, "READ RESERVATION data");
            long len = u32(b, 4);
            if (len == 0) {
                return new Reservation(u32(b, 0), Optional.empty());
            }
            if (len < 0x10) {
                throw new ScsiFormatException("READ RESERVATION data: ADDITIONAL LENGTH " + len + " (0 or 16)");
            }
            needClaimed(b, 8 + len, "READ RESERVATION data");
            return new Reservation(u32(b, 0), Optional.of(new Holder(u64(b, 8), (b[21] & 0xF0) >>> 4, b[21] & 0x0F)));
        }
    }

    /**
     * REPORT CAPABILITIES (SPC-4 §6.13.4), 8 bytes.
     *
     * @param typeMask the PERSISTENT RESERVATION TYPE MASK (bytes 4-5), meaningful when TMV is set
     */
    record Capabilities(
            boolean rlrC, boolean crh, boolean sipC, boolean atpC, boolean ptplC, boolean tmv, int allowCommands,
            boolean ptplA, int typeMask) implements PrInData {

        public static final int WR_EX_AR = 0x8000;
        public static final int EX_AC_RO = 0x4000;
        public static final int WR_EX_RO = 0x2000;
        public static final int EX_AC = 0x0800;
        public static final int WR_EX = 0x0200;
        public static final int EX_AC_AR = 0x0001;

        public Capabilities {
            checkRange(allowCommands, 7, "ALLOW COMMANDS");
            checkRange(typeMask, 0xFFFF, "type mask");
        }

        public boolean supports(PrType t) {
            int bit = switch (t) {
                case WRITE_EXCLUSIVE -> WR_EX;
                case EXCLUSIVE_ACCESS -> EX_AC;
                case WRITE_EXCLUSIVE_REGISTRANTS_ONLY -> WR_EX_RO;
                case EXCLUSIVE_ACCESS_REGISTRANTS_ONLY -> EX_AC_RO;
                case WRITE_EXCLUSIVE_ALL_REGISTRANTS -> WR_EX_AR;
                case EXCLUSIVE_ACCESS_ALL_REGISTRANTS -> EX_AC_AR;
                case NONE -> 0;
            };
            return tmv && (typeMask & bit) != 0;
        }

        public byte[] encode() {
            byte[] b = new byte[8];
            put16(b, 0, 8);
            b[2] = (byte) ((rlrC ? 0x80 : 0) | (crh ? 0x10 : 0) | (sipC ? 0x08 : 0) | (atpC ? 0x04 : 0) | (ptplC ? 0x01 : 0));
            b[3] = (byte) ((tmv ? 0x80 : 0) | allowCommands << 4 | (ptplA ? 0x01 : 0));
            put16(b, 4, typeMask);
            return b;
        }

        public static Capabilities decode(byte[] b) throws ScsiFormatException {
            need(b, 8, "REPORT CAPABILITIES data");
            if (u16(b, 0) < 8) {
                throw new ScsiFormatException("REPORT CAPABILITIES data: LENGTH " + u16(b, 0) + ", need 8");
            }
            int f = u8(b, 2);
            int g = u8(b, 3);
            return new Capabilities((f & 0x80) != 0, (f & 0x10) != 0, (f & 0x08) != 0, (f & 0x04) != 0,
                    (f & 0x01) != 0, (g & 0x80) != 0, (g >>> 4) & 7, (g & 0x01) != 0, u16(b, 4));
        }
    }

    /** Decodes the data of {@code action} (READ FULL STATUS is not modelled). */
    static PrInData decode(PrInAction action, byte[] b) throws ScsiFormatException {
        return switch (action) {
            case READ_KEYS -> Keys.decode(b);
            case READ_RESERVATION -> Reservation.decode(b);
            case REPORT_CAPABILITIES -> Capabilities.decode(b);
            case READ_FULL_STATUS -> throw new ScsiFormatException("READ FULL STATUS data is not supported");
        };
    }
}
