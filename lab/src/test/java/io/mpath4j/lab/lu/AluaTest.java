package io.mpath4j.lab.lu;

import static io.mpath4j.lab.lu.LuHarness.A;
import static io.mpath4j.lab.lu.LuHarness.B;
import static io.mpath4j.lab.lu.LuHarness.BLOCKS;
import static io.mpath4j.lab.lu.LuHarness.BS;
import static io.mpath4j.lab.lu.LuHarness.assertGood;
import static io.mpath4j.lab.lu.LuHarness.assertSense;
import static io.mpath4j.lab.lu.LuHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.scsi.alua.AluaState;
import io.mpath4j.scsi.alua.ReportTargetPortGroupsData;
import io.mpath4j.scsi.alua.SetTargetPortGroupsParameters;
import io.mpath4j.scsi.alua.TargetPortGroupDescriptor;
import io.mpath4j.scsi.cdb.Cdb;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** ALUA: states per port group, REPORT/SET TARGET PORT GROUPS, transitions on a manual clock, unit attentions. */
class AluaTest {

    final AtomicLong clock = new AtomicLong();

    LuHarness harness(Duration transition, boolean explicit) {
        TargetPortGroups g = TargetPortGroups.builder()
                .group(1, AluaState.ACTIVE_OPTIMIZED, true, 1)
                .group(2, AluaState.ACTIVE_NON_OPTIMIZED, 2)
                .explicit(explicit)
                .transitionTime(transition)
                .clock(clock::get)
                .build();
        return LuHarness.of(LabLogicalUnit.builder("alua", Backstore.memory(BLOCKS * BS, BS)).portGroups(g).build())
                .clearUa(A, B);
    }

    static ReportTargetPortGroupsData rtpg(LuHarness h, boolean extended) throws Exception {
        return ReportTargetPortGroupsData.decode(bytes(h.exec(A, new Cdb.ReportTargetPortGroups(extended, 1024), null)));
    }

    @Test
    void reportTargetPortGroupsInBothFormats() throws Exception {
        LuHarness h = harness(Duration.ofSeconds(3), true);
        ReportTargetPortGroupsData plain = rtpg(h, false);
        assertThat(plain.extendedHeader()).isFalse();
        assertThat(plain.groups()).hasSize(2);
        TargetPortGroupDescriptor g1 = plain.group(1).orElseThrow();
        assertThat(g1.state()).isEqualTo(AluaState.ACTIVE_OPTIMIZED);
        assertThat(g1.preferred()).isTrue();
        assertThat(g1.relativeTargetPorts()).containsExactly(1);
        assertThat(g1.supports(AluaState.TRANSITIONING)).isTrue();
        assertThat(g1.supports(AluaState.STANDBY)).isTrue();
        assertThat(plain.groupOfPort(2).orElseThrow().state()).isEqualTo(AluaState.ACTIVE_NON_OPTIMIZED);
        ReportTargetPortGroupsData ext = rtpg(h, true);
        assertThat(ext.extendedHeader()).isTrue();
        assertThat(ext.implicitTransitionTime()).isEqualTo(3);
        assertThat(bytes(h.exec(A, new Cdb.ReportTargetPortGroups(false, 4), null))).hasSize(4);
        byte[] badFormat = new Cdb.ReportTargetPortGroups(false, 1024).encode();
        badFormat[1] |= 0x40;
        assertSense(h.exec(A, badFormat, null), Sense.INVALID_FIELD_IN_CDB);
    }

    @Test
    void nonOptimizedServesIoStandbyAndUnavailableRefuseIt() {
        LuHarness h = harness(Duration.ZERO, true);
        assertGood(h.exec(B, new Cdb.Read10(0, 1, false), null));
        h.lu().portGroups().setState(2, AluaState.STANDBY);
        assertSense(h.exec(B, new Cdb.Read10(0, 1, false), null), Sense.ASYMMETRIC_ACCESS_STATE_CHANGED);
        assertSense(h.exec(B, new Cdb.Read10(0, 1, false), null), Sense.NOT_READY_STANDBY);
        assertSense(h.exec(B, new Cdb.TestUnitReady(), null), Sense.NOT_READY_STANDBY);
        assertGood(h.exec(B, Cdb.Inquiry.standard(36), null));
        assertGood(h.exec(B, new Cdb.ReadCapacity16(32), null));
        assertGood(h.exec(B, new Cdb.ModeSense6(true, 0, Cdb.MODE_PAGE_ALL, 0, 255), null));
        assertGood(h.exec(B, new Cdb.ReportTargetPortGroups(true, 1024), null));
        assertGood(h.exec(B, new Cdb.ReportLuns(0, 256), null));

        h.lu().portGroups().setState(2, AluaState.UNAVAILABLE);
        assertSense(h.exec(B, new Cdb.TestUnitReady(), null), Sense.ASYMMETRIC_ACCESS_STATE_CHANGED);
        assertSense(h.exec(B, new Cdb.Write10(0, 1, false), LuHarness.filled(1, 1)), Sense.NOT_READY_UNAVAILABLE);
        assertSense(h.exec(B, new Cdb.ReadCapacity10(), null), Sense.NOT_READY_UNAVAILABLE);
        assertGood(h.exec(B, new Cdb.ReportTargetPortGroups(false, 1024), null));
        // the other port group is unaffected, but its nexus hears about the change too
        assertSense(h.exec(A, new Cdb.Read10(0, 1, false), null), Sense.ASYMMETRIC_ACCESS_STATE_CHANGED);
        assertGood(h.exec(A, new Cdb.Read10(0, 1, false), null));
    }

    @Test
    void transitionLastsTheConfiguredTimeOnTheInjectedClock() throws Exception {
        LuHarness h = harness(Duration.ofSeconds(2), true);
        h.lu().portGroups().setState(1, AluaState.STANDBY);
        assertThat(h.lu().portGroups().group(1).state()).isEqualTo(AluaState.TRANSITIONING);
        assertThat(h.lu().portGroups().group(1).target()).isEqualTo(AluaState.STANDBY);
        assertSense(h.exec(A, new Cdb.Read10(0, 1, false), null), Sense.ASYMMETRIC_ACCESS_STATE_CHANGED);
        assertSense(h.exec(A, new Cdb.Read10(0, 1, false), null), Sense.NOT_READY_TRANSITION);
        assertSense(h.exec(A, new Cdb.ModeSense6(true, 0, 0x3F, 0, 255), null), Sense.NOT_READY_TRANSITION);
        assertGood(h.exec(A, Cdb.Inquiry.standard(36), null));
        assertThat(rtpg(h, false).group(1).orElseThrow().state()).isEqualTo(AluaState.TRANSITIONING);
        assertThat(rtpg(h, false).group(1).orElseThrow().statusCode()).isEqualTo(2); // implicit

        clock.addAndGet(Duration.ofMillis(1999).toNanos());
        assertSense(h.exec(A, new Cdb.Read10(0, 1, false), null), Sense.NOT_READY_TRANSITION);
        clock.addAndGet(Duration.ofMillis(1).toNanos());
        // the end of the transition is a second state change, with its own unit attention
        assertSense(h.exec(A, new Cdb.Read10(0, 1, false), null), Sense.ASYMMETRIC_ACCESS_STATE_CHANGED);
        assertSense(h.exec(A, new Cdb.Read10(0, 1, false), null), Sense.NOT_READY_STANDBY);
        assertThat(rtpg(h, false).group(1).orElseThrow().state()).isEqualTo(AluaState.STANDBY);
    }

    @Test
    void aTransitionOfAGivenLengthEvenIntoTheSameState() throws Exception {
        LuHarness h = harness(Duration.ZERO, true);
        h.lu().portGroups().setState(1, AluaState.ACTIVE_OPTIMIZED, Duration.ofSeconds(5));
        assertThat(h.lu().portGroups().group(1).state()).isEqualTo(AluaState.TRANSITIONING);
        assertThat(h.lu().portGroups().targetState(1)).isEqualTo(AluaState.ACTIVE_OPTIMIZED);
        assertSense(h.exec(A, new Cdb.Read10(0, 1, false), null), Sense.ASYMMETRIC_ACCESS_STATE_CHANGED);
        assertSense(h.exec(A, new Cdb.Read10(0, 1, false), null), Sense.NOT_READY_TRANSITION);
        clock.addAndGet(Duration.ofSeconds(5).toNanos());
        assertSense(h.exec(A, new Cdb.Read10(0, 1, false), null), Sense.ASYMMETRIC_ACCESS_STATE_CHANGED);
        assertGood(h.exec(A, new Cdb.Read10(0, 1, false), null));
        // without a length the configured time (zero here) applies: at once
        h.lu().portGroups().setState(2, AluaState.STANDBY, Duration.ZERO);
        assertThat(h.lu().portGroups().group(2).state()).isEqualTo(AluaState.STANDBY);
    }

    @Test
    void setTargetPortGroupsIsExplicitAndSparesTheSender() throws Exception {
        LuHarness h = harness(Duration.ZERO, true);
        byte[] p = new SetTargetPortGroupsParameters(List.of(
                new SetTargetPortGroupsParameters.Entry(AluaState.ACTIVE_OPTIMIZED, 2),
                new SetTargetPortGroupsParameters.Entry(AluaState.ACTIVE_NON_OPTIMIZED, 1))).encode();
        assertGood(h.exec(A, new Cdb.SetTargetPortGroups(p.length), p));
        ReportTargetPortGroupsData r = rtpg(h, false); // A gets no unit attention: it asked
        assertThat(r.group(2).orElseThrow().state()).isEqualTo(AluaState.ACTIVE_OPTIMIZED);
        assertThat(r.group(2).orElseThrow().statusCode()).isEqualTo(1);
        assertGood(h.exec(A, new Cdb.Read10(0, 1, false), null));
        assertSense(h.exec(B, new Cdb.Read10(0, 1, false), null), Sense.ASYMMETRIC_ACCESS_STATE_CHANGED);

        byte[] unknownGroup = new SetTargetPortGroupsParameters(List.of(
                new SetTargetPortGroupsParameters.Entry(AluaState.STANDBY, 1),
                new SetTargetPortGroupsParameters.Entry(AluaState.STANDBY, 9))).encode();
        assertSense(h.exec(A, new Cdb.SetTargetPortGroups(unknownGroup.length), unknownGroup),
                Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        assertThat(rtpg(h, false).group(1).orElseThrow().state()).isEqualTo(AluaState.ACTIVE_NON_OPTIMIZED); // untouched
        byte[] transitioning = new SetTargetPortGroupsParameters(List.of(
                new SetTargetPortGroupsParameters.Entry(0xF, 1))).encode();
        assertSense(h.exec(A, new Cdb.SetTargetPortGroups(transitioning.length), transitioning),
                Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        assertSense(h.exec(A, new Cdb.SetTargetPortGroups(16), new byte[8]), Sense.PARAMETER_LIST_LENGTH_ERROR);
    }

    @Test
    void implicitOnlyRefusesSetTargetPortGroupsAndNoAluaRefusesBoth() {
        LuHarness h = harness(Duration.ZERO, false);
        byte[] p = new SetTargetPortGroupsParameters(List.of(
                new SetTargetPortGroupsParameters.Entry(AluaState.STANDBY, 1))).encode();
        assertSense(h.exec(A, new Cdb.SetTargetPortGroups(p.length), p), Sense.INVALID_COMMAND_OPERATION_CODE);
        LuHarness none = LuHarness.memoryLu().clearUa(A);
        assertSense(none.exec(new Cdb.ReportTargetPortGroups(false, 1024)), Sense.INVALID_COMMAND_OPERATION_CODE);
    }

    @Test
    void groupsAreValidated() {
        assertThatThrownBy(() -> TargetPortGroups.builder().group(1, AluaState.TRANSITIONING, 1))
                .hasMessageContaining("cannot be put in state");
        assertThatThrownBy(() -> TargetPortGroups.builder().group(1, AluaState.ACTIVE_OPTIMIZED, 1)
                .group(2, AluaState.STANDBY, 1)).hasMessageContaining("already in group 1");
        assertThatThrownBy(() -> TargetPortGroups.builder().build()).hasMessageContaining("no target port group");
        TargetPortGroups g = TargetPortGroups.builder().group(1, AluaState.ACTIVE_OPTIMIZED, 1).build();
        assertThatThrownBy(() -> g.setState(5, AluaState.STANDBY)).hasMessageContaining("no target port group 5");
    }
}
