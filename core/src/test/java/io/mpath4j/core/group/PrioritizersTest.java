package io.mpath4j.core.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.select.PathStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PrioritizersTest {

    private static final PathIdentity ID = new PathIdentity("iscsi:127.0.0.1:3260/iqn.2024-01.test:t1/0",
            "naa.600140512345", "LIO-ORG", "disk", "4.0", "SER-0042", 1, "iqn.2024-01.test:t1");

    private static int prio(Prioritizer p, AccessState state) {
        return p.priority(ID, state, new PathStats(ID.name()));
    }

    private static int prio(Prioritizer p, PathIdentity id) {
        return p.priority(id, AccessState.OPTIMIZED, new PathStats(id.name()));
    }

    private static PathStats statsWithLatency(long nanos) {
        PathStats s = new PathStats("p");
        s.start(4096, 0);
        s.end(4096, nanos, false, nanos); // the first sample sets the EWMA exactly
        return s;
    }

    @Test
    void pathLatencyRanksByTheCheckerProbeWhenThereIsOne() {
        Prioritizer p = Prioritizers.parse("path_latency", "io_num=20 base_num=10");
        PathStats busyButSlowIo = statsWithLatency(50_000_000); // 50 ms of queued real I/O
        busyButSlowIo.recordCheck(5_000);                       // but the path answers in 5 µs
        PathStats idle = new PathStats("idle");
        idle.recordCheck(500_000);                              // never used for I/O, checker 500 µs
        assertThat(p.priority(ID, AccessState.OPTIMIZED, busyButSlowIo)).isEqualTo(9);
        assertThat(p.priority(ID, AccessState.OPTIMIZED, idle)).as("measured without carrying I/O").isEqualTo(7);
    }

    // --- const

    @Test
    void constIsAlwaysOne() {
        Prioritizer p = Prioritizers.parse("const", null);
        for (AccessState s : AccessState.values()) {
            assertThat(prio(p, s)).isEqualTo(1);
        }
        assertThat(p.describe()).isEqualTo("const");
    }

    // --- alua (values of multipath-tools alua.c)

    @ParameterizedTest
    @CsvSource({"OPTIMIZED, 50", "NON_OPTIMIZED, 10", "STANDBY, 1", "UNAVAILABLE, 0", "TRANSITIONING, 0",
            "OFFLINE, 0"})
    void aluaUsesMultipathToolsValues(AccessState state, int expected) {
        assertThat(prio(Prioritizers.parse("alua", ""), state)).isEqualTo(expected);
    }

    @Test
    void aluaAcceptsExclusivePrefBitAndNothingElse() {
        assertThat(Prioritizers.parse("alua", "  ").describe()).isEqualTo("alua");
        assertThat(Prioritizers.parse("alua", "exclusive_pref_bit").describe()).isEqualTo("alua exclusive_pref_bit");
        assertThatThrownBy(() -> Prioritizers.parse("alua", "preferred"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exclusive_pref_bit");
    }

    // --- ana (values of multipath-tools ana.c)

    @ParameterizedTest
    @CsvSource({"OPTIMIZED, 50", "NON_OPTIMIZED, 10", "UNAVAILABLE, 1", "TRANSITIONING, 1", "STANDBY, 1",
            "OFFLINE, 0"})
    void anaUsesMultipathToolsValues(AccessState state, int expected) {
        assertThat(prio(Prioritizers.parse("ana", null), state)).isEqualTo(expected);
    }

    @Test
    void prioritizersWithoutArgumentsRejectArguments() {
        assertThatThrownBy(() -> Prioritizers.parse("ana", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("takes no prio_args");
        assertThatThrownBy(() -> Prioritizers.parse("const", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Prioritizers.parse("ana", "").describe()).isEqualTo("ana");
    }

    // --- weightedpath

    @Test
    void weightedPathFirstMatchingRegexWinsAgainstTheName() {
        Prioritizer p = Prioritizers.parse("weightedpath", "name ^iscsi:127\\.0\\.0\\.1: 50  .*:3261 10 iscsi 5");
        assertThat(prio(p, PathIdentity.of("iscsi:127.0.0.1:3260/t/0", "w"))).isEqualTo(50);
        // matches both the second and the third rule: the second comes first
        assertThat(prio(p, PathIdentity.of("iscsi:127.0.0.2:3261/t/0", "w"))).isEqualTo(10);
        assertThat(prio(p, PathIdentity.of("iscsi:127.0.0.2:3260/t/0", "w"))).isEqualTo(5);
        // ^ anchors: "127.0.0.1" elsewhere in the name does not match the first rule
        assertThat(prio(p, PathIdentity.of("nbd:127.0.0.1:10809/e", "w"))).isEqualTo(0);
        // unanchored regexes match anywhere, like POSIX regexec
        assertThat(prio(Prioritizers.parse("weightedpath", "devname 127\\.0\\.0\\.9 7"),
                PathIdentity.of("nbd:127.0.0.9:1/e", "w"))).isEqualTo(7);
        assertThat(p.describe()).isEqualTo("weightedpath name ^iscsi:127\\.0\\.0\\.1: 50 .*:3261 10 iscsi 5");
    }

    @Test
    void weightedPathSerialAndWwnModesMatchSerialAndWwid() {
        assertThat(prio(Prioritizers.parse("weightedpath", "serial ^SER-00 30"), ID)).isEqualTo(30);
        assertThat(prio(Prioritizers.parse("weightedpath", "serial ^OTHER 30"), ID)).isEqualTo(0);
        assertThat(prio(Prioritizers.parse("weightedpath", "wwn ^naa\\.6001405 20"), ID)).isEqualTo(20);
        // in wwn mode the name is not looked at
        assertThat(prio(Prioritizers.parse("weightedpath", "wwn iscsi 20"), ID)).isEqualTo(0);
    }

    @Test
    void weightedPathRejectsHbtlBecauseItDoesNotApplyToNetworkPaths() {
        assertThatThrownBy(() -> Prioritizers.parse("weightedpath", "hbtl 1:.:.:. 2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hbtl")
                .hasMessageContaining("network paths");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "name", "name a", "name a 1 b", "name a x", "name a -1", "name [a 1",
            "bogus a 1"})
    void weightedPathRejectsMalformedArguments(String args) {
        assertThatThrownBy(() -> Prioritizers.parse("weightedpath", args)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weightedpath");
    }

    // --- path_latency

    @Test
    void pathLatencyRanksLatencyByPowersOfTheBase() {
        PathLatencyPrioritizer p = PathLatencyPrioritizer.parse("");
        assertThat(p.maxPriority()).isEqualTo(10);
        assertThat(p.priorityForMicros(0.5)).isEqualTo(10);   // ≤ 1 µs
        assertThat(p.priorityForMicros(1)).isEqualTo(10);
        assertThat(p.priorityForMicros(1.5)).isEqualTo(9);    // (1 µs, 10 µs]
        assertThat(p.priorityForMicros(10)).isEqualTo(9);
        assertThat(p.priorityForMicros(11)).isEqualTo(8);     // (10 µs, 100 µs]
        assertThat(p.priorityForMicros(1000)).isEqualTo(7);   // (100 µs, 1 ms]
        assertThat(p.priorityForMicros(1001)).isEqualTo(6);   // (1 ms, 10 ms]
        assertThat(p.priorityForMicros(1e8)).isEqualTo(2);    // (10 s, 100 s]
        assertThat(p.priorityForMicros(1e8 + 1)).isEqualTo(1); // > 100 s
    }

    @Test
    void pathLatencyReadsTheServiceTimeEwma() {
        Prioritizer p = Prioritizers.parse("path_latency", "io_num=20 base_num=10");
        assertThat(p.priority(ID, AccessState.OPTIMIZED, statsWithLatency(200_000))).isEqualTo(7);   // 200 µs
        assertThat(p.priority(ID, AccessState.OPTIMIZED, statsWithLatency(5_000_000))).isEqualTo(6); // 5 ms
        assertThat(p.priority(ID, AccessState.OPTIMIZED, statsWithLatency(500))).isEqualTo(10);      // 0.5 µs
        assertThat(p.describe()).isEqualTo("path_latency io_num=20 base_num=10");
    }

    @Test
    void pathLatencyGivesTheMiddleValueBeforeAnyMeasurement() {
        PathLatencyPrioritizer p = PathLatencyPrioritizer.parse("");
        assertThat(p.priority(ID, AccessState.OPTIMIZED, new PathStats("p"))).isEqualTo(5);
        assertThat(p.priority(ID, AccessState.OPTIMIZED, null)).isEqualTo(5);
    }

    @Test
    void pathLatencySmallerBaseGivesFinerRanks() {
        PathLatencyPrioritizer p = PathLatencyPrioritizer.parse("base_num=2");
        // log2(1e8) = 26.6 → 27 inner ranks, max 29
        assertThat(p.maxPriority()).isEqualTo(29);
        assertThat(p.priorityForMicros(2)).isEqualTo(28);
        assertThat(p.priorityForMicros(3)).isEqualTo(27);
        assertThat(p.priorityForMicros(4)).isEqualTo(27);
        assertThat(p.priorityForMicros(1e8)).isEqualTo(2);
        assertThat(p.unmeasuredPriority()).isEqualTo(15);
        // finer: 1.5 ms and 3 ms are one rank apart with base 2, equal with base 10
        assertThat(p.priorityForMicros(1500)).isGreaterThan(p.priorityForMicros(3000));
        PathLatencyPrioritizer ten = PathLatencyPrioritizer.parse("base_num=10");
        assertThat(ten.priorityForMicros(1500)).isEqualTo(ten.priorityForMicros(3000));
    }

    @Test
    void pathLatencyIsMonotonicInLatency() {
        for (String base : new String[] {"1.1", "1.77827941004", "2", "3", "10"}) {
            PathLatencyPrioritizer p = PathLatencyPrioritizer.parse("base_num=" + base);
            int previous = Integer.MAX_VALUE;
            for (double us = 0.1; us < 1e9; us *= 1.07) {
                int prio = p.priorityForMicros(us);
                assertThat(prio).as("base %s at %f us", base, us).isBetween(1, p.maxPriority()).isLessThanOrEqualTo(previous);
                previous = prio;
            }
            assertThat(previous).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base_num=1", "base_num=11", "base_num=x", "io_num=1", "io_num=201", "io_num=",
            "20|10", "base=10"})
    void pathLatencyRejectsBadArguments(String args) {
        assertThatThrownBy(() -> Prioritizers.parse("path_latency", args))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("path_latency");
    }

    // --- parse

    @Test
    void unknownPrioritizerListsTheValidNames() {
        assertThatThrownBy(() -> Prioritizers.parse("emc", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("emc")
                .hasMessageContaining("const, alua, ana, weightedpath, path_latency");
        assertThatThrownBy(() -> Prioritizers.parse(null, "")).isInstanceOf(IllegalArgumentException.class);
    }
}
