package io.mpath4j.lab.lu;

import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u32;
import static io.mpath4j.scsi.ScsiBytes.u8;

import java.io.ByteArrayOutputStream;

/**
 * REPORT SUPPORTED OPERATION CODES (SPC-4 §6.35) from the {@link LuCommand} table: all commands
 * (reporting options 000b), one command (001b without, 010b with a service action, 011b either),
 * with command timeouts descriptors when RCTD is set.
 */
final class SupportedOperationCodes {

    private SupportedOperationCodes() {}

    static byte[] report(byte[] c) {
        boolean rctd = (c[2] & 0x80) != 0;
        int options = c[2] & 0x07;
        int op = u8(c, 3);
        int sa = u16(c, 4);
        long alloc = u32(c, 6);
        byte[] b = switch (options) {
            case 0 -> all(rctd);
            case 1, 2, 3 -> one(options, op, sa, rctd);
            default -> throw TaskFailure.invalidFieldInCdb(2);
        };
        return LabLogicalUnit.truncate(b, alloc);
    }

    private static byte[] all(boolean rctd) {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        for (LuCommand cmd : LuCommand.ALL) {
            byte[] e = new byte[rctd ? 20 : 8];
            e[0] = (byte) cmd.opcode();
            put16(e, 2, Math.max(0, cmd.serviceAction()));
            e[5] = (byte) ((rctd ? 0x02 : 0) | (cmd.hasServiceAction() ? 0x01 : 0)); // CTDP, SERVACTV
            put16(e, 6, cmd.cdbLength());
            if (rctd) {
                System.arraycopy(timeouts(), 0, e, 8, 12);
            }
            d.writeBytes(e);
        }
        byte[] b = new byte[4 + d.size()];
        put32(b, 0, d.size());
        System.arraycopy(d.toByteArray(), 0, b, 4, d.size());
        return b;
    }

    private static byte[] one(int options, int op, int sa, boolean rctd) {
        boolean hasSa = false;
        LuCommand found = null;
        for (LuCommand cmd : LuCommand.ALL) {
            if (cmd.opcode() != op) {
                continue;
            }
            hasSa = cmd.hasServiceAction();
            if (!hasSa || cmd.serviceAction() == sa) {
                found = cmd;
            }
        }
        boolean known = LuCommand.knownOpcode(op);
        if (known && ((options == 1 && hasSa) || (options == 2 && !hasSa))) {
            throw TaskFailure.invalidFieldInCdb(2); // the REPORTING OPTIONS do not fit the opcode
        }
        if (found == null) {
            byte[] b = new byte[4];
            b[1] = 0x01; // SUPPORT 001b: not supported
            return b;
        }
        byte[] usage = found.usageData();
        byte[] b = new byte[4 + usage.length + (rctd ? 12 : 0)];
        b[1] = (byte) ((rctd ? 0x80 : 0) | 0x03); // CTDP, SUPPORT 011b: supported as the standard says
        put16(b, 2, usage.length);
        System.arraycopy(usage, 0, b, 4, usage.length);
        if (rctd) {
            System.arraycopy(timeouts(), 0, b, 4 + usage.length, 12);
        }
        return b;
    }

    /** Command timeouts descriptor (SPC-4 §6.35.4): no nominal or recommended timeout to report. */
    private static byte[] timeouts() {
        byte[] t = new byte[12];
        put16(t, 0, 0x0A);
        return t;
    }
}
