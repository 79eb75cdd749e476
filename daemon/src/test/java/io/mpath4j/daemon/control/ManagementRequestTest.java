package io.mpath4j.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManagementRequestTest {

    private static ManagementRequest parse(String line) {
        return ManagementRequest.parse(Arrays.asList(line.split(" ")));
    }

    @Test
    void parsesMultipathdVerbs() {
        assertThat(parse("show topology")).isEqualTo(new ManagementRequest.ShowTopology(null));
        assertThat(parse("SHOW Topology map mpathA")).isEqualTo(new ManagementRequest.ShowTopology("mpathA"));
        assertThat(parse("show maps")).isEqualTo(new ManagementRequest.ShowMaps());
        assertThat(parse("list paths")).isEqualTo(new ManagementRequest.ShowPaths());
        assertThat(parse("show status")).isEqualTo(new ManagementRequest.ShowStatus());
        assertThat(parse("fail path nbd://h/e")).isEqualTo(new ManagementRequest.FailPath("nbd://h/e"));
        assertThat(parse("reinstate path p1")).isEqualTo(new ManagementRequest.ReinstatePath("p1"));
        assertThat(parse("del path p1")).isEqualTo(new ManagementRequest.DelPath("p1"));
        assertThat(parse("add path iscsi://h/iqn.x/1")).isEqualTo(new ManagementRequest.AddPath("iscsi://h/iqn.x/1", null));
        assertThat(parse("add path nbd://h/e map mpatha")).isEqualTo(new ManagementRequest.AddPath("nbd://h/e", "mpatha"));
        assertThat(parse("switchgroup map mpatha group 2")).isEqualTo(new ManagementRequest.SwitchGroup("mpatha", 2));
        assertThat(parse("disablequeueing maps")).isEqualTo(new ManagementRequest.DisableQueueing(null));
        assertThat(parse("restorequeueing map mpatha")).isEqualTo(new ManagementRequest.RestoreQueueing("mpatha"));
        assertThat(parse("set selector map mpatha service-time 0")).isEqualTo(new ManagementRequest.SetSelector("mpatha", "service-time 0"));
        assertThat(parse("resize map mpatha")).isEqualTo(new ManagementRequest.ResizeMap("mpatha"));
        assertThat(parse("events")).isEqualTo(new ManagementRequest.Events());
    }

    @Test
    void errorsSayWhatWasExpected() {
        assertThatThrownBy(() -> ManagementRequest.parse(List.of())).hasMessageStartingWith("empty command; commands: show topology");
        assertThatThrownBy(() -> parse("frobnicate")).hasMessageStartingWith("unknown command 'frobnicate'; commands:");
        assertThatThrownBy(() -> parse("show")).hasMessage("'show' needs what to show (topology, maps, paths, status, config)");
        assertThatThrownBy(() -> parse("show wombats")).hasMessageStartingWith("unknown 'show wombats'");
        assertThatThrownBy(() -> parse("fail")).hasMessage("'fail' needs 'path'");
        assertThatThrownBy(() -> parse("fail map x")).hasMessage("expected 'path' after 'fail', got 'map'");
        assertThatThrownBy(() -> parse("fail path")).hasMessage("'fail path' needs a path name");
        assertThatThrownBy(() -> parse("switchgroup map m group two")).hasMessageContaining("group must be a number from 1");
        assertThatThrownBy(() -> parse("switchgroup map m group 0")).hasMessageContaining("group must be a number from 1");
        assertThatThrownBy(() -> parse("show maps now")).hasMessage("unexpected 'now' after 'show maps'");
        assertThatThrownBy(() -> parse("set selector map m")).hasMessageContaining("needs a path selector");
    }

    @Test
    void requestLinesAreValidated() {
        assertThat(ManagementWire.parseRequest("{\"command\":[\"show\",\"maps\"]}")).containsExactly("show", "maps");
        assertThatThrownBy(() -> ManagementWire.parseRequest("{\"command\":\"show maps\"}")).hasMessageStartingWith("malformed request");
        assertThatThrownBy(() -> ManagementWire.parseRequest("{\"command\":[1]}")).hasMessageContaining("must be strings");
        assertThatThrownBy(() -> ManagementWire.parseRequest("{nope")).hasMessageStartingWith("malformed JSON line");
    }

    @Test
    void reconfigureIsAVerbOfItsOwn() {
        assertThat(parse("reconfigure")).isEqualTo(new ManagementRequest.Reconfigure());
        assertThatThrownBy(() -> parse("reconfigure all")).hasMessage("unexpected 'all' after 'reconfigure'");
    }

    @Test
    void aProcessWithoutAConfigurationFileRefusesReconfigure() {
        DeviceRegistry registry = new DeviceRegistry();
        ManagementReply serve = new ManagementHandler(registry, java.time.Duration.ofSeconds(1)).handle(new ManagementRequest.Reconfigure());
        assertThat(serve.ok()).isFalse();
        assertThat(serve.error()).startsWith("reconfigure: this process has no configuration file");
        DaemonHooks hooks = new DaemonHooks() {
            @Override
            public ManagementReply reconfigure() {
                return ManagementReply.ok("done\n", null);
            }

            @Override
            public ManagementReply showConfig() {
                return ManagementReply.ok("defaults {\n}\n", null);
            }
        };
        ManagementHandler daemon = new ManagementHandler(registry, java.time.Duration.ofSeconds(1), hooks);
        assertThat(daemon.handle(new ManagementRequest.Reconfigure()).text()).isEqualTo("done\n");
        assertThat(daemon.handle(parse("show config")).text()).isEqualTo("defaults {\n}\n");
        assertThat(new ManagementHandler(registry, java.time.Duration.ofSeconds(1)).handle(parse("add path nbd://h/e map m")).error())
                .startsWith("add path: only mpath daemon opens paths at run time");
        assertThat(new ManagementHandler(registry, java.time.Duration.ofSeconds(1)).handle(parse("show config")).error())
                .startsWith("show config: this process has no configuration file");
    }
}
