package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.sim.SimulatedMedium;
import io.mpath4j.core.sim.SimulatedPath;
import io.mpath4j.core.time.SystemTimeSource;
import io.mpath4j.daemon.control.DeviceRegistry;
import io.mpath4j.daemon.control.ManagementHandler;
import io.mpath4j.daemon.control.ManagementServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The `mpath show|fail|reinstate|switchgroup|events …` commands against a live management socket. */
class ManagementCommandsTest {

    @TempDir
    Path dir;

    private MultipathDevice device;
    private ManagementServer server;
    private Path socket;

    @BeforeEach
    void start() throws Exception {
        SimulatedMedium medium = new SimulatedMedium(8 << 20, 512);
        List<SimulatedPath> paths = new ArrayList<>();
        for (String name : List.of("sim:x", "sim:y")) {
            paths.add(new SimulatedPath(PathIdentity.of(name, "36001405cli"), medium, SystemTimeSource.instance()));
        }
        device = new MultipathDevice("mpathc", DeviceConfig.defaults().withGrouping(GroupingPolicies.byKeyword("failover")),
                Engine.system(MonitorConfig.DEFAULT), paths);
        DeviceRegistry registry = new DeviceRegistry();
        registry.add(device, "MPATH4J,SIM");
        socket = dir.resolve("m.sock");
        server = ManagementServer.start(socket, registry, new ManagementHandler(registry, Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        server.close();
        device.close();
    }

    private record Run(int exit, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MpathCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void showTopologyPrintsTheMultipathListing() {
        Run r = run("show", "topology", "--socket", socket.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("mpathc (36001405cli) mpath4j MPATH4J,SIM\nsize=8.0M").contains("|-+- policy=", "`- sim:y active");
    }

    @Test
    void jsonOutputIsParseable() throws Exception {
        Run r = run("show", "maps", "--json", "-s", socket.toString());
        assertThat(r.exit()).isZero();
        var parsed = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(r.out());
        assertThat(parsed).containsKey("maps");
        assertThat(r.out()).contains("\"name\" : \"mpathc\"");
    }

    @Test
    void changesAndErrors() {
        assertThat(run("fail", "path", "sim:x", "-s", socket.toString()).out()).isEqualTo("ok\n");
        assertThat(run("show", "paths", "-s", socket.toString()).out()).containsPattern("mpathc\\s+failed.*sim:x");
        assertThat(run("reinstate", "path", "sim:x", "-s", socket.toString()).exit()).isZero();
        Run bad = run("switchgroup", "map", "mpathc", "group", "7", "-s", socket.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("error: map mpathc has 2 path groups, no group 7\n");
        Run missing = run("show", "maps", "-s", dir.resolve("absent.sock").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).startsWith("error: no management socket at ");
    }

    @Test
    void eventsPrintsStateChanges() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = MpathCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        Thread events = Thread.ofVirtual().start(() -> cli.execute("events", "--count", "1", "-s", socket.toString()));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (events.isAlive() && System.nanoTime() < deadline) {
            run("fail", "path", "sim:y", "-s", socket.toString());
            run("reinstate", "path", "sim:y", "-s", socket.toString());
            events.join(Duration.ofMillis(100));
        }
        assertThat(events.isAlive()).isFalse();
        assertThat(out.toString()).startsWith("mpathc sim:y: ");
    }
}
