package io.mpath4j.core.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.group.Prioritizers;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.time.ManualTimeSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ALUA-like group switches and the four failback policies. Two port groups: tpg 1 (a1, a2)
 * active/optimized, tpg 2 (b1, b2) active/non-optimized; group_by_prio with the alua prioritizer.
 */
class FailbackTest {

    final ManualTimeSource clock = new ManualTimeSource();
    final Engine engine = new Engine(clock, Runnable::run, null);
    final ScriptedPath a1 = new ScriptedPath("a1", "3600a", 1, AccessState.OPTIMIZED);
    final ScriptedPath a2 = new ScriptedPath("a2", "3600a", 1, AccessState.OPTIMIZED);
    final ScriptedPath b1 = new ScriptedPath("b1", "3600a", 2, AccessState.NON_OPTIMIZED);
    final ScriptedPath b2 = new ScriptedPath("b2", "3600a", 2, AccessState.NON_OPTIMIZED);

    MultipathDevice device(FailbackPolicy failback) {
        DeviceConfig config = DeviceConfig.defaults()
                .withGrouping(GroupingPolicies.byKeyword("group_by_prio"))
                .withPrioritizer(Prioritizers.parse("alua", ""))
                .withFailback(failback)
                .withFlapDamping(FlapDamping.DISABLED);
        return new MultipathDevice("mpathb", config, engine, List.of(a1, a2, b1, b2));
    }

    static List<String> activePaths(MultipathDevice d) {
        Topology t = d.topology();
        return t.activeGroup() < 0 ? List.of()
                : t.groups().get(t.activeGroup()).paths().stream().filter(PathView::usable).map(PathView::name).toList();
    }

    static void io(MultipathDevice d, int n) {
        for (int i = 0; i < n; i++) {
            assertThat(d.submit(new IoRequest.Read(0, ByteBuffer.allocate(4096))).join()).isEqualTo(IoStatus.OK);
        }
    }

    /** Both optimized paths go away: the ALUA way (standby) for a1, a connection loss for a2. */
    void loseOptimizedGroup() {
        a1.setAccess(AccessState.STANDBY);
        a1.emit(new PathEvent.AccessStateChanged(AccessState.STANDBY));
        a2.emit(new PathEvent.ConnectionLost("port down"));
    }

    void restoreOptimizedGroup(MultipathDevice d) {
        a1.setAccess(AccessState.OPTIMIZED);
        a1.emit(new PathEvent.AccessStateChanged(AccessState.OPTIMIZED));
        a2.checkResult = CheckResult.ready(AccessState.OPTIMIZED);
        a2.emit(new PathEvent.ConnectionRestored());
    }

    @Test
    void ioGoesToTheOptimizedGroupAndFailsOverToNonOptimized() {
        MultipathDevice d = device(new FailbackPolicy.Immediate());
        assertThat(activePaths(d)).containsExactly("a1", "a2");
        io(d, 10);
        assertThat(b1.submittedCount() + b2.submittedCount()).isZero();

        loseOptimizedGroup();
        assertThat(activePaths(d)).containsExactly("b1", "b2");
        io(d, 10);
        assertThat(b1.submittedCount() + b2.submittedCount()).isEqualTo(10);
        assertThat(d.counters().failovers()).isEqualTo(1);
        assertThat(d.topology().groups().getFirst().priority()).isEqualTo(10);
    }

    @Test
    void immediateFailbackReturnsAsSoonAsTheBetterGroupIsBack() {
        MultipathDevice d = device(new FailbackPolicy.Immediate());
        loseOptimizedGroup();
        restoreOptimizedGroup(d);
        assertThat(activePaths(d)).containsExactly("a1", "a2");
    }

    @Test
    void manualFailbackStaysUntilSwitchgroup() {
        MultipathDevice d = device(new FailbackPolicy.Manual());
        loseOptimizedGroup();
        restoreOptimizedGroup(d);
        assertThat(activePaths(d)).containsExactly("b1", "b2");
        int optimized = d.topology().groups().indexOf(d.topology().groups().stream()
                .filter(g -> g.priority() == 50).findFirst().orElseThrow());
        d.switchGroup(optimized + 1).join();
        assertThat(activePaths(d)).containsExactly("a1", "a2");
        assertThatThrownBy(() -> d.switchGroup(9).join()).hasMessageContaining("has path groups 1..2");
    }

    @Test
    void deferredFailbackWaitsItsDelay() {
        MultipathDevice d = device(new FailbackPolicy.Deferred(Duration.ofSeconds(10)));
        loseOptimizedGroup();
        restoreOptimizedGroup(d);
        assertThat(activePaths(d)).containsExactly("b1", "b2");
        clock.advance(Duration.ofSeconds(9));
        assertThat(activePaths(d)).containsExactly("b1", "b2");
        clock.advance(Duration.ofSeconds(1));
        assertThat(activePaths(d)).containsExactly("a1", "a2");
    }

    @Test
    void followoverFailsBackOnlyWhenTheFirstPathOfTheGroupReturns() {
        MultipathDevice d = device(new FailbackPolicy.Followover());
        // Another node asked for a failover: we were moved to group b by an administrator while group a stayed up.
        int nonOptimized = d.topology().groups().indexOf(d.topology().groups().stream()
                .filter(g -> g.priority() == 10).findFirst().orElseThrow());
        d.switchGroup(nonOptimized + 1).join();
        d.checkNow().join();
        assertThat(activePaths(d)).as("no path of group a came back: stay").containsExactly("b1", "b2");

        // Group a loses both paths, then its first path returns: that is a followover failback.
        loseOptimizedGroup();
        a2.checkResult = CheckResult.ready(AccessState.OPTIMIZED);
        a2.emit(new PathEvent.ConnectionRestored());
        assertThat(activePaths(d)).containsExactly("a2");
    }

    @Test
    void accessStateChangeReordersGroups() {
        MultipathDevice d = device(new FailbackPolicy.Immediate());
        // The array swaps its port groups (implicit ALUA failover on the target side).
        a1.setAccess(AccessState.NON_OPTIMIZED);
        a2.setAccess(AccessState.NON_OPTIMIZED);
        b1.setAccess(AccessState.OPTIMIZED);
        b2.setAccess(AccessState.OPTIMIZED);
        for (ScriptedPath p : List.of(a1, a2, b1, b2)) {
            p.emit(new PathEvent.AccessStateChanged(p.accessState()));
        }
        assertThat(activePaths(d)).containsExactly("b1", "b2");
        assertThat(d.topology().groups().getFirst().priority()).isEqualTo(50);
    }
}
