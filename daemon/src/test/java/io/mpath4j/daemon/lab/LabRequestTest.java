package io.mpath4j.daemon.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.scsi.alua.AluaState;
import io.mpath4j.scsi.sense.SenseKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabRequestTest {

    private static LabRequest parse(String line) {
        return LabRequest.parse(Arrays.asList(line.split(" ")));
    }

    @Test
    void parsesEveryRequest() {
        assertThat(parse("group 2 active-optimized")).isEqualTo(new LabRequest.SetGroup(2, AluaState.ACTIVE_OPTIMIZED));
        assertThat(parse("group 1 active/non-optimized")).isEqualTo(new LabRequest.SetGroup(1, AluaState.ACTIVE_NON_OPTIMIZED));
        assertThat(parse("group 1 standby")).isEqualTo(new LabRequest.SetGroup(1, AluaState.STANDBY));
        assertThat(parse("group 1 standby --for 2s")).isEqualTo(
                new LabRequest.SetGroup(1, AluaState.STANDBY, java.util.Optional.of(Duration.ofSeconds(2))));
        assertThat(parse("group 2 transitioning --for 500ms")).isEqualTo(new LabRequest.Transition(2, Duration.ofMillis(500)));
        assertThat(parse("portal 127.0.0.2:3260 blackhole")).isEqualTo(
                new LabRequest.PortalFault("127.0.0.2:3260", LabRequest.PortalAction.BLACKHOLE, Duration.ZERO, Duration.ZERO));
        assertThat(parse("portal 0 latency 50ms 1.5ms")).isEqualTo(new LabRequest.PortalFault("0",
                LabRequest.PortalAction.LATENCY, Duration.ofMillis(50), Duration.ofNanos(1_500_000)));
        LabRequest.FailNext f = (LabRequest.FailNext) parse("lun 0 fail-next 3 3/11/00");
        assertThat(f.lun()).isZero();
        assertThat(f.count()).isEqualTo(3);
        assertThat(f.sense().key()).isEqualTo(SenseKey.MEDIUM_ERROR);
        assertThat(f.sense().asc()).isEqualTo(0x11);
        assertThat(parse("lun 1 clear")).isEqualTo(new LabRequest.ClearLun(1));
        assertThat(parse("hold-write 2048 8 2s")).isEqualTo(new LabRequest.HoldWrite(2048, 8, Duration.ofSeconds(2)));
        assertThat(parse("status")).isEqualTo(new LabRequest.Status());
        assertThat(parse("stop")).isEqualTo(new LabRequest.Stop());
    }

    @Test
    void badRequestsSayWhatIsWrong() {
        assertThatThrownBy(() -> parse("grup 1 standby")).hasMessageStartingWith("unknown request 'grup'; one of:");
        assertThatThrownBy(() -> parse("group 1 sleepy")).hasMessageContaining("unknown ALUA state 'sleepy'");
        assertThatThrownBy(() -> parse("group 1 transitioning")).hasMessageContaining("needs --for DURATION");
        assertThatThrownBy(() -> parse("group 1 standby for 2s")).hasMessageContaining("expected group G STATE [--for DURATION]");
        assertThatThrownBy(() -> parse("group x standby")).hasMessage("group must be a number ≥ 0, got 'x'");
        assertThatThrownBy(() -> parse("group 1")).hasMessage("'group 1': expected group G STATE [--for DURATION]");
        assertThatThrownBy(() -> parse("portal 0 explode")).hasMessageStartingWith("unknown portal action 'explode'");
        assertThatThrownBy(() -> parse("portal 0 latency fast")).hasMessageStartingWith("bad duration 'fast'");
        assertThatThrownBy(() -> parse("lun 0 fail-next 1 3/11")).hasMessageStartingWith("sense '3/11' must be KEY/ASC/ASCQ");
        assertThatThrownBy(() -> parse("lun 0 fail-next 0 3/11/00")).hasMessage("fail-next N must be ≥ 1, got 0");
        assertThatThrownBy(() -> parse("hold-write 0 0 1s")).hasMessage("hold-write COUNT must be ≥ 1, got 0");
        assertThatThrownBy(() -> LabRequest.parse(List.of())).hasMessageStartingWith("empty request");
    }
}
