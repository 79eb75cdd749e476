package io.mpath4j.lab.lu;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.scsi.ScsiStatus;
import io.mpath4j.scsi.cdb.Cdb;
import io.mpath4j.scsi.sense.SenseData;
import java.nio.ByteBuffer;

/** Test helper: one LabLuns and two initiators (nexus A through port 1, nexus B through port 2). */
final class LuHarness {

    static final Nexus A = new Nexus("iqn.2026-11.test:a,i,0x400000000001", "iqn.2026-11.io.mpath4j:lab,t,0x0001", 1, 1);
    static final Nexus B = new Nexus("iqn.2026-11.test:b,i,0x400000000002", "iqn.2026-11.io.mpath4j:lab,t,0x0002", 2, 2);
    static final int BS = 512;
    static final long BLOCKS = 2048;

    final LabLuns luns;

    LuHarness(LabLuns luns) {
        this.luns = luns;
    }

    /** One 1 MiB thin memory LU at LUN 0, no ALUA. */
    static LuHarness memoryLu() {
        return of(LabLogicalUnit.builder("lu0", Backstore.memory(BLOCKS * BS, BS)).build());
    }

    static LuHarness of(LabLogicalUnit lu) {
        return new LuHarness(LabLuns.builder().lun(0, lu).build());
    }

    LabLogicalUnit lu() {
        return luns.lun(0);
    }

    TaskResult exec(Nexus n, byte[] cdb, byte[] dataOut) {
        return luns.execute(new ScsiTask(n, 0, cdb, dataOut == null ? null : ByteBuffer.wrap(dataOut), 1 << 20));
    }

    TaskResult exec(Nexus n, Cdb cdb, byte[] dataOut) {
        return exec(n, cdb.encode(), dataOut);
    }

    TaskResult exec(byte[] cdb) {
        return exec(A, cdb, null);
    }

    TaskResult exec(Cdb cdb) {
        return exec(A, cdb.encode(), null);
    }

    /** Consumes the POWER ON/RESET unit attention a new nexus starts with. */
    LuHarness clearUa(Nexus... nexuses) {
        for (Nexus n : nexuses) {
            TaskResult r = exec(n, new Cdb.TestUnitReady(), null);
            assertThat(r.status()).isIn(ScsiStatus.GOOD, ScsiStatus.CHECK_CONDITION);
            if (r.status() == ScsiStatus.CHECK_CONDITION) {
                assertThat(r.sense()).isEqualTo(Sense.POWER_ON_RESET);
            }
        }
        return this;
    }

    static byte[] bytes(TaskResult r) {
        assertThat(r.status()).as("status (sense %s)", r.sense()).isEqualTo(ScsiStatus.GOOD);
        ByteBuffer d = r.dataIn().duplicate();
        byte[] b = new byte[d.remaining()];
        d.get(b);
        return b;
    }

    static void assertGood(TaskResult r) {
        assertThat(r.status()).as("status (sense %s)", r.sense()).isEqualTo(ScsiStatus.GOOD);
    }

    static void assertSense(TaskResult r, SenseData expected) {
        assertThat(r.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        assertThat(r.sense().key()).isEqualTo(expected.key());
        assertThat(r.sense().asc()).as("ASC of %s", r.sense()).isEqualTo(expected.asc());
        assertThat(r.sense().ascq()).as("ASCQ of %s", r.sense()).isEqualTo(expected.ascq());
        // the sense must survive the wire: fixed format, 18 bytes, decodable
        assertThat(r.sense().encode()).hasSize(18);
    }

    static void assertConflict(TaskResult r) {
        assertThat(r.status()).isEqualTo(ScsiStatus.RESERVATION_CONFLICT);
    }

    static byte[] filled(int blocks, int value) {
        byte[] b = new byte[blocks * BS];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}
