package io.mpath4j.core.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.path.PathEvent;
import io.mpath4j.core.time.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A path that keeps failing is held out with growing back-off, and shown as held. */
class FlapDampingTest {

    final ManualTimeSource clock = new ManualTimeSource();
    final Engine engine = new Engine(clock, Runnable::run, null);
    final ScriptedPath a = ScriptedPath.of("a");
    final ScriptedPath b = ScriptedPath.of("b");
    final List<DeviceEvent> events = new ArrayList<>();
    final FlapDamping flap = new FlapDamping(3, Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(40));

    MultipathDevice device() {
        MultipathDevice d = new MultipathDevice("mpathf", DeviceConfig.defaults()
                .withGrouping(GroupingPolicies.byKeyword("multibus")).withFlapDamping(flap), engine, List.of(a, b));
        d.addListener(events::add);
        return d;
    }

    void flapOnce() {
        a.emit(new PathEvent.ConnectionLost("reset"));
        clock.advance(Duration.ofSeconds(1));
        a.emit(new PathEvent.ConnectionRestored());
    }

    PathView pathA(MultipathDevice d) {
        return d.topology().paths().stream().filter(p -> p.name().equals("a")).findFirst().orElseThrow();
    }

    @Test
    void twoFailuresAreToleratedTheThirdHoldsThePathOut() {
        MultipathDevice d = device();
        flapOnce();
        flapOnce();
        assertThat(pathA(d).failed()).isFalse();
        flapOnce();
        assertThat(pathA(d).failed()).isTrue();
        assertThat(pathA(d).failReason()).startsWith("held out for 5000 ms: flapping (3 failures");
        assertThat(events).extracting(DeviceEvent::kind).contains(DeviceEvent.Kind.PATH_HELD);

        clock.advance(Duration.ofMillis(4999));
        assertThat(pathA(d).failed()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(pathA(d).failed()).as("hold ended and the checker said ready").isFalse();
    }

    @Test
    void holdDoublesForEachFurtherFlapUpToTheMaximum() {
        // A long window, so that the long holds themselves do not age failures out of it.
        MultipathDevice d = new MultipathDevice("mpathf", DeviceConfig.defaults()
                .withGrouping(GroupingPolicies.byKeyword("multibus"))
                .withFlapDamping(new FlapDamping(3, Duration.ofSeconds(600), Duration.ofSeconds(5), Duration.ofSeconds(40))),
                engine, List.of(a, b));
        flapOnce();
        flapOnce();
        List<Long> holds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            a.emit(new PathEvent.ConnectionLost("reset"));
            clock.advance(Duration.ofSeconds(1));
            a.emit(new PathEvent.ConnectionRestored());
            long start = clock.nanoTime();
            while (pathA(d).failed()) {
                clock.advance(Duration.ofMillis(500));
            }
            holds.add(Duration.ofNanos(clock.nanoTime() - start).toSeconds());
        }
        assertThat(holds).containsExactly(5L, 10L, 20L, 40L, 40L);
    }

    @Test
    void holdLevelDecaysAfterAQuietWindow() {
        MultipathDevice d = device();
        flapOnce();
        flapOnce();
        flapOnce();
        clock.advance(Duration.ofSeconds(5));
        assertThat(pathA(d).failed()).isFalse();
        clock.advance(Duration.ofSeconds(120));
        flapOnce();
        assertThat(pathA(d).failed()).as("old failures left the window").isFalse();
    }

    @Test
    void administratorReinstateOverridesTheHold() {
        MultipathDevice d = device();
        flapOnce();
        flapOnce();
        flapOnce();
        assertThat(pathA(d).failed()).isTrue();
        d.reinstatePath("a").join();
        assertThat(pathA(d).failed()).isFalse();
    }
}
