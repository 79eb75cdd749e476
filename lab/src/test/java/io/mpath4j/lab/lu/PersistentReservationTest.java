package io.mpath4j.lab.lu;

import static io.mpath4j.lab.lu.LuHarness.A;
import static io.mpath4j.lab.lu.LuHarness.B;
import static io.mpath4j.lab.lu.LuHarness.assertConflict;
import static io.mpath4j.lab.lu.LuHarness.assertGood;
import static io.mpath4j.lab.lu.LuHarness.assertSense;
import static io.mpath4j.lab.lu.LuHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.scsi.ScsiBytes;
import io.mpath4j.scsi.cdb.Cdb;
import io.mpath4j.scsi.pr.PrInAction;
import io.mpath4j.scsi.pr.PrInData;
import io.mpath4j.scsi.pr.PrOutAction;
import io.mpath4j.scsi.pr.PrOutParameterList;
import io.mpath4j.scsi.pr.PrType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Persistent reservations (SPC-4 §5.12) between two I_T nexuses. */
class PersistentReservationTest {

    static final Nexus C = new Nexus("iqn.2026-11.test:c,i,0x400000000003", "iqn.2026-11.io.mpath4j:lab,t,0x0001", 1, 1);
    static final long KA = 0xA1A1L;
    static final long KB = 0xB2B2L;

    LuHarness h;

    @BeforeEach
    void setUp() {
        h = LuHarness.memoryLu().clearUa(A, B, C);
    }

    TaskResult out(Nexus n, PrOutAction a, PrType t, PrOutParameterList p) {
        return h.exec(n, new Cdb.PersistentReserveOut(a, t, PrOutParameterList.LENGTH), p.encode());
    }

    void register(Nexus n, long key) {
        assertGood(out(n, PrOutAction.REGISTER, PrType.NONE, PrOutParameterList.register(0, key)));
    }

    void reserve(Nexus n, long key, PrType t) {
        assertGood(out(n, PrOutAction.RESERVE, t, PrOutParameterList.key(key)));
    }

    PrInData.Keys keys() throws Exception {
        return PrInData.Keys.decode(bytes(h.exec(C, new Cdb.PersistentReserveIn(PrInAction.READ_KEYS, 1024), null)));
    }

    PrInData.Reservation reservation() throws Exception {
        return PrInData.Reservation.decode(bytes(h.exec(C, new Cdb.PersistentReserveIn(PrInAction.READ_RESERVATION, 1024), null)));
    }

    boolean canRead(Nexus n) {
        return h.exec(n, new Cdb.Read16(0, 1, false), null).status() == io.mpath4j.scsi.ScsiStatus.GOOD;
    }

    boolean canWrite(Nexus n) {
        return h.exec(n, new Cdb.Write16(0, 1, false), LuHarness.filled(1, 1)).status() == io.mpath4j.scsi.ScsiStatus.GOOD;
    }

    @Test
    void registerReadKeysAndGeneration() throws Exception {
        assertThat(keys().keys()).isEmpty();
        register(A, KA);
        register(B, KB);
        PrInData.Keys k = keys();
        assertThat(k.keys()).containsExactly(KA, KB);
        assertThat(k.generation()).isEqualTo(2);
        // re-registering needs the current key, unless ignoring it
        assertConflict(out(A, PrOutAction.REGISTER, PrType.NONE, PrOutParameterList.register(0, 0x77)));
        assertGood(out(A, PrOutAction.REGISTER, PrType.NONE, PrOutParameterList.register(KA, 0x77)));
        assertGood(out(A, PrOutAction.REGISTER_AND_IGNORE_EXISTING_KEY, PrType.NONE, PrOutParameterList.register(0, KA)));
        // an unregistered nexus with a non-zero reservation key conflicts
        assertConflict(out(C, PrOutAction.REGISTER, PrType.NONE, PrOutParameterList.register(5, 6)));
        // unregister
        assertGood(out(B, PrOutAction.REGISTER, PrType.NONE, PrOutParameterList.register(KB, 0)));
        k = keys();
        assertThat(k.keys()).containsExactly(KA);
        assertThat(k.generation()).isEqualTo(5);
    }

    @Test
    void reserveNeedsARegistrationAndTheRightKey() throws Exception {
        assertConflict(out(A, PrOutAction.RESERVE, PrType.WRITE_EXCLUSIVE, PrOutParameterList.key(KA)));
        register(A, KA);
        assertConflict(out(A, PrOutAction.RESERVE, PrType.WRITE_EXCLUSIVE, PrOutParameterList.key(KB)));
        assertSense(h.exec(A, new Cdb.PersistentReserveOut(PrOutAction.RESERVE, 0, 2, 24), PrOutParameterList.key(KA).encode()),
                Sense.INVALID_FIELD_IN_CDB); // type 2 is obsolete
        reserve(A, KA, PrType.WRITE_EXCLUSIVE);
        reserve(A, KA, PrType.WRITE_EXCLUSIVE); // again by the holder, same type: GOOD
        assertConflict(out(A, PrOutAction.RESERVE, PrType.EXCLUSIVE_ACCESS, PrOutParameterList.key(KA)));
        register(B, KB);
        assertConflict(out(B, PrOutAction.RESERVE, PrType.WRITE_EXCLUSIVE, PrOutParameterList.key(KB)));
        PrInData.Reservation r = reservation();
        assertThat(r.holder()).hasValue(new PrInData.Holder(KA, PrType.WRITE_EXCLUSIVE));
    }

    /** The access matrix libiscsi's prout_reserve_access tests check. */
    @ParameterizedTest
    @CsvSource({
            "WRITE_EXCLUSIVE,                   true,  false, true,  false",
            "EXCLUSIVE_ACCESS,                  false, false, false, false",
            "WRITE_EXCLUSIVE_REGISTRANTS_ONLY,  true,  true,  true,  false",
            "EXCLUSIVE_ACCESS_REGISTRANTS_ONLY, true,  true,  false, false",
            "WRITE_EXCLUSIVE_ALL_REGISTRANTS,   true,  true,  true,  false",
            "EXCLUSIVE_ACCESS_ALL_REGISTRANTS,  true,  true,  false, false"})
    void accessPerReservationType(PrType type, boolean regRead, boolean regWrite, boolean unregRead, boolean unregWrite)
            throws Exception {
        register(A, KA);
        register(B, KB);
        reserve(A, KA, type);
        boolean all = type == PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS || type == PrType.EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
        assertThat(reservation().holder()).hasValue(new PrInData.Holder(all ? 0 : KA, type));
        assertThat(canRead(A)).isTrue();
        assertThat(canWrite(A)).isTrue();
        assertThat(canRead(B)).isEqualTo(regRead);
        assertThat(canWrite(B)).isEqualTo(regWrite);
        assertThat(canRead(C)).isEqualTo(unregRead);
        assertThat(canWrite(C)).isEqualTo(unregWrite);
        // commands every reservation lets through
        assertGood(h.exec(C, Cdb.Inquiry.standard(36), null));
        assertGood(h.exec(C, new Cdb.TestUnitReady(), null));
        assertGood(h.exec(C, new Cdb.ReadCapacity16(32), null));
        assertGood(h.exec(C, new Cdb.ReportLuns(0, 256), null));
        assertGood(h.exec(C, new Cdb.PersistentReserveIn(PrInAction.READ_KEYS, 1024), null));
        assertThat(h.exec(C, new Cdb.SynchronizeCache10(0, 0, false), null).status())
                .isEqualTo(io.mpath4j.scsi.ScsiStatus.RESERVATION_CONFLICT);
        // release by the holder, with the right type
        assertSense(out(A, PrOutAction.RELEASE, type == PrType.WRITE_EXCLUSIVE ? PrType.EXCLUSIVE_ACCESS
                : PrType.WRITE_EXCLUSIVE, PrOutParameterList.key(KA)), Sense.INVALID_RELEASE_OF_PERSISTENT_RESERVATION);
        assertGood(out(A, PrOutAction.RELEASE, type, PrOutParameterList.key(KA)));
        assertThat(reservation().holder()).isEmpty();
        assertThat(canWrite(C)).isTrue();
        // registrants-only and all-registrants releases tell the other registrants (SPC-4 §5.12.11.2.2)
        if (type != PrType.WRITE_EXCLUSIVE && type != PrType.EXCLUSIVE_ACCESS) {
            assertSense(h.exec(B, new Cdb.TestUnitReady(), null), Sense.RESERVATIONS_RELEASED);
        }
        assertGood(h.exec(B, new Cdb.TestUnitReady(), null));
        assertGood(h.exec(C, new Cdb.TestUnitReady(), null));
    }

    @Test
    void releaseByANonHolderDoesNothing() throws Exception {
        register(A, KA);
        register(B, KB);
        reserve(A, KA, PrType.EXCLUSIVE_ACCESS);
        assertGood(out(B, PrOutAction.RELEASE, PrType.EXCLUSIVE_ACCESS, PrOutParameterList.key(KB)));
        assertThat(reservation().holder()).isPresent();
        assertConflict(out(C, PrOutAction.RELEASE, PrType.EXCLUSIVE_ACCESS, PrOutParameterList.key(0)));
    }

    @Test
    void clearRemovesEverythingAndTellsTheOthers() throws Exception {
        register(A, KA);
        register(B, KB);
        reserve(A, KA, PrType.WRITE_EXCLUSIVE);
        assertConflict(out(C, PrOutAction.CLEAR, PrType.NONE, PrOutParameterList.key(0)));
        assertGood(out(B, PrOutAction.CLEAR, PrType.NONE, PrOutParameterList.key(KB)));
        assertThat(keys().keys()).isEmpty();
        assertThat(reservation().holder()).isEmpty();
        assertSense(h.exec(A, new Cdb.TestUnitReady(), null), Sense.RESERVATIONS_PREEMPTED);
        assertGood(h.exec(B, new Cdb.TestUnitReady(), null));
    }

    @Test
    void preemptTakesTheReservationAndRemovesTheVictim() throws Exception {
        register(A, KA);
        register(B, KB);
        reserve(A, KA, PrType.WRITE_EXCLUSIVE);
        long gen = keys().generation();
        assertGood(out(B, PrOutAction.PREEMPT, PrType.EXCLUSIVE_ACCESS, PrOutParameterList.preempt(KB, KA)));
        assertThat(keys().keys()).containsExactly(KB);
        assertThat(keys().generation()).isEqualTo(gen + 1);
        assertThat(reservation().holder()).hasValue(new PrInData.Holder(KB, PrType.EXCLUSIVE_ACCESS));
        assertSense(h.exec(A, new Cdb.TestUnitReady(), null), Sense.REGISTRATIONS_PREEMPTED);
        assertConflict(h.exec(A, new Cdb.Read10(0, 1, false), null));
        // a victim key nobody has: conflict; key 0 without an all-registrants reservation: invalid
        assertConflict(out(B, PrOutAction.PREEMPT, PrType.EXCLUSIVE_ACCESS, PrOutParameterList.preempt(KB, 0x999)));
        assertSense(out(B, PrOutAction.PREEMPT, PrType.EXCLUSIVE_ACCESS, PrOutParameterList.preempt(KB, 0)),
                Sense.INVALID_FIELD_IN_PARAMETER_LIST);
    }

    @Test
    void preemptWithoutReservationRemovesRegistrationsOnly() throws Exception {
        register(A, KA);
        register(B, KB);
        assertGood(out(A, PrOutAction.PREEMPT_AND_ABORT, PrType.WRITE_EXCLUSIVE, PrOutParameterList.preempt(KA, KB)));
        assertThat(keys().keys()).containsExactly(KA);
        assertThat(reservation().holder()).isEmpty();
        assertSense(h.exec(B, new Cdb.TestUnitReady(), null), Sense.REGISTRATIONS_PREEMPTED);
    }

    @Test
    void preemptOfAnAllRegistrantsReservationWithKeyZero() throws Exception {
        register(A, KA);
        register(B, KB);
        reserve(A, KA, PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS);
        assertGood(out(B, PrOutAction.PREEMPT, PrType.WRITE_EXCLUSIVE, PrOutParameterList.preempt(KB, 0)));
        assertThat(keys().keys()).containsExactly(KB);
        assertThat(reservation().holder()).hasValue(new PrInData.Holder(KB, PrType.WRITE_EXCLUSIVE));
    }

    @Test
    void unregisteringTheHolderReleases() throws Exception {
        register(A, KA);
        register(B, KB);
        reserve(A, KA, PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY);
        assertGood(out(A, PrOutAction.REGISTER, PrType.NONE, PrOutParameterList.register(KA, 0)));
        assertThat(reservation().holder()).isEmpty();
        assertSense(h.exec(B, new Cdb.TestUnitReady(), null), Sense.RESERVATIONS_RELEASED);
        // all registrants: the reservation stays while any registrant is left
        register(A, KA);
        reserve(A, KA, PrType.EXCLUSIVE_ACCESS_ALL_REGISTRANTS);
        assertGood(out(A, PrOutAction.REGISTER, PrType.NONE, PrOutParameterList.register(KA, 0)));
        assertThat(reservation().holder()).isPresent();
        assertConflict(h.exec(A, new Cdb.Read10(0, 1, false), null));
        assertGood(out(B, PrOutAction.REGISTER, PrType.NONE, PrOutParameterList.register(KB, 0)));
        assertThat(reservation().holder()).isEmpty();
    }

    @Test
    void registrationsSurviveNexusLossAndUnsupportedBitsAreRefused() throws Exception {
        register(A, KA);
        h.luns.nexusLost(A);
        assertThat(keys().keys()).containsExactly(KA);
        assertSense(h.exec(A, new Cdb.PersistentReserveOut(PrOutAction.REGISTER, PrType.NONE, 24),
                new PrOutParameterList(0, 5, false, false, true).encode()), Sense.POWER_ON_RESET);
        assertSense(h.exec(A, new Cdb.PersistentReserveOut(PrOutAction.REGISTER, PrType.NONE, 24),
                new PrOutParameterList(KA, 5, false, false, true).encode()), Sense.INVALID_FIELD_IN_PARAMETER_LIST); // APTPL
        assertSense(h.exec(A, new Cdb.PersistentReserveOut(PrOutAction.REGISTER, PrType.NONE, 24),
                new PrOutParameterList(KA, 5, true, false, false).encode()), Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        assertSense(h.exec(A, new Cdb.PersistentReserveOut(PrOutAction.REGISTER, PrType.NONE, 20), new byte[20]),
                Sense.PARAMETER_LIST_LENGTH_ERROR);
        assertSense(h.exec(A, new Cdb.PersistentReserveOut(PrOutAction.REGISTER, PrType.NONE, 24), new byte[10]),
                Sense.PARAMETER_LIST_LENGTH_ERROR);
        assertSense(h.exec(A, new Cdb.PersistentReserveOut(PrOutAction.REGISTER_AND_MOVE, PrType.NONE, 24),
                new byte[24]), Sense.INVALID_FIELD_IN_CDB);
    }

    @Test
    void reportCapabilitiesAndFullStatus() throws Exception {
        PrInData.Capabilities caps = PrInData.Capabilities.decode(
                bytes(h.exec(C, new Cdb.PersistentReserveIn(PrInAction.REPORT_CAPABILITIES, 8), null)));
        for (PrType t : PrType.values()) {
            assertThat(caps.supports(t)).isEqualTo(t != PrType.NONE);
        }
        assertThat(caps.ptplC()).isFalse();
        assertThat(caps.allowCommands()).isLessThanOrEqualTo(5);
        register(A, KA);
        register(B, KB);
        reserve(B, KB, PrType.EXCLUSIVE_ACCESS);
        byte[] fs = bytes(h.exec(C, new Cdb.PersistentReserveIn(PrInAction.READ_FULL_STATUS, 4096), null));
        assertThat(ScsiBytes.u32(fs, 0)).isEqualTo(2); // generation
        int first = 8;
        assertThat(ScsiBytes.u64(fs, first)).isEqualTo(KA);
        assertThat(fs[first + 12] & 1).isZero();
        int second = first + 24 + (int) ScsiBytes.u32(fs, first + 20);
        assertThat(ScsiBytes.u64(fs, second)).isEqualTo(KB);
        assertThat(fs[second + 12] & 1).isEqualTo(1); // R_HOLDER
        assertThat(fs[second + 13] & 0x0F).isEqualTo(PrType.EXCLUSIVE_ACCESS.code());
        assertThat(ScsiBytes.u16(fs, second + 18)).isEqualTo(2);
        assertThat(ScsiBytes.ascii(fs, second + 28, B.initiatorPort().length())).isEqualTo(B.initiatorPort());
        assertThat(bytes(h.exec(C, new Cdb.PersistentReserveIn(PrInAction.READ_KEYS, 8), null))).hasSize(8);
    }

    @Test
    void spc2ReserveConflictsWithAPersistentReservation() {
        register(A, KA);
        reserve(A, KA, PrType.WRITE_EXCLUSIVE);
        assertConflict(h.exec(A, RawCdb.reserve6(), null));
    }
}
