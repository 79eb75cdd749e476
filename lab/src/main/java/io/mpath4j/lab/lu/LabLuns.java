package io.mpath4j.lab.lu;

import static io.mpath4j.scsi.ScsiBytes.u32;
import static io.mpath4j.scsi.ScsiBytes.u8;

import io.mpath4j.scsi.data.Lun;
import io.mpath4j.scsi.data.ReportLunsData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The LUN table of one lab target and its {@link TaskExecutor}: routes each task to its logical
 * unit, answers REPORT LUNS itself (SPC-4 §6.29: every LUN, whichever LUN it was addressed to),
 * and answers for LUNs with no unit behind them (INQUIRY with peripheral qualifier 3 and device
 * type 1Fh, anything else ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED). The table is fixed at
 * build time, so routing needs no lock.
 */
public final class LabLuns implements TaskExecutor, AutoCloseable {

    private final Map<Long, LabLogicalUnit> luns;

    private LabLuns(Map<Long, LabLogicalUnit> luns) {
        this.luns = Collections.unmodifiableMap(new TreeMap<>(luns));
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<Long, LabLogicalUnit> luns = new TreeMap<>();

        /** Adds {@code lu} at {@code lun} (0-16383, single-level peripheral or flat addressing). */
        public Builder lun(long lun, LabLogicalUnit lu) {
            if (lun < 0 || lun > 0x3FFF) {
                throw new IllegalArgumentException("LUN out of range 0-16383: " + lun);
            }
            if (luns.putIfAbsent(lun, Objects.requireNonNull(lu, "lu")) != null) {
                throw new IllegalArgumentException("duplicate LUN " + lun);
            }
            return this;
        }

        public LabLuns build() {
            return new LabLuns(luns);
        }
    }

    /** The unit at {@code lun}, or null. */
    public LabLogicalUnit lun(long lun) {
        return luns.get(lun);
    }

    /** LUN → unit, ascending. */
    public Map<Long, LabLogicalUnit> units() {
        return luns;
    }

    @Override
    public TaskResult execute(ScsiTask task) {
        byte[] c = task.cdb();
        int op = c.length == 0 ? -1 : u8(c, 0);
        if (op == LuCommand.REPORT_LUNS) {
            LabLogicalUnit lu = luns.get(task.lun());
            if (lu != null) {
                lu.contact(task.nexus()); // a first contact all the same; the unit attention stays
            }
            return reportLuns(c);
        }
        LabLogicalUnit lu = luns.get(task.lun());
        if (lu != null) {
            return lu.execute(task);
        }
        if (op == LuCommand.INQUIRY && c.length >= 6) {
            if ((c[1] & 0x03) != 0 || c[2] != 0) {
                return TaskResult.checkCondition(Sense.INVALID_FIELD_IN_CDB);
            }
            return LabLogicalUnit.data(InquiryData.noLogicalUnit(), (c[3] & 0xFF) << 8 | (c[4] & 0xFF));
        }
        if (op == LuCommand.REQUEST_SENSE && c.length >= 6) {
            return LabLogicalUnit.data(Sense.LOGICAL_UNIT_NOT_SUPPORTED.inDescriptorFormat((c[1] & 1) != 0).encode(),
                    u8(c, 4));
        }
        return TaskResult.checkCondition(Sense.LOGICAL_UNIT_NOT_SUPPORTED);
    }

    /** REPORT LUNS (SPC-4 §6.29): select report 0-2 list every LUN (none is well known); ALLOCATION LENGTH must be ≥ 16. */
    private TaskResult reportLuns(byte[] c) {
        if (c.length < 12 || (c[11] & 0x05) != 0) {
            return TaskResult.checkCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        int select = u8(c, 2);
        long alloc = u32(c, 6);
        if (select > 2 || alloc < 16) {
            return TaskResult.checkCondition(Sense.INVALID_FIELD_IN_CDB);
        }
        List<Lun> list = new ArrayList<>();
        for (long l : luns.keySet()) {
            list.add(Lun.of((int) l));
        }
        return LabLogicalUnit.data(new ReportLunsData(list).encode(), alloc);
    }

    @Override
    public long dataOutLength(long lun, byte[] cdb) {
        LabLogicalUnit lu = luns.get(lun);
        return lu == null ? -1 : lu.dataOutLength(cdb);
    }

    @Override
    public void logicalUnitReset(long lun, Nexus nexus) {
        LabLogicalUnit lu = luns.get(lun);
        if (lu != null) {
            lu.reset(nexus);
        }
    }

    @Override
    public void nexusLost(Nexus nexus) {
        for (LabLogicalUnit lu : luns.values()) {
            lu.nexusLost(nexus);
        }
    }

    /** Closes every unit's backstore. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (LabLogicalUnit lu : luns.values()) {
            try {
                lu.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
