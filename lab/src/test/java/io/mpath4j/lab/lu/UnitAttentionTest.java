package io.mpath4j.lab.lu;

import static io.mpath4j.lab.lu.LuHarness.A;
import static io.mpath4j.lab.lu.LuHarness.B;
import static io.mpath4j.lab.lu.LuHarness.assertConflict;
import static io.mpath4j.lab.lu.LuHarness.assertGood;
import static io.mpath4j.lab.lu.LuHarness.assertSense;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.scsi.ScsiStatus;
import io.mpath4j.scsi.cdb.Cdb;
import org.junit.jupiter.api.Test;

/** Unit attentions per nexus, LU reset, nexus loss, SPC-2 reservations and injected faults. */
class UnitAttentionTest {

    @Test
    void logicalUnitResetIsReportedOnEveryPath() {
        LuHarness h = LuHarness.memoryLu().clearUa(A, B);
        h.luns.logicalUnitReset(0, A);
        assertSense(h.exec(A, new Cdb.TestUnitReady(), null), Sense.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        assertGood(h.exec(A, new Cdb.TestUnitReady(), null));
        assertSense(h.exec(B, new Cdb.TestUnitReady(), null), Sense.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        assertGood(h.exec(B, new Cdb.TestUnitReady(), null));
    }

    @Test
    void powerOnResetSupersedesOtherConditions() throws Exception {
        LuHarness h = LuHarness.memoryLu().clearUa(A, B);
        h.lu().resize(2 * LuHarness.BLOCKS * LuHarness.BS);
        h.luns.logicalUnitReset(0, A);
        assertSense(h.exec(B, new Cdb.TestUnitReady(), null), Sense.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        assertGood(h.exec(B, new Cdb.TestUnitReady(), null));
        h.lu().resize(LuHarness.BLOCKS * LuHarness.BS);
        assertSense(h.exec(A, new Cdb.TestUnitReady(), null), Sense.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        assertGood(h.exec(A, new Cdb.TestUnitReady(), null)); // nothing queued behind a reset
    }

    @Test
    void aLostNexusStartsOverAndLosesItsSpc2Reservation() {
        LuHarness h = LuHarness.memoryLu().clearUa(A, B);
        assertGood(h.exec(A, RawCdb.reserve6(), null));
        assertConflict(h.exec(B, new Cdb.Read10(0, 1, false), null));
        assertConflict(h.exec(B, new Cdb.TestUnitReady(), null));
        assertGood(h.exec(B, Cdb.Inquiry.standard(36), null));
        assertGood(h.exec(B, RawCdb.release6(), null)); // not the holder: a no-op
        assertConflict(h.exec(B, RawCdb.reserve6(), null));
        h.luns.nexusLost(A);
        assertGood(h.exec(B, new Cdb.Read10(0, 1, false), null));
        assertSense(h.exec(A, new Cdb.TestUnitReady(), null), Sense.POWER_ON_RESET);
    }

    @Test
    void spc2ReservationIsReleasedByItsHolderAndByReset() {
        LuHarness h = LuHarness.memoryLu().clearUa(A, B);
        assertGood(h.exec(A, RawCdb.reserve6(), null));
        assertGood(h.exec(A, RawCdb.reserve6(), null)); // again by the holder
        assertGood(h.exec(A, RawCdb.release6(), null));
        assertGood(h.exec(B, RawCdb.reserve6(), null));
        h.luns.logicalUnitReset(0, A);
        assertSense(h.exec(A, new Cdb.Read10(0, 1, false), null), Sense.BUS_DEVICE_RESET_FUNCTION_OCCURRED);
        assertGood(h.exec(A, new Cdb.Read10(0, 1, false), null));
    }

    @Test
    void faultsFailTheNextCommandsOrAnOpcode() {
        LuHarness h = LuHarness.memoryLu().clearUa(A);
        h.lu().injectFault(Fault.nextCommands(2, Sense.UNRECOVERED_READ_ERROR));
        assertSense(h.exec(new Cdb.Read10(0, 1, false)), Sense.UNRECOVERED_READ_ERROR);
        assertSense(h.exec(new Cdb.TestUnitReady()), Sense.UNRECOVERED_READ_ERROR);
        assertGood(h.exec(new Cdb.Read10(0, 1, false)));

        h.lu().injectFault(Fault.everyOpcode(0x2A, Sense.WRITE_ERROR));
        for (int i = 0; i < 3; i++) {
            assertSense(h.exec(A, new Cdb.Write10(0, 1, false), LuHarness.filled(1, 1)), Sense.WRITE_ERROR);
        }
        assertGood(h.exec(A, new Cdb.Write16(0, 1, false), LuHarness.filled(1, 1)));
        h.lu().clearFaults();
        assertGood(h.exec(A, new Cdb.Write10(0, 1, false), LuHarness.filled(1, 1)));

        h.lu().injectFault(Fault.nextCommands(1, ScsiStatus.BUSY));
        assertThat(h.exec(new Cdb.TestUnitReady()).status()).isEqualTo(ScsiStatus.BUSY);
        assertGood(h.exec(new Cdb.TestUnitReady()));
    }

    @Test
    void aUnitAttentionComesBeforeAFault() {
        LuHarness h = LuHarness.memoryLu();
        h.lu().injectFault(Fault.nextCommands(1, Sense.UNRECOVERED_READ_ERROR));
        assertSense(h.exec(new Cdb.Read10(0, 1, false)), Sense.POWER_ON_RESET);
        assertSense(h.exec(new Cdb.Read10(0, 1, false)), Sense.UNRECOVERED_READ_ERROR);
    }

    @Test
    void faultsAreValidated() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Fault.nextCommands(0, Sense.WRITE_ERROR))
                .hasMessageContaining("count");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Fault(-1, 1, TaskResult.good()))
                .hasMessageContaining("GOOD");
    }
}
