package io.mpath4j.lab.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlCommandTest {

    @Test
    void parsesEveryCommand() {
        assertThat(ControlCommand.parse("latency 50ms 10ms"))
                .isEqualTo(new ControlCommand.Latency(Duration.ofMillis(50), Duration.ofMillis(10)));
        assertThat(ControlCommand.parse("  latency 1.5s")).isEqualTo(new ControlCommand.Latency(Duration.ofMillis(1500), Duration.ZERO));
        assertThat(ControlCommand.parse("latency off")).isEqualTo(new ControlCommand.Latency(Duration.ZERO, Duration.ZERO));
        assertThat(ControlCommand.parse("latency 200us")).isEqualTo(new ControlCommand.Latency(Duration.ofNanos(200_000), Duration.ZERO));
        assertThat(ControlCommand.parse("rate 10MiB")).isEqualTo(new ControlCommand.Rate(10L << 20));
        assertThat(ControlCommand.parse("rate 512KiB/s")).isEqualTo(new ControlCommand.Rate(512L << 10));
        assertThat(ControlCommand.parse("rate 1GB")).isEqualTo(new ControlCommand.Rate(1_000_000_000L));
        assertThat(ControlCommand.parse("rate 1000")).isEqualTo(new ControlCommand.Rate(1000));
        assertThat(ControlCommand.parse("rate off")).isEqualTo(new ControlCommand.Rate(0));
        assertThat(ControlCommand.parse("blackhole")).isEqualTo(new ControlCommand.Blackhole(BlackholeMode.HOLD, List.of()));
        assertThat(ControlCommand.parse("blackhole drop to-client"))
                .isEqualTo(new ControlCommand.Blackhole(BlackholeMode.DROP, List.of(Direction.TO_CLIENT)));
        assertThat(ControlCommand.parse("blackhole upstream"))
                .isEqualTo(new ControlCommand.Blackhole(BlackholeMode.HOLD, List.of(Direction.TO_UPSTREAM)));
        assertThat(ControlCommand.parse("restore")).isInstanceOf(ControlCommand.Restore.class);
        assertThat(ControlCommand.parse("RESET")).isInstanceOf(ControlCommand.Reset.class);
        assertThat(ControlCommand.parse("half-open")).isInstanceOf(ControlCommand.HalfOpen.class);
        assertThat(ControlCommand.parse("refuse")).isEqualTo(new ControlCommand.Refuse(true));
        assertThat(ControlCommand.parse("accept")).isEqualTo(new ControlCommand.Refuse(false));
        assertThat(ControlCommand.parse("clear")).isInstanceOf(ControlCommand.Clear.class);
        assertThat(ControlCommand.parse("status")).isInstanceOf(ControlCommand.Status.class);
        assertThat(ControlCommand.parse("help")).isInstanceOf(ControlCommand.Help.class);
        assertThat(ControlCommand.parse("   ")).isNull();
        assertThat(ControlCommand.parse("# a comment")).isNull();
    }

    @Test
    void typosAreClearErrors() {
        assertThatThrownBy(() -> ControlCommand.parse("latncy 5ms")).hasMessage("unknown command 'latncy' (try: help)");
        assertThatThrownBy(() -> ControlCommand.parse("latency 50")).hasMessageContaining("needs a unit");
        assertThatThrownBy(() -> ControlCommand.parse("latency 50 ms")).hasMessageContaining("needs a unit");
        assertThatThrownBy(() -> ControlCommand.parse("latency 5 parsecs")).hasMessageContaining("needs a unit");
        assertThatThrownBy(() -> ControlCommand.parse("latency 5pc")).hasMessageContaining("unknown unit in duration '5pc'");
        assertThatThrownBy(() -> ControlCommand.parse("latency -5ms")).hasMessageContaining("bad duration");
        assertThatThrownBy(() -> ControlCommand.parse("latency")).hasMessageContaining("'latency' takes 1 to 2 arguments, got 0");
        assertThatThrownBy(() -> ControlCommand.parse("rate 10Mbit")).hasMessageContaining("unknown unit in rate");
        assertThatThrownBy(() -> ControlCommand.parse("rate 0")).hasMessageContaining("use 'rate off'");
        assertThatThrownBy(() -> ControlCommand.parse("rate")).hasMessageContaining("'rate' takes 1 argument, got 0");
        assertThatThrownBy(() -> ControlCommand.parse("blackhole sideways")).hasMessageContaining("unknown direction 'sideways'");
        assertThatThrownBy(() -> ControlCommand.parse("reset now")).hasMessageContaining("'reset' takes 0 arguments, got 1");
    }

    @Test
    void controlsPrintThemselvesReadably() {
        assertThat(ProxyControl.PASS_THROUGH).hasToString("latency off, rate unlimited, blackhole off, accepting");
        ProxyControl c = ProxyControl.PASS_THROUGH.withLatency(Duration.ofMillis(50), Duration.ofMillis(10)).withRate(10L << 20)
                .withBlackhole(BlackholeMode.HOLD, java.util.EnumSet.allOf(Direction.class)).withRefusing(true);
        assertThat(c).hasToString("latency 50ms ±10ms, rate 10.0 MiB/s, blackhole hold (to-upstream, to-client), refusing new connections");
        assertThat(c.blackholes(Direction.TO_CLIENT)).isTrue();
        assertThat(c.withBlackhole(BlackholeMode.DROP, java.util.Set.of(Direction.TO_UPSTREAM)).blackholes(Direction.TO_CLIENT)).isFalse();
        assertThatThrownBy(() -> c.withLatency(Duration.ofMillis(-1), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
