package io.mpath4j.lab.lu;

import static io.mpath4j.scsi.ScsiBytes.u16;
import static io.mpath4j.scsi.ScsiBytes.u32;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.ScsiFormatException;
import io.mpath4j.scsi.alua.AluaState;
import io.mpath4j.scsi.alua.SetTargetPortGroupsParameters;
import io.mpath4j.scsi.data.ReadCapacity10Data;
import io.mpath4j.scsi.data.ReadCapacity16Data;
import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.sense.SenseKey;
import io.mpath4j.scsi.vpd.Vpd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One lab disk: a {@link Backstore} behind the SPC-4/SBC-3 commands a multipath initiator and
 * libiscsi's test suite send, with ALUA, persistent reservations, unit attentions and injectable
 * faults. Thread-safe.
 *
 * <p>Every task passes these gates in order before it executes: unit attention (except INQUIRY,
 * REPORT LUNS and REQUEST SENSE, SAM-5 §5.14), an injected {@link Fault}, the CDB's operation code
 * and control byte, the ALUA state of the port the task came through, and reservations (SPC-2
 * RESERVE(6) and persistent). Reservations are guarded by one lock per unit ({@link
 * Reservations}), unit attentions and faults by their own monitors; the data path only by {@link
 * BlockCommands}' write-order lock, so reads and writes of many sessions run in parallel.
 */
public final class LabLogicalUnit implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LabLogicalUnit.class.getName());

    private final Backstore store;
    private final BlockCommands block;
    private final String serial;
    private final byte[] naa;
    private final boolean thin;
    private final TargetPortGroups portGroups;
    private final Consumer<Nexus> aluaListener;
    private final UnitAttentions unitAttentions = new UnitAttentions();
    private final Faults faults = new Faults();
    private final Reservations reservations = new Reservations(unitAttentions);
    private volatile boolean readOnly;

    private LabLogicalUnit(Builder b) {
        this.store = b.store;
        this.block = new BlockCommands(b.store);
        this.serial = b.serial != null ? b.serial : serialOf(b.id);
        this.naa = InquiryData.naa6(b.id);
        this.thin = b.thin;
        this.readOnly = b.readOnly;
        this.portGroups = b.portGroups;
        this.aluaListener = except -> unitAttentions.postAll(Sense.ASYMMETRIC_ACCESS_STATE_CHANGED, except);
        if (portGroups != null) {
            portGroups.addListener(aluaListener);
        }
    }

    private static String serialOf(String id) {
        byte[] n = InquiryData.naa6(id);
        StringBuilder s = new StringBuilder();
        for (int i = 8; i < 16; i++) {
            s.append(String.format("%02x", n[i]));
        }
        return s.toString();
    }

    /**
     * A builder over {@code store}. {@code id} names the LU: its NAA designator (the WWID) and
     * default serial derive from it, so two targets giving the same id present one LU on two
     * paths.
     */
    public static Builder builder(String id, Backstore store) {
        return new Builder(id, store);
    }

    public static final class Builder {
        private final String id;
        private final Backstore store;
        private String serial;
        private boolean thin = true;
        private boolean readOnly;
        private TargetPortGroups portGroups;

        private Builder(String id, Backstore store) {
            this.id = Objects.requireNonNull(id, "id");
            this.store = Objects.requireNonNull(store, "store");
        }

        /** The unit serial number (VPD 80h); default: 16 hex digits derived from the id. */
        public Builder serial(String s) {
            if (s.isEmpty() || s.length() > 0xFF || !s.chars().allMatch(ch -> ch > 0x20 && ch < 0x7F)) {
                throw new IllegalArgumentException("serial must be 1-255 printable ASCII characters: '" + s + "'");
            }
            this.serial = s;
            return this;
        }

        /** Thin provisioning (UNMAP, WRITE SAME with UNMAP, LBPME); default on. */
        public Builder thin(boolean on) {
            this.thin = on;
            return this;
        }

        /** A write-protected unit: writes end in DATA PROTECT, WRITE PROTECTED. */
        public Builder readOnly(boolean on) {
            this.readOnly = on;
            return this;
        }

        /** ALUA: the target's port groups (may be shared by its units); default none (TPGS 0). */
        public Builder portGroups(TargetPortGroups groups) {
            this.portGroups = groups;
            return this;
        }

        public LabLogicalUnit build() {
            return new LabLogicalUnit(this);
        }
    }

    // ---- run-time controls ----

    public Backstore backstore() {
        return store;
    }

    public String serial() {
        return serial;
    }

    /** The WWID an initiator derives from VPD 83h (multipath-tools form: "3" + NAA hex). */
    public String wwid() {
        StringBuilder s = new StringBuilder("3");
        for (byte x : naa) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    public TargetPortGroups portGroups() {
        return portGroups;
    }

    public void setReadOnly(boolean on) {
        readOnly = on;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** Injects a fault; faults fire in the order they were added. */
    public void injectFault(Fault f) {
        faults.add(Objects.requireNonNull(f));
    }

    public void clearFaults() {
        faults.clear();
    }

    /** Changes the capacity; every nexus gets CAPACITY DATA HAS CHANGED. */
    public void resize(long bytes) throws IOException {
        store.resize(bytes);
        unitAttentions.postAll(Sense.CAPACITY_DATA_HAS_CHANGED, null);
    }

    /**
     * LOGICAL UNIT RESET (SAM-5 §7.7): SPC-2 reservation and prevent state cleared (persistent
     * reservations and ALUA states stay); every nexus, the requester's included, gets BUS DEVICE
     * RESET FUNCTION OCCURRED — libiscsi's MultipathIO reset test expects it on every path.
     */
    void reset(Nexus nexus) {
        reservations.reset();
        unitAttentions.postAll(Sense.BUS_DEVICE_RESET_FUNCTION_OCCURRED, null);
    }

    /** The nexus is gone: its unit attentions, SPC-2 reservation and prevent state go; PR registrations stay. */
    void nexusLost(Nexus nexus) {
        reservations.nexusLost(nexus);
        unitAttentions.forget(nexus);
    }

    @Override
    public void close() throws IOException {
        if (portGroups != null) {
            portGroups.removeListener(aluaListener);
        }
        store.close();
    }

    // ---- execution ----

    /**
     * The Data-Out length the CDB asks for ({@link TaskExecutor#dataOutLength}): blocks times the
     * block length for the write family, the parameter list length for UNMAP, PERSISTENT RESERVE
     * OUT and SET TARGET PORT GROUPS; -1 for commands without Data-Out and for CDBs it cannot read.
     */
    long dataOutLength(byte[] c) {
        LuCommand cmd = c.length == 0 ? null : LuCommand.of(c);
        if (cmd == null || c.length < cmd.cdbLength()) {
            return -1;
        }
        long bs = store.blockSize();
        return switch (cmd.opcode()) {
            case LuCommand.WRITE_6, LuCommand.WRITE_10, LuCommand.WRITE_12, LuCommand.WRITE_16,
                 LuCommand.WRITE_AND_VERIFY_10, LuCommand.WRITE_AND_VERIFY_12, LuCommand.WRITE_AND_VERIFY_16 ->
                    BlockCommands.range(c).blocks() * bs;
            case LuCommand.VERIFY_10, LuCommand.VERIFY_12, LuCommand.VERIFY_16 -> {
                BlockCommands.Range r = BlockCommands.range(c);
                yield switch ((r.flags() >>> 1) & 0x3) {
                    case 1 -> r.blocks() * bs;
                    case 3 -> r.blocks() == 0 ? 0 : bs;
                    default -> 0;
                };
            }
            case LuCommand.WRITE_SAME_10 -> bs;
            case LuCommand.WRITE_SAME_16 -> (c[1] & 0x01) != 0 ? 0 : bs; // NDOB
            // zero blocks: let the whole buffer through, it tells a 256-block request (see BlockCommands)
            case LuCommand.COMPARE_AND_WRITE -> u8(c, 13) == 0 ? -1 : 2L * u8(c, 13) * bs;
            case LuCommand.UNMAP -> u16(c, 7);
            case LuCommand.PERSISTENT_RESERVE_OUT -> u32(c, 5);
            case LuCommand.MAINTENANCE_OUT -> u32(c, 6);
            default -> -1;
        };
    }

    /**
     * For REPORT LUNS, which the LUN table answers: registers the nexus (its first contact queues
     * POWER ON/RESET) without reporting or clearing a unit attention — SAM-5 §5.14 exempts
     * INQUIRY, REPORT LUNS and REQUEST SENSE, as LIO does.
     */
    void contact(Nexus nexus) {
        unitAttentions.touch(nexus);
    }

    /** Executes one task addressed to this unit; {@link LabLuns} calls it (and answers REPORT LUNS itself). */
    TaskResult execute(ScsiTask task) {
        try {
            return run(task);
        } catch (TaskFailure f) {
            return f.result();
        } catch (RuntimeException e) {
            // a bug (or a resize racing a transfer) must cost one command, not the session
            LOG.log(System.Logger.Level.WARNING, "unit " + serial + ": internal error on CDB "
                    + java.util.HexFormat.of().formatHex(task.cdb()), e);
            return TaskResult.checkCondition(Sense.INTERNAL_TARGET_FAILURE);
        }
    }

    private TaskResult run(ScsiTask task) {
        byte[] c = task.cdb();
        Nexus n = task.nexus();
        if (c.length == 0) {
            throw TaskFailure.check(Sense.INVALID_COMMAND_OPERATION_CODE);
        }
        int op = u8(c, 0);
        // read the port's ALUA state first: a transition that ended just now queues its unit
        // attention, which this very command must report
        AluaState alua = portGroups == null ? AluaState.ACTIVE_OPTIMIZED : portGroups.stateFor(n);
        if (op == LuCommand.INQUIRY || op == LuCommand.REQUEST_SENSE) {
            unitAttentions.touch(n);
        } else {
            SenseData ua = unitAttentions.take(n);
            if (ua != null) {
                return TaskResult.checkCondition(ua);
            }
        }
        TaskResult injected = faults.fire(op);
        if (injected != null) {
            return injected;
        }
        LuCommand cmd = LuCommand.of(c);
        if (cmd == null) {
            throw TaskFailure.check(LuCommand.knownOpcode(op) ? Sense.INVALID_FIELD_IN_CDB
                    : Sense.INVALID_COMMAND_OPERATION_CODE);
        }
        if (c.length < cmd.cdbLength() || (c[cmd.cdbLength() - 1] & 0x05) != 0) {
            throw TaskFailure.invalidFieldInCdb(); // short CDB, or NACA/LINK in the control byte
        }
        checkAlua(alua, cmd);
        reservations.check(n, cmd);
        return dispatch(cmd, c, task);
    }

    /** SPC-4 §5.15.2.4: what a port in each asymmetric access state lets through. */
    private static void checkAlua(AluaState s, LuCommand cmd) {
        SenseData refuse = switch (s) {
            case ACTIVE_OPTIMIZED, ACTIVE_NON_OPTIMIZED, LBA_DEPENDENT -> null;
            case STANDBY -> cmd.alua() == LuCommand.Alua.ACTIVE ? Sense.NOT_READY_STANDBY : null;
            case UNAVAILABLE, RESERVED -> cmd.alua() == LuCommand.Alua.ACTIVE || cmd.alua() == LuCommand.Alua.STANDBY
                    ? Sense.NOT_READY_UNAVAILABLE : null;
            case OFFLINE -> cmd.alua() != LuCommand.Alua.ANY ? Sense.NOT_READY_OFFLINE : null;
            case TRANSITIONING -> cmd.alua() != LuCommand.Alua.ANY ? Sense.NOT_READY_TRANSITION : null;
        };
        if (refuse != null) {
            throw TaskFailure.check(refuse);
        }
    }

    private void checkWritable() {
        if (readOnly) {
            throw TaskFailure.check(Sense.WRITE_PROTECTED);
        }
    }

    private TaskResult dispatch(LuCommand cmd, byte[] c, ScsiTask task) {
        Nexus n = task.nexus();
        ByteBuffer out = task.dataOut();
        return switch (cmd.opcode()) {
            case LuCommand.TEST_UNIT_READY -> TaskResult.good();
            case LuCommand.REQUEST_SENSE -> requestSense(c, n);
            case LuCommand.INQUIRY -> inquiry(c, n);
            case LuCommand.READ_6, LuCommand.READ_10, LuCommand.READ_12, LuCommand.READ_16 -> block.read(c);
            case LuCommand.WRITE_6, LuCommand.WRITE_10, LuCommand.WRITE_12, LuCommand.WRITE_16,
                 LuCommand.WRITE_AND_VERIFY_10, LuCommand.WRITE_AND_VERIFY_12, LuCommand.WRITE_AND_VERIFY_16 -> {
                checkWritable();
                yield block.write(c, out);
            }
            case LuCommand.VERIFY_10, LuCommand.VERIFY_12, LuCommand.VERIFY_16 -> block.verify(c, out);
            case LuCommand.WRITE_SAME_10, LuCommand.WRITE_SAME_16 -> {
                checkWritable();
                yield block.writeSame(c, out, thin);
            }
            case LuCommand.UNMAP -> {
                if (!thin) {
                    throw TaskFailure.check(Sense.INVALID_COMMAND_OPERATION_CODE);
                }
                checkWritable();
                yield block.unmap(c, out);
            }
            case LuCommand.COMPARE_AND_WRITE -> {
                checkWritable();
                yield block.compareAndWrite(c, out);
            }
            case LuCommand.PRE_FETCH_10, LuCommand.PRE_FETCH_16 -> block.preFetch(c);
            case LuCommand.SYNCHRONIZE_CACHE_10, LuCommand.SYNCHRONIZE_CACHE_16 -> block.synchronizeCache(c);
            case LuCommand.READ_CAPACITY_10 -> readCapacity10(c);
            case LuCommand.SERVICE_ACTION_IN_16 -> cmd.serviceAction() == LuCommand.SAI_READ_CAPACITY_16
                    ? data(ReadCapacity16Data.of(store.blocks(), store.blockSize(), 0, thin).encode(), u32(c, 10))
                    : block.getLbaStatus(c, thin);
            case LuCommand.MODE_SENSE_6, LuCommand.MODE_SENSE_10 -> TaskResult.good(ByteBuffer.wrap(
                    ModePages.modeSense(c, store.blocks(), store.blockSize(), readOnly, store instanceof FileBackstore)));
            case LuCommand.START_STOP_UNIT -> TaskResult.good(); // a lab disk never spins down
            case LuCommand.PREVENT_ALLOW -> reservations.preventAllow(c, n);
            case LuCommand.RESERVE_6 -> reservations.reserve6(n);
            case LuCommand.RELEASE_6 -> reservations.release6(n);
            case LuCommand.READ_DEFECT_DATA_10, LuCommand.READ_DEFECT_DATA_12 -> readDefectData(c);
            case LuCommand.PERSISTENT_RESERVE_IN -> reservations.persistentReserveIn(c, cmd);
            case LuCommand.PERSISTENT_RESERVE_OUT -> reservations.persistentReserveOut(c, cmd, n, out);
            case LuCommand.MAINTENANCE_IN -> cmd.serviceAction() == LuCommand.MI_REPORT_TARGET_PGS
                    ? reportTargetPortGroups(c)
                    : TaskResult.good(ByteBuffer.wrap(SupportedOperationCodes.report(c)));
            case LuCommand.MAINTENANCE_OUT -> setTargetPortGroups(c, n, out);
            case LuCommand.REPORT_LUNS -> throw new IllegalStateException("REPORT LUNS is answered by the LUN table");
            default -> throw TaskFailure.check(Sense.INVALID_COMMAND_OPERATION_CODE);
        };
    }

    /** The first {@code alloc} bytes of {@code b} (SPC-4 §4.2.5.6: the allocation length truncates). */
    static byte[] truncate(byte[] b, long alloc) {
        return alloc >= b.length ? b : Arrays.copyOf(b, (int) alloc);
    }

    /**
     * The first {@code length} bytes of the Data-Out buffer: a parameter list. Fewer bytes than
     * the CDB announces, or more than the command allows, is PARAMETER LIST LENGTH ERROR.
     */
    static byte[] parameterList(ByteBuffer dataOut, long length, long max) {
        if (dataOut.remaining() < length || length > max) {
            throw TaskFailure.check(Sense.PARAMETER_LIST_LENGTH_ERROR);
        }
        byte[] b = new byte[(int) length];
        dataOut.duplicate().get(b);
        return b;
    }

    static TaskResult data(byte[] b, long alloc) {
        return TaskResult.good(ByteBuffer.wrap(truncate(b, alloc)));
    }

    private TaskResult requestSense(byte[] c, Nexus n) {
        boolean desc = (c[1] & 0x01) != 0;
        SenseData s = unitAttentions.take(n);
        if (s == null) {
            s = SenseData.of(SenseKey.NO_SENSE, 0, 0);
        }
        return data(s.inDescriptorFormat(desc).encode(), u8(c, 4));
    }

    private TaskResult inquiry(byte[] c, Nexus n) {
        boolean evpd = (c[1] & 0x01) != 0;
        int page = u8(c, 2);
        int alloc = u16(c, 3);
        if ((c[1] & 0x02) != 0 || (!evpd && page != 0)) {
            throw TaskFailure.invalidFieldInCdb(); // CMDDT is obsolete; a page code needs EVPD
        }
        if (!evpd) {
            return data(InquiryData.standard(portGroups == null ? 0 : portGroups.tpgs()), alloc);
        }
        byte[] b = switch (page) {
            case Vpd.SUPPORTED_PAGES -> InquiryData.supportedPages();
            case Vpd.UNIT_SERIAL_NUMBER -> InquiryData.serialNumber(serial);
            case Vpd.DEVICE_IDENTIFICATION -> InquiryData.deviceIdentification(naa, serial, n,
                    portGroups == null ? -1 : portGroups.groupOf(n));
            case Vpd.BLOCK_LIMITS -> InquiryData.blockLimits(block, thin);
            case Vpd.BLOCK_DEVICE_CHARACTERISTICS -> InquiryData.blockDeviceCharacteristics();
            case Vpd.LOGICAL_BLOCK_PROVISIONING -> InquiryData.logicalBlockProvisioning(thin);
            default -> throw TaskFailure.invalidFieldInCdb();
        };
        return data(b, alloc);
    }

    private TaskResult readCapacity10(byte[] c) {
        if ((c[8] & 0x01) == 0 && u32(c, 2) != 0) {
            throw TaskFailure.invalidFieldInCdb(); // an LBA without PMI (SBC-3 §5.15.1)
        }
        return TaskResult.good(ByteBuffer.wrap(ReadCapacity10Data.of(store.blocks(), store.blockSize()).encode()));
    }

    /** READ DEFECT DATA(10)/(12) (SBC-3 §5.17/§5.18): a lab disk has no defects, so just the header. */
    private static TaskResult readDefectData(byte[] c) {
        boolean ten = (c[0] & 0xFF) == LuCommand.READ_DEFECT_DATA_10;
        byte[] b = new byte[ten ? 4 : 8];
        b[1] = (byte) ((ten ? c[2] : c[1]) & 0x1F);
        return data(b, ten ? u16(c, 7) : u32(c, 6));
    }

    private TaskResult reportTargetPortGroups(byte[] c) {
        if (portGroups == null) {
            throw TaskFailure.check(Sense.INVALID_COMMAND_OPERATION_CODE);
        }
        int format = (c[1] & 0xE0) >>> 5;
        if (format > 1) {
            throw TaskFailure.invalidFieldInCdb(1);
        }
        return data(portGroups.report(format == 1).encode(), u32(c, 6));
    }

    private TaskResult setTargetPortGroups(byte[] c, Nexus n, ByteBuffer out) {
        if (portGroups == null || !portGroups.explicitSupported()) {
            throw TaskFailure.check(Sense.INVALID_COMMAND_OPERATION_CODE);
        }
        long listLength = u32(c, 6);
        if (listLength == 0) {
            return TaskResult.good();
        }
        byte[] params = parameterList(out, listLength, 4 + 4 * 0xFFFF);
        SetTargetPortGroupsParameters p;
        try {
            p = SetTargetPortGroupsParameters.decode(params);
        } catch (ScsiFormatException e) {
            throw TaskFailure.check(Sense.PARAMETER_LIST_LENGTH_ERROR);
        }
        portGroups.setExplicit(p, n);
        return TaskResult.good();
    }
}
