package io.mpath4j.lab.lu;

import static io.mpath4j.scsi.ScsiBytes.put16;
import static io.mpath4j.scsi.ScsiBytes.put32;
import static io.mpath4j.scsi.ScsiBytes.put64;

import io.mpath4j.scsi.ScsiFormatException;
import io.mpath4j.scsi.pr.PrInData;
import io.mpath4j.scsi.pr.PrOutAction;
import io.mpath4j.scsi.pr.PrOutParameterList;
import io.mpath4j.scsi.pr.PrType;
import io.mpath4j.scsi.sense.SenseData;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The persistent reservation state of one logical unit (SPC-4 §5.12): registrations per I_T
 * nexus, the reservation and PRgeneration; the PERSISTENT RESERVE OUT actions and the
 * conflict rules. Not thread-safe: {@link Reservations} calls it under its lock.
 *
 * <p>Not supported, and said so in REPORT CAPABILITIES: SPEC_I_PT, ALL_TG_PT and APTPL (all
 * rejected with INVALID FIELD IN PARAMETER LIST, never silently ignored), REGISTER AND MOVE and
 * REPLACE LOST RESERVATION (INVALID FIELD IN CDB). PREEMPT AND ABORT acts as PREEMPT: the lab
 * executes every task to completion, so there is nothing left to abort.
 */
final class PersistentReservations {

    /** Who must not get a unit attention for a change, and who gets which one. */
    interface Notifier {
        void post(Nexus nexus, SenseData sense);
    }

    private final Map<Nexus, Long> registrations = new LinkedHashMap<>();
    private long generation;
    private PrType type;
    /** The holder for non-all-registrants types; null for all-registrants types or no reservation. */
    private Nexus holder;

    boolean reserved() {
        return type != null;
    }

    private boolean allRegistrants() {
        return type == PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS || type == PrType.EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    private boolean isHolder(Nexus n) {
        return type != null && (allRegistrants() ? registrations.containsKey(n) : n.equals(holder));
    }

    /**
     * True when a command of this access class from {@code n} meets RESERVATION CONFLICT (SPC-4
     * §5.12.1 table "Persistent reservations conflict" and the command tables of SBC-3 §4.17).
     */
    boolean conflicts(Nexus n, LuCommand.Access access) {
        if (type == null || access == LuCommand.Access.ALWAYS || isHolder(n)) {
            return false;
        }
        boolean exclusiveAccess = switch (type) {
            case EXCLUSIVE_ACCESS, EXCLUSIVE_ACCESS_REGISTRANTS_ONLY, EXCLUSIVE_ACCESS_ALL_REGISTRANTS -> true;
            default -> false;
        };
        boolean registrantsAllowed = switch (type) {
            case WRITE_EXCLUSIVE_REGISTRANTS_ONLY, EXCLUSIVE_ACCESS_REGISTRANTS_ONLY -> true;
            default -> false;
        };
        if (registrantsAllowed && registrations.containsKey(n)) {
            return false;
        }
        return access == LuCommand.Access.WRITE || exclusiveAccess;
    }

    // ---- PERSISTENT RESERVE IN ----

    byte[] readKeys() {
        return new PrInData.Keys(generation, List.copyOf(registrations.values())).encode();
    }

    byte[] readReservation() {
        Optional<PrInData.Holder> h = Optional.empty();
        if (type != null) {
            long key = allRegistrants() ? 0 : registrations.getOrDefault(holder, 0L);
            h = Optional.of(new PrInData.Holder(key, type));
        }
        return new PrInData.Reservation(generation, h).encode();
    }

    static byte[] reportCapabilities() {
        int mask = PrInData.Capabilities.WR_EX_AR | PrInData.Capabilities.EX_AC_RO | PrInData.Capabilities.WR_EX_RO
                | PrInData.Capabilities.EX_AC | PrInData.Capabilities.WR_EX | PrInData.Capabilities.EX_AC_AR;
        // ALLOW COMMANDS 1: TEST UNIT READY passes write exclusive and exclusive access reservations
        return new PrInData.Capabilities(false, false, false, false, false, true, 1, false, mask).encode();
    }

    /**
     * READ FULL STATUS (SPC-4 §6.13.5): one descriptor per registration with the iSCSI TransportID
     * of its initiator port (format 01b, "name,i,0xISID", SPC-4 §7.6.4.6).
     */
    byte[] readFullStatus() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<Nexus, Long> e : registrations.entrySet()) {
            byte[] tid = transportId(e.getKey().initiatorPort());
            byte[] d = new byte[24 + tid.length];
            put64(d, 0, e.getValue());
            boolean holds = isHolder(e.getKey());
            d[12] = (byte) (holds ? 0x01 : 0); // R_HOLDER; ALL_TG_PT 0
            d[13] = (byte) (holds ? type.code() : 0);
            put16(d, 18, e.getKey().relativeTargetPortId());
            put32(d, 20, tid.length);
            System.arraycopy(tid, 0, d, 24, tid.length);
            body.writeBytes(d);
        }
        byte[] b = new byte[8 + body.size()];
        put32(b, 0, generation);
        put32(b, 4, body.size());
        System.arraycopy(body.toByteArray(), 0, b, 8, body.size());
        return b;
    }

    private static byte[] transportId(String initiatorPort) {
        byte[] name = initiatorPort.getBytes(StandardCharsets.UTF_8);
        int len = (name.length + 1 + 3) & ~3; // NUL-terminated, padded to a multiple of 4
        len = Math.max(len, 20);
        byte[] t = new byte[4 + len];
        t[0] = (byte) (initiatorPort.contains(",i,0x") ? 0x45 : 0x05); // FORMAT CODE 01b with ISID, protocol 5 iSCSI
        put16(t, 2, len);
        System.arraycopy(name, 0, t, 4, name.length);
        return t;
    }

    // ---- PERSISTENT RESERVE OUT ----

    /**
     * Executes one PERSISTENT RESERVE OUT action. {@code parameters} is the whole Data-Out buffer,
     * already checked against the CDB's parameter list length by the caller.
     */
    void execute(Nexus n, PrOutAction action, int scope, int typeCode, byte[] parameters, Notifier ua) {
        if (parameters.length != PrOutParameterList.LENGTH) {
            throw TaskFailure.check(Sense.PARAMETER_LIST_LENGTH_ERROR);
        }
        PrOutParameterList p;
        try {
            p = PrOutParameterList.decode(parameters);
        } catch (ScsiFormatException e) {
            throw TaskFailure.check(Sense.PARAMETER_LIST_LENGTH_ERROR);
        }
        if (p.specIPt() || p.allTgPt() || p.aptpl()) {
            throw TaskFailure.check(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        switch (action) {
            case REGISTER -> register(n, p, false, ua);
            case REGISTER_AND_IGNORE_EXISTING_KEY -> register(n, p, true, ua);
            case RESERVE -> reserve(n, p, scope, typeCode);
            case RELEASE -> release(n, p, scope, typeCode, ua);
            case CLEAR -> clear(n, p, ua);
            case PREEMPT, PREEMPT_AND_ABORT -> preempt(n, p, scope, typeCode, ua);
            default -> throw TaskFailure.invalidFieldInCdb();
        }
    }

    private void checkRegistered(Nexus n, long key) {
        Long k = registrations.get(n);
        if (k == null || k != key) {
            throw TaskFailure.reservationConflict();
        }
    }

    private static PrType checkType(int scope, int typeCode) {
        PrType t = PrType.of(typeCode);
        if (scope != 0 || t == null || t == PrType.NONE) {
            throw TaskFailure.invalidFieldInCdb();
        }
        return t;
    }

    private void register(Nexus n, PrOutParameterList p, boolean ignoreExisting, Notifier ua) {
        Long current = registrations.get(n);
        if (current == null) {
            if (!ignoreExisting && p.reservationKey() != 0) {
                throw TaskFailure.reservationConflict();
            }
            if (p.serviceActionKey() != 0) {
                registrations.put(n, p.serviceActionKey());
                generation++;
            }
            return;
        }
        if (!ignoreExisting && current != p.reservationKey()) {
            throw TaskFailure.reservationConflict();
        }
        if (p.serviceActionKey() != 0) {
            registrations.put(n, p.serviceActionKey());
        } else {
            unregister(n, ua);
        }
        generation++;
    }

    /** Removes a registration; the reservation goes with it when this was its (last) holder (SPC-4 §5.12.11.2.3). */
    private void unregister(Nexus n, Notifier ua) {
        boolean held = isHolder(n);
        registrations.remove(n);
        if (!held) {
            return;
        }
        if (allRegistrants() && !registrations.isEmpty()) {
            return; // the other registrants still hold it
        }
        PrType was = type;
        clearReservation();
        if (was == PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY || was == PrType.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY) {
            for (Nexus other : registrations.keySet()) {
                ua.post(other, Sense.RESERVATIONS_RELEASED);
            }
        }
    }

    private void clearReservation() {
        type = null;
        holder = null;
    }

    private void reserve(Nexus n, PrOutParameterList p, int scope, int typeCode) {
        checkRegistered(n, p.reservationKey());
        PrType t = checkType(scope, typeCode);
        if (type == null) {
            type = t;
            holder = n;
            return;
        }
        if (!isHolder(n) || type != t) {
            throw TaskFailure.reservationConflict();
        }
    }

    private void release(Nexus n, PrOutParameterList p, int scope, int typeCode, Notifier ua) {
        checkRegistered(n, p.reservationKey());
        if (type == null || !isHolder(n)) {
            return; // SPC-4 §5.12.11.2.2: not a holder, nothing happens, GOOD
        }
        if (scope != 0 || typeCode != type.code()) {
            throw TaskFailure.check(Sense.INVALID_RELEASE_OF_PERSISTENT_RESERVATION);
        }
        PrType was = type;
        clearReservation();
        if (was != PrType.WRITE_EXCLUSIVE && was != PrType.EXCLUSIVE_ACCESS) {
            for (Nexus other : registrations.keySet()) {
                if (!other.equals(n)) {
                    ua.post(other, Sense.RESERVATIONS_RELEASED);
                }
            }
        }
    }

    private void clear(Nexus n, PrOutParameterList p, Notifier ua) {
        checkRegistered(n, p.reservationKey());
        for (Nexus other : registrations.keySet()) {
            if (!other.equals(n)) {
                ua.post(other, Sense.RESERVATIONS_PREEMPTED);
            }
        }
        registrations.clear();
        clearReservation();
        generation++;
    }

    private void preempt(Nexus n, PrOutParameterList p, int scope, int typeCode, Notifier ua) {
        checkRegistered(n, p.reservationKey());
        long victim = p.serviceActionKey();
        if (type != null && allRegistrants() && victim == 0) {
            // SPC-4 §5.12.11.4.4: preempting an all-registrants reservation with key 0 removes
            // every other registrant and makes the preempter the holder of the new type
            PrType t = checkType(scope, typeCode);
            removeRegistrations(n, r -> true, ua);
            type = t;
            holder = n;
            generation++;
            return;
        }
        boolean holderIsVictim = type != null && !allRegistrants() && registrations.get(holder) == victim;
        if (!holderIsVictim) {
            // §5.12.11.4.3: no reservation or the victim does not hold it: only registrations go
            if (victim == 0) {
                throw TaskFailure.check(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
            }
            if (removeRegistrations(n, k -> k == victim, ua) == 0) {
                throw TaskFailure.reservationConflict();
            }
            generation++;
            return;
        }
        PrType t = checkType(scope, typeCode);
        PrType was = type;
        removeRegistrations(n, k -> k == victim, ua);
        type = t;
        holder = n;
        if (was != t) {
            for (Nexus other : registrations.keySet()) {
                if (!other.equals(n)) {
                    ua.post(other, Sense.RESERVATIONS_RELEASED);
                }
            }
        }
        generation++;
    }

    /** Removes the other nexuses' registrations whose key matches, with REGISTRATIONS PREEMPTED to each. */
    private int removeRegistrations(Nexus preempter, java.util.function.LongPredicate keyMatches, Notifier ua) {
        List<Nexus> gone = new ArrayList<>();
        for (Map.Entry<Nexus, Long> e : registrations.entrySet()) {
            if (!e.getKey().equals(preempter) && keyMatches.test(e.getValue())) {
                gone.add(e.getKey());
            }
        }
        for (Nexus g : gone) {
            registrations.remove(g);
            ua.post(g, Sense.REGISTRATIONS_PREEMPTED);
        }
        return gone.size();
    }
}
