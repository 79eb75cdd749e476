package io.mpath4j.iscsi.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.iscsi.login.SendTargets.DiscoveredTarget;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SendTargetsTest {

    @Test
    void targetsWithPortalsInOrder() throws Exception {
        byte[] text = ("TargetName=iqn.2025-01.io.mpath4j:disk1\0"
                + "TargetAddress=127.0.0.1:3260,1\0"
                + "TargetAddress=[fe80::1:2]:3261,2\0"
                + "TargetName=iqn.2025-01.io.mpath4j:disk2\0"
                + "TargetAddress=storage.example.com,3\0"
                + "TargetName=iqn.2025-01.io.mpath4j:disk3\0").getBytes();
        List<DiscoveredTarget> targets = SendTargets.parse(TextCodec.decode(text));
        assertThat(targets).containsExactly(
                new DiscoveredTarget("iqn.2025-01.io.mpath4j:disk1", List.of(
                        new TargetPortal("127.0.0.1", 3260, OptionalInt.of(1)),
                        new TargetPortal("fe80::1:2", 3261, OptionalInt.of(2)))),
                new DiscoveredTarget("iqn.2025-01.io.mpath4j:disk2", List.of(
                        new TargetPortal("storage.example.com", 3260, OptionalInt.of(3)))),
                new DiscoveredTarget("iqn.2025-01.io.mpath4j:disk3", List.of()));
    }

    @Test
    void portalForms() throws Exception {
        assertThat(TargetPortal.parse("10.1.2.3")).isEqualTo(new TargetPortal("10.1.2.3", 3260, OptionalInt.empty()));
        assertThat(TargetPortal.parse("10.1.2.3:3262")).isEqualTo(new TargetPortal("10.1.2.3", 3262, OptionalInt.empty()));
        assertThat(TargetPortal.parse("[::1]")).isEqualTo(new TargetPortal("::1", 3260, OptionalInt.empty()));
        assertThat(TargetPortal.parse("[::1],7")).isEqualTo(new TargetPortal("::1", 3260, OptionalInt.of(7)));
        assertThat(TargetPortal.parse("[2001:db8::5]:3260,65535").toText()).isEqualTo("[2001:db8::5]:3260,65535");
        for (String bad : new String[] {"", ":3260", "fe80::1", "[fe80::1", "[host]:1", "[::1]x", "h:0", "h:65536",
                "h:3260,65536", "h:abc", "h,", "[]:1"}) {
            assertThatThrownBy(() -> TargetPortal.parse(bad)).as(bad).isInstanceOf(NegotiationException.class);
        }
    }

    @Test
    void addressBeforeAnyNameIsAnError() {
        assertThatThrownBy(() -> SendTargets.parse(List.of(KeyValue.of("TargetAddress", "1.2.3.4:3260,1"))))
                .isInstanceOf(NegotiationException.class);
    }
}
