package io.mpath4j.lab.lu;

import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u32;

import io.mpath4j.scsi.pr.PrInAction;
import io.mpath4j.scsi.pr.PrOutAction;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who may use one logical unit: SPC-2 RESERVE(6)/RELEASE(6), persistent reservations (the state
 * is {@link PersistentReservations}), and the PREVENT ALLOW MEDIUM REMOVAL state, all under one
 * lock; plus the reservation gate every command passes before it executes.
 */
final class Reservations {

    private final ReentrantLock lock = new ReentrantLock();
    private final PersistentReservations pr = new PersistentReservations();
    private final Set<Nexus> preventing = new HashSet<>();
    private final UnitAttentions unitAttentions;
    private Nexus spc2Holder;

    Reservations(UnitAttentions unitAttentions) {
        this.unitAttentions = unitAttentions;
    }

    /** RESERVATION CONFLICT when a reservation of another nexus keeps {@code cmd} out. */
    void check(Nexus n, LuCommand cmd) {
        lock.lock();
        try {
            if (spc2Holder != null && !spc2Holder.equals(n)) {
                // SPC-2 §7.21: a reserved unit lets other nexuses only identify it and release
                switch (cmd.opcode()) {
                    case LuCommand.INQUIRY, LuCommand.REPORT_LUNS, LuCommand.REQUEST_SENSE, LuCommand.RELEASE_6,
                         LuCommand.PERSISTENT_RESERVE_IN, LuCommand.MAINTENANCE_IN -> { }
                    default -> throw TaskFailure.reservationConflict();
                }
            }
            if (pr.conflicts(n, cmd.access())) {
                throw TaskFailure.reservationConflict();
            }
        } finally {
            lock.unlock();
        }
    }

    /** LOGICAL UNIT RESET: the SPC-2 reservation and prevent state go; persistent reservations stay. */
    void reset() {
        lock.lock();
        try {
            spc2Holder = null;
            preventing.clear();
        } finally {
            lock.unlock();
        }
    }

    /** The nexus is gone: its SPC-2 reservation and prevent state go; its registration stays. */
    void nexusLost(Nexus nexus) {
        lock.lock();
        try {
            if (nexus.equals(spc2Holder)) {
                spc2Holder = null;
            }
            preventing.remove(nexus);
        } finally {
            lock.unlock();
        }
    }

    TaskResult preventAllow(byte[] c, Nexus n) {
        lock.lock();
        try {
            if ((c[4] & 0x03) != 0) {
                preventing.add(n);
            } else {
                preventing.remove(n);
            }
        } finally {
            lock.unlock();
        }
        return TaskResult.good();
    }

    /** RESERVE(6) (SPC-2 §7.21): refused while a persistent reservation exists (SPC-4 §5.12.3). */
    TaskResult reserve6(Nexus n) {
        lock.lock();
        try {
            if (pr.reserved() || (spc2Holder != null && !spc2Holder.equals(n))) {
                throw TaskFailure.reservationConflict();
            }
            spc2Holder = n;
        } finally {
            lock.unlock();
        }
        return TaskResult.good();
    }

    /** RELEASE(6): releases the nexus's own reservation; from anyone else it is a no-op (GOOD). */
    TaskResult release6(Nexus n) {
        lock.lock();
        try {
            if (n.equals(spc2Holder)) {
                spc2Holder = null;
            }
        } finally {
            lock.unlock();
        }
        return TaskResult.good();
    }

    TaskResult persistentReserveIn(byte[] c, LuCommand cmd) {
        int alloc = u16(c, 7);
        lock.lock();
        try {
            byte[] b = switch (PrInAction.of(cmd.serviceAction())) {
                case READ_KEYS -> pr.readKeys();
                case READ_RESERVATION -> pr.readReservation();
                case REPORT_CAPABILITIES -> PersistentReservations.reportCapabilities();
                case READ_FULL_STATUS -> pr.readFullStatus();
                case null -> throw TaskFailure.invalidFieldInCdb(1);
            };
            return LabLogicalUnit.data(b, alloc);
        } finally {
            lock.unlock();
        }
    }

    /** PERSISTENT RESERVE OUT; refused while an SPC-2 reservation holds the unit. */
    TaskResult persistentReserveOut(byte[] c, LuCommand cmd, Nexus n, ByteBuffer out) {
        byte[] params = LabLogicalUnit.parameterList(out, u32(c, 5), 1 << 16);
        lock.lock();
        try {
            if (spc2Holder != null) {
                throw TaskFailure.reservationConflict();
            }
            pr.execute(n, PrOutAction.of(cmd.serviceAction()), (c[2] & 0xF0) >>> 4, c[2] & 0x0F, params,
                    unitAttentions::post);
        } finally {
            lock.unlock();
        }
        return TaskResult.good();
    }
}
