package io.mpath4j.lab.lu;

import static io.mpath4j.lab.lu.LuHarness.A;
import static io.mpath4j.lab.lu.LuHarness.assertSense;
import static io.mpath4j.lab.lu.LuHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.scsi.ScsiBytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SupportedOperationCodesTest {

    LuHarness h;

    @BeforeEach
    void setUp() {
        h = LuHarness.memoryLu().clearUa(A);
    }

    @Test
    void allCommands() {
        byte[] b = bytes(h.exec(RawCdb.reportSupportedOpcodes(0, false, 0, 0, 65536)));
        int n = (int) ScsiBytes.u32(b, 0);
        assertThat(n).isEqualTo(8 * LuCommand.ALL.size()).isEqualTo(b.length - 4);
        boolean sawRead16 = false;
        for (int off = 4; off < b.length; off += 8) {
            if ((b[off] & 0xFF) == 0x88) {
                sawRead16 = true;
                assertThat(ScsiBytes.u16(b, off + 6)).isEqualTo(16);
                assertThat(b[off + 5] & 0x01).isZero();
            }
            if ((b[off] & 0xFF) == 0x9E) {
                assertThat(b[off + 5] & 0x01).isEqualTo(1); // SERVACTV
            }
        }
        assertThat(sawRead16).isTrue();
        byte[] timeouts = bytes(h.exec(RawCdb.reportSupportedOpcodes(0, true, 0, 0, 65536)));
        assertThat(ScsiBytes.u32(timeouts, 0)).isEqualTo(20L * LuCommand.ALL.size());
        assertThat(timeouts[4 + 5] & 0x02).isEqualTo(2); // CTDP
        assertThat(ScsiBytes.u16(timeouts, 4 + 8)).isEqualTo(0x0A);
    }

    @Test
    void oneCommand() {
        byte[] b = bytes(h.exec(RawCdb.reportSupportedOpcodes(1, false, 0x28, 0, 512)));
        assertThat(b[1] & 0x07).isEqualTo(3);
        assertThat(ScsiBytes.u16(b, 2)).isEqualTo(10);
        assertThat(b[4] & 0xFF).isEqualTo(0x28);
        byte[] sa = bytes(h.exec(RawCdb.reportSupportedOpcodes(2, true, 0x9E, 0x10, 512)));
        assertThat(sa[1] & 0x87).isEqualTo(0x83);
        assertThat(sa[5] & 0x1F).isEqualTo(0x10);
        assertThat(sa).hasSize(4 + 16 + 12);
        byte[] unsupported = bytes(h.exec(RawCdb.reportSupportedOpcodes(1, false, 0xC7, 0, 512)));
        assertThat(unsupported[1] & 0x07).isEqualTo(1);
        assertSense(h.exec(RawCdb.reportSupportedOpcodes(1, false, 0x9E, 0, 512)), Sense.INVALID_FIELD_IN_CDB);
        TaskResult wrongOption = h.exec(RawCdb.reportSupportedOpcodes(2, false, 0x28, 0, 512));
        assertSense(wrongOption, Sense.INVALID_FIELD_IN_CDB);
        // the field pointer (C/D set, byte 2) tells libiscsi the command itself is supported
        byte[] fixed = wrongOption.sense().encode();
        assertThat(fixed[15] & 0xFF).isEqualTo(0xC0);
        assertThat(ScsiBytes.u16(fixed, 16)).isEqualTo(2);
        assertSense(h.exec(RawCdb.reportSupportedOpcodes(7, false, 0x28, 0, 512)), Sense.INVALID_FIELD_IN_CDB);
        assertThat(bytes(h.exec(RawCdb.reportSupportedOpcodes(0, false, 0, 0, 4)))).hasSize(4);
    }
}
