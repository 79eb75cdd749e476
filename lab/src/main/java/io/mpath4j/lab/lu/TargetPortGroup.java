package io.mpath4j.lab.lu;

import io.mpath4j.scsi.alua.AluaState;
import java.util.List;

/**
 * A snapshot of one ALUA target port group (SPC-4 §5.15.2.2): its id, its asymmetric access state,
 * the state a transition is heading for, and the relative target ports in it.
 *
 * @param target the state a TRANSITIONING group becomes when the transition ends; equal to
 *     {@code state} otherwise
 * @param statusCode as REPORT TARGET PORT GROUPS reports it: 0 none, 1 altered by SET TARGET PORT
 *     GROUPS, 2 altered by implicit behaviour
 */
public record TargetPortGroup(
        int id, AluaState state, AluaState target, boolean preferred, int statusCode, List<Integer> relativePorts) {
    public TargetPortGroup {
        relativePorts = List.copyOf(relativePorts);
    }
}
