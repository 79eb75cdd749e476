package io.mpath4j.scsi.alua;

import static io.mpath4j.scsi.ScsiBytes.checkRange;

import io.mpath4j.core.path.AccessState;
import java.util.List;

/**
 * One target port group descriptor of REPORT TARGET PORT GROUPS data (SPC-4 §6.27.2): 8 bytes and
 * a 4-byte descriptor per target port.
 *
 * @param preferred PREF: the preferred group for I/O (multipath-tools' alua prioritizer adds 80)
 * @param stateCode the raw ASYMMETRIC ACCESS STATE (see {@link #state()})
 * @param supportedStates the byte of T_SUP, O_SUP, LBD_SUP, U_SUP, S_SUP, AN_SUP, AO_SUP (bits 7, 6,
 *     4, 3, 2, 1, 0)
 * @param statusCode 0 no status, 1 state altered by SET TARGET PORT GROUPS, 2 altered by implicit
 *     behaviour
 * @param relativeTargetPorts the RELATIVE TARGET PORT IDENTIFIERs of the ports in the group
 */
public record TargetPortGroupDescriptor(
        boolean preferred, int stateCode, int supportedStates, int groupId, int statusCode, int vendorSpecific,
        List<Integer> relativeTargetPorts) {

    public static final int SUP_TRANSITIONING = 0x80;
    public static final int SUP_OFFLINE = 0x40;
    public static final int SUP_LBA_DEPENDENT = 0x10;
    public static final int SUP_UNAVAILABLE = 0x08;
    public static final int SUP_STANDBY = 0x04;
    public static final int SUP_NON_OPTIMIZED = 0x02;
    public static final int SUP_OPTIMIZED = 0x01;
    /** What LIO advertises by default: T, O, U, S, AN, AO. */
    public static final int SUP_COMMON = SUP_TRANSITIONING | SUP_OFFLINE | SUP_UNAVAILABLE | SUP_STANDBY
            | SUP_NON_OPTIMIZED | SUP_OPTIMIZED;

    public TargetPortGroupDescriptor {
        checkRange(stateCode, 0xF, "asymmetric access state");
        checkRange(supportedStates, 0xFF, "supported states");
        checkRange(groupId, 0xFFFF, "target port group");
        checkRange(statusCode, 0xFF, "status code");
        checkRange(vendorSpecific, 0xFF, "vendor specific");
        relativeTargetPorts = List.copyOf(relativeTargetPorts);
        checkRange(relativeTargetPorts.size(), 0xFF, "target port count");
        for (int p : relativeTargetPorts) {
            checkRange(p, 0xFFFF, "relative target port");
        }
    }

    public static TargetPortGroupDescriptor of(int groupId, AluaState state, boolean preferred, List<Integer> ports) {
        if (state == AluaState.RESERVED) {
            throw new IllegalArgumentException("reserved state");
        }
        return new TargetPortGroupDescriptor(preferred, state.code(), SUP_COMMON, groupId, 0, 0, ports);
    }

    public AluaState state() {
        return AluaState.of(stateCode);
    }

    public AccessState accessState() {
        return state().accessState();
    }

    public boolean supports(AluaState s) {
        int bit = switch (s) {
            case ACTIVE_OPTIMIZED -> SUP_OPTIMIZED;
            case ACTIVE_NON_OPTIMIZED -> SUP_NON_OPTIMIZED;
            case STANDBY -> SUP_STANDBY;
            case UNAVAILABLE -> SUP_UNAVAILABLE;
            case LBA_DEPENDENT -> SUP_LBA_DEPENDENT;
            case OFFLINE -> SUP_OFFLINE;
            case TRANSITIONING -> SUP_TRANSITIONING;
            case RESERVED -> 0;
        };
        return (supportedStates & bit) != 0;
    }

    public int length() {
        return 8 + 4 * relativeTargetPorts.size();
    }
}
