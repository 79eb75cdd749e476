package io.mpath4j.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.FlapDamping;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.sim.SimulatedMedium;
import io.mpath4j.core.sim.SimulatedPath;
import io.mpath4j.core.time.SystemTimeSource;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management socket end to end, in-process: a real Unix socket, devices on simulated paths. */
class ManagementServerTest {

    private static final String WWID = "36001405mgmt0000000000000000000001";

    @TempDir
    Path dir;

    private MultipathDevice device;
    private ManagementServer server;
    private Path socket;
    private final List<SimulatedPath> paths = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        SimulatedMedium medium = new SimulatedMedium(1 << 20, 512);
        for (String name : List.of("sim:a", "sim:b")) {
            paths.add(new SimulatedPath(PathIdentity.of(name, WWID), medium, SystemTimeSource.instance()));
        }
        DeviceConfig config = DeviceConfig.defaults().withGrouping(GroupingPolicies.byKeyword("failover")).withFlapDamping(FlapDamping.DISABLED);
        device = new MultipathDevice("mpatha", config, Engine.system(MonitorConfig.DEFAULT), paths);
        DeviceRegistry registry = new DeviceRegistry();
        registry.add(device, "MPATH4J,SIM");
        socket = dir.resolve("run/mpath.sock");
        server = ManagementServer.start(socket, registry, new ManagementHandler(registry, Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        server.close();
        device.close();
    }

    private ManagementReply call(String... words) throws IOException {
        try (ManagementClient c = ManagementClient.connect(socket)) {
            return c.call(List.of(words));
        }
    }

    @Test
    void socketIsOwnerOnly() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
    }

    @Test
    void showTopologyInTextAndJson() throws IOException {
        ManagementReply r = call("show", "topology");
        assertThat(r.ok()).isTrue();
        assertThat(r.text()).startsWith("mpatha (" + WWID + ") mpath4j MPATH4J,SIM\n").contains("sim:a active", "sim:b active");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) ((List<?>) ((Map<?, ?>) r.data()).get("maps")).getFirst();
        // The JSON field names are API: scripts parse them. This pins them.
        assertThat(map).containsKeys("name", "wwid", "vendor_product", "size_bytes", "logical_block_size", "queue_mode",
                "selector", "active_group", "usable_paths", "version", "groups");
        assertThat(map.get("name")).isEqualTo("mpatha");
        assertThat(map.get("size_bytes")).isEqualTo(1 << 20);
        @SuppressWarnings("unchecked")
        Map<String, Object> group = (Map<String, Object>) ((List<?>) map.get("groups")).getFirst();
        assertThat(group).containsKeys("group", "priority", "status", "paths");
        @SuppressWarnings("unchecked")
        Map<String, Object> path = (Map<String, Object>) ((List<?>) group.get("paths")).getFirst();
        assertThat(path).containsKeys("name", "dm_state", "checker_state", "access_state", "priority", "usable",
                "admin_failed", "fail_reason", "held", "target_port_group", "target");
    }

    @Test
    void failAndReinstateAPathByHand() throws IOException {
        assertThat(call("fail", "path", "sim:a").ok()).isTrue();
        ManagementReply paths = call("show", "paths");
        assertThat(paths.text()).containsPattern("mpatha\\s+failed .* sim:a").containsPattern("mpatha\\s+active .* sim:b");
        assertThat(device.topology().paths().stream().filter(p -> p.name().equals("sim:a")).findFirst().orElseThrow().adminFailed()).isTrue();
        assertThat(call("reinstate", "path", "sim:a").ok()).isTrue();
        assertThat(device.topology().paths().stream().filter(p -> p.name().equals("sim:a")).findFirst().orElseThrow().adminFailed()).isFalse();
    }

    @Test
    void errorsNameWhatExists() throws IOException {
        assertThat(call("fail", "path", "sim:zz").error()).isEqualTo("no path 'sim:zz'; paths: [sim:a, sim:b]");
        assertThat(call("show", "topology", "map", "mpathq").error()).isEqualTo("no map 'mpathq'; maps: mpatha");
        assertThat(call("switchgroup", "map", "mpatha", "group", "9").error()).startsWith("map mpatha has 2 path groups, no group 9");
        assertThat(call("set", "selector", "map", "mpatha", "fastest", "0").error()).contains("fastest");
        assertThat(call("bogus").error()).startsWith("unknown command 'bogus'");
    }

    @Test
    void switchGroupAndSelectorChangeApply() throws IOException {
        assertThat(call("switchgroup", "map", "mpatha", "group", "2").ok()).isTrue();
        assertThat(device.topology().activeGroup()).isEqualTo(1);
        assertThat(call("set", "selector", "map", "mpatha", "round-robin", "0").ok()).isTrue();
        assertThat(device.topology().selectorDescription()).startsWith("round-robin");
        assertThat(call("disablequeueing", "maps").ok()).isTrue();
        assertThat(device.topology().queueMode()).isNotEqualTo("queue_if_no_path");
        assertThat(call("restorequeueing", "map", "mpatha").ok()).isTrue();
        assertThat(call("show", "status").text()).contains("mpatha");
    }

    @Test
    void malformedLinesCostOnlyTheirOwnConnection() throws Exception {
        try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            raw.connect(UnixDomainSocketAddress.of(socket));
            raw.write(ByteBuffer.wrap("{not json\n".getBytes(StandardCharsets.UTF_8)));
            String reply = readLine(raw);
            assertThat(reply).contains("\"ok\":false").contains("malformed JSON line");
            // the same connection still answers
            raw.write(ByteBuffer.wrap("{\"command\":[\"show\",\"maps\"]}\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(readLine(raw)).contains("\"ok\":true");
            // an endless line drops this connection...
            byte[] junk = new byte[ManagementWire.MAX_LINE + 10];
            java.util.Arrays.fill(junk, (byte) 'x');
            raw.write(ByteBuffer.wrap(junk));
            assertThat(readLine(raw)).isNull();
        }
        // ...and nothing else
        assertThat(call("show", "maps").ok()).isTrue();
    }

    @Test
    void eventsStreamStateChanges() throws Exception {
        List<Map<String, Object>> events = new CopyOnWriteArrayList<>();
        Thread watcher = Thread.ofVirtual().start(() -> {
            try (ManagementClient c = ManagementClient.connect(socket)) {
                c.events(e -> {
                    events.add(e);
                    return events.size() < 2;
                });
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // the stream is registered once the first reply came; retry the trigger until the watcher saw it
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (events.isEmpty() && System.nanoTime() < deadline) {
            call("fail", "path", "sim:b");
            call("reinstate", "path", "sim:b");
            Thread.sleep(50);
        }
        watcher.join(Duration.ofSeconds(20));
        assertThat(events).isNotEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) events.getFirst().get("event");
        assertThat(first).containsKeys("device", "path", "kind", "detail", "engine_nanos");
        assertThat(first.get("device")).isEqualTo("mpatha");
        assertThat(first.get("path")).isEqualTo("sim:b");
        assertThat(String.valueOf(events.getFirst().get("text"))).startsWith("mpatha sim:b: ");
    }

    @Test
    void staleSocketIsReplacedButALiveOneIsNot() throws IOException {
        assertThatThrownBy(() -> ManagementServer.start(socket, new DeviceRegistry(), null))
                .isInstanceOf(IOException.class).hasMessageContaining("another process is serving");
        Path stale = dir.resolve("stale.sock");
        try (var ch = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(stale));
        } // closed: the file stays behind, nobody answers
        assertThat(stale).exists();
        DeviceRegistry empty = new DeviceRegistry();
        try (ManagementServer second = ManagementServer.start(stale, empty, new ManagementHandler(empty, Duration.ofSeconds(1)))) {
            try (ManagementClient c = ManagementClient.connect(stale)) {
                assertThat(c.call(List.of("show", "maps")).ok()).isTrue();
            }
        }
        assertThat(stale).doesNotExist();
    }

    @Test
    void clientExplainsAMissingSocket() {
        assertThatThrownBy(() -> ManagementClient.connect(dir.resolve("nope.sock")))
                .isInstanceOf(IOException.class).hasMessageContaining("is `mpath daemon` (or `mpath serve --socket`) running?");
    }

    private static String readLine(SocketChannel ch) throws IOException {
        StringBuilder sb = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (ch.read(one) < 0) {
                return sb.isEmpty() ? null : sb.toString();
            }
            char c = (char) one.get(0);
            if (c == '\n') {
                return sb.toString();
            }
            sb.append(c);
        }
    }
}
