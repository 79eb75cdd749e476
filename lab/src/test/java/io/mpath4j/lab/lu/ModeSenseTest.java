package io.mpath4j.lab.lu;

import static io.mpath4j.lab.lu.LuHarness.A;
import static io.mpath4j.lab.lu.LuHarness.BLOCKS;
import static io.mpath4j.lab.lu.LuHarness.BS;
import static io.mpath4j.lab.lu.LuHarness.assertSense;
import static io.mpath4j.lab.lu.LuHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.scsi.ScsiBytes;
import io.mpath4j.scsi.cdb.Cdb;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModeSenseTest {

    LuHarness h;

    @BeforeEach
    void setUp() {
        h = LuHarness.memoryLu().clearUa(A);
    }

    @Test
    void modeSense6AllPagesWithBlockDescriptor() {
        byte[] b = bytes(h.exec(new Cdb.ModeSense6(false, 0, Cdb.MODE_PAGE_ALL, 0, 255)));
        assertThat(b[0] & 0xFF).isEqualTo(b.length - 1); // MODE DATA LENGTH
        assertThat(b[2] & 0x80).isZero(); // not write protected
        assertThat(b[3]).isEqualTo((byte) 8); // one short block descriptor
        assertThat(ScsiBytes.u32(b, 4)).isEqualTo(BLOCKS);
        assertThat(ScsiBytes.u24(b, 9)).isEqualTo(BS);
        // pages in ascending order: 01h (12 bytes), 08h (20 bytes), 0Ah (12 bytes)
        assertThat(b[12]).isEqualTo((byte) 0x01);
        assertThat(b[24]).isEqualTo((byte) 0x08);
        assertThat(b[25]).isEqualTo((byte) 0x12);
        assertThat(b[44]).isEqualTo((byte) 0x0A);
        assertThat(b[45]).isEqualTo((byte) 0x0A);
        assertThat(b).hasSize(56);
    }

    @Test
    void dbdDropsTheDescriptorAndAllocationLengthTruncates() {
        byte[] b = bytes(h.exec(new Cdb.ModeSense6(true, 0, Cdb.MODE_PAGE_CONTROL, 0, 255)));
        assertThat(b).hasSize(4 + 12);
        assertThat(b[3]).isZero();
        assertThat(b[4]).isEqualTo((byte) 0x0A);
        byte[] cut = bytes(h.exec(new Cdb.ModeSense6(false, 0, Cdb.MODE_PAGE_ALL, 0, 4)));
        assertThat(cut).hasSize(4);
        assertThat(cut[0] & 0xFF).isEqualTo(55); // still the full length
    }

    @Test
    void modeSense10WithLongDescriptorAndWriteProtect() {
        h.lu().setReadOnly(true);
        byte[] b = bytes(h.exec(new Cdb.ModeSense10(true, false, 0, Cdb.MODE_PAGE_CACHING, 0, 1024)));
        assertThat(ScsiBytes.u16(b, 0)).isEqualTo(b.length - 2);
        assertThat(b[3] & 0x80).isEqualTo(0x80); // WP
        assertThat(b[4] & 0x01).isEqualTo(1); // LONGLBA
        assertThat(ScsiBytes.u16(b, 6)).isEqualTo(16);
        assertThat(ScsiBytes.u64(b, 8)).isEqualTo(BLOCKS);
        assertThat(b[24]).isEqualTo((byte) 0x08);
    }

    @Test
    void refusals() {
        assertSense(h.exec(new Cdb.ModeSense6(false, 3, Cdb.MODE_PAGE_ALL, 0, 255)), Sense.SAVING_PARAMETERS_NOT_SUPPORTED);
        assertSense(h.exec(new Cdb.ModeSense6(false, 0, 0x1C, 0, 255)), Sense.INVALID_FIELD_IN_CDB);
        assertSense(h.exec(new Cdb.ModeSense6(false, 0, Cdb.MODE_PAGE_CONTROL, 1, 255)), Sense.INVALID_FIELD_IN_CDB);
        byte[] all = bytes(h.exec(new Cdb.ModeSense6(false, 0, Cdb.MODE_PAGE_ALL, 0xFF, 255)));
        assertThat(all).hasSize(56);
        byte[] changeable = bytes(h.exec(new Cdb.ModeSense6(true, 1, Cdb.MODE_PAGE_CONTROL, 0, 255)));
        assertThat(java.util.Arrays.copyOfRange(changeable, 6, 16)).containsOnly(0);
    }
}
