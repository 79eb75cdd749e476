package io.mpath4j.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.monitor.PathMonitor;
import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckResult;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A checker verdict describes the path when the check was sent, not when it is answered. Found by
 * NoPathQueueConcurrencyTest on real threads (I/O reached a path after every path had gone down):
 * a check sent just before a connection loss answered "ready" after the loss was processed, and
 * the engine reinstated the dead path. Replayed here on the manual clock.
 */
class StaleCheckTest {

    final ManualTimeSource clock = new ManualTimeSource();
    final PathMonitor monitor = new PathMonitor(clock,
            new MonitorConfig(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMillis(200)));
    final Engine engine = new Engine(clock, Runnable::run, monitor);
    final ScriptedPath a = ScriptedPath.of("a");
    final ScriptedPath b = ScriptedPath.of("b");

    MultipathDevice device() {
        return new MultipathDevice("mpaths", DeviceConfig.defaults().withGrouping(GroupingPolicies.byKeyword("multibus"))
                .withFlapDamping(FlapDamping.DISABLED), engine, List.of(a, b));
    }

    PathView view(MultipathDevice d, String name) {
        return d.topology().paths().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /** Advances until the monitor has sent a check of {@code a} that is not answered yet. */
    void untilCheckOfAInFlight() {
        a.holdChecks = true;
        for (int i = 0; i < 100 && a.heldChecks.isEmpty(); i++) {
            clock.advance(Duration.ofMillis(10));
        }
        assertThat(a.heldChecks).as("a check of a in flight").hasSize(1);
    }

    @Test
    void readyFromACheckSentBeforeAConnectionLossDoesNotReinstate() {
        MultipathDevice d = device();
        clock.advance(Duration.ofMillis(300));
        assertThat(d.topology().usablePathCount()).isEqualTo(2);
        untilCheckOfAInFlight();

        clock.advance(Duration.ofMillis(1));
        a.checkResult = CheckResult.faulty("connection lost");
        a.emit(new PathEvent.ConnectionLost("cable pulled"));
        assertThat(view(d, "a").failed()).isTrue();

        // The answer of the check sent before the loss arrives now.
        a.heldChecks.removeFirst().complete(CheckResult.ready(AccessState.OPTIMIZED));
        assertThat(view(d, "a").failed()).as("dead path reinstated by a check sent before it died: " + view(d, "a"))
                .isTrue();

        // A check sent after the loss decides; the path comes back when one says ready.
        a.holdChecks = false;
        clock.advance(Duration.ofMillis(200));
        assertThat(view(d, "a").failed()).isTrue();
        a.checkResult = CheckResult.ready(AccessState.OPTIMIZED);
        a.emit(new PathEvent.ConnectionRestored());
        clock.advance(Duration.ofMillis(1));
        assertThat(view(d, "a").failed()).isFalse();
    }

    @Test
    void accessStateFromACheckSentBeforeAnAluaNoticeDoesNotOverrideIt() {
        MultipathDevice d = device();
        clock.advance(Duration.ofMillis(300));
        untilCheckOfAInFlight();

        clock.advance(Duration.ofMillis(1));
        a.setAccess(AccessState.STANDBY);
        a.emit(new PathEvent.AccessStateChanged(AccessState.STANDBY));
        assertThat(view(d, "a").usable()).isFalse();

        a.heldChecks.removeFirst().complete(CheckResult.ready(AccessState.OPTIMIZED));
        assertThat(view(d, "a").access()).as("stale check overrode the ALUA notice").isEqualTo(AccessState.STANDBY);
        assertThat(view(d, "a").usable()).isFalse();
    }
}
