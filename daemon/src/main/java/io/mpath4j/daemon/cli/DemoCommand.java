package io.mpath4j.daemon.cli;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.FailbackPolicy;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.device.TopologyListing;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.select.PathSelectors;
import io.mpath4j.core.sim.MemoryPath;
import io.mpath4j.core.sim.SimulatedMedium;
import io.mpath4j.nbd.client.NbdClientOptions;
import io.mpath4j.nbd.client.NbdPaths;
import io.mpath4j.nbd.client.NbdUri;
import io.mpath4j.nbd.server.NbdExport;
import io.mpath4j.nbd.server.NbdServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mpath demo}: by default {@link LabDemo}, two real iSCSI paths to the in-process lab target
 * with ALUA port groups. {@code mpath demo --nbd}: a multipath device over two real NBD paths on loopback, under a verifying
 * workload, through a server crash (fault injected), the failover, the server's return and the
 * failback. The NBD servers are in-process (our own export, serving one memory disk at 127.0.0.1
 * and 127.0.0.2), so the demo needs no root and no installs; the paths are real TCP connections
 * speaking NBD.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Show multipath failover and failback on two real iSCSI paths over loopback to the in-process lab"
                + " target: an ALUA flip, a portal killed and restored (no root, no installs).",
                "--nbd uses two NBD paths instead; --simulated simulated paths in ALUA port groups."})
final class DemoCommand implements Callable<Integer> {

    private static final String WWID = "3600nbd0d3m0000000000000000000001";
    /** Held so the setting sticks: the demo prints the engine's events itself. */
    private static final Logger ENGINE_LOG = Logger.getLogger("io.mpath4j");

    @Option(names = "--step", defaultValue = "1500", description = "Milliseconds between demo steps (default ${DEFAULT-VALUE}).")
    long stepMillis;

    @Option(names = "--threads", defaultValue = "8", description = "Workload threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--simulated", description = "Simulated paths in two ALUA port groups instead of iSCSI.")
    boolean simulated;

    @Option(names = "--nbd", description = "Two NBD paths (no ALUA) instead of iSCSI: a server crash and its return.")
    boolean nbd;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (stepMillis < 100 || threads < 1 || threads > 256) {
            throw new IllegalArgumentException("--step must be ≥ 100 ms and --threads between 1 and 256");
        }
        ENGINE_LOG.setLevel(Level.WARNING);
        if (simulated && nbd) {
            throw new IllegalArgumentException("--simulated and --nbd exclude each other");
        }
        if (simulated) {
            return new SimulatedDemo(stepMillis, threads, out).run();
        }
        return nbd ? nbd() : new LabDemo(stepMillis, threads, out).run();
    }

    private int nbd() throws Exception {
        out.println("""
                mpath4j demo: two REAL NBD paths over loopback TCP. The NBD servers run inside this
                process (mpath4j's own NBD export, serving one 64 MiB memory disk at 127.0.0.1 and at
                127.0.0.2); the client side opens one NBD connection to each and builds one multipath
                device from them. Then the demo crashes one server and brings it back.
                (`mpath demo` shows iSCSI with ALUA; `mpath demo --simulated` simulated paths.)
                """);
        SimulatedMedium disk = new SimulatedMedium(64L << 20, 512);
        Engine backendEngine = new Engine(io.mpath4j.core.time.SystemTimeSource.instance(),
                java.util.concurrent.ForkJoinPool.commonPool(), null);
        try (MultipathDevice backend = new MultipathDevice("backend", DeviceConfig.defaults(), backendEngine,
                List.of(new MemoryPath(PathIdentity.of("memory:64M", WWID), disk)));
             DemoServer a = new DemoServer("127.0.0.1", backend);
             DemoServer b = new DemoServer("127.0.0.2", backend)) {
            NbdClientOptions options = NbdClientOptions.DEFAULT
                    .withRequestTimeout(Duration.ofSeconds(2))
                    .withFencingDelay(Duration.ofMillis(200)) // our in-process server has finished every write once it is closed
                    .withReconnect(Duration.ofMillis(100), Duration.ofMillis(500));
            NbdPaths.Result opened = NbdPaths.connect(List.of(a.uri(), b.uri()), WWID, options);
            opened.warnings().forEach(w -> out.println("warning: " + w));
            if (opened.paths().size() != 2) {
                out.println("FAILED: could not open both NBD paths; is 127.0.0.2 routed to loopback on this machine?");
                return 1;
            }
            DeviceConfig config = DeviceConfig.defaults()
                    .withGrouping(GroupingPolicies.byKeyword("multibus"))
                    .withSelector(() -> PathSelectors.parse("service-time 0", 1, false))
                    .withFailback(new FailbackPolicy.Immediate())
                    .withNoPathRetry(new NoPathRetry.Queue())
                    .withPollingInterval(Duration.ofSeconds(1));
            Engine engine = Engine.system(new MonitorConfig(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(1)));
            try (MultipathDevice device = new MultipathDevice("mpatha", config, engine, opened.paths())) {
                device.addListener(e -> out.println("  event: " + e));
                show(device, "Assembled one device from two NBD paths (multibus, service-time):");
                try (DemoWorkload load = DemoWorkload.start(device, threads, 8L << 20)) {
                    pause();
                    out.printf("%nWorkload running: %d threads, writes and verified reads. %s%n", threads, load.progress());

                    step("Fault injected: the NBD server at 127.0.0.2 crashes (its connections are reset).");
                    b.crash();
                    pause();
                    show(device, "I/O continues on 127.0.0.1. " + load.progress());

                    step("The server at 127.0.0.2 comes back; the path reconnects in the background.");
                    b.restart();
                    waitUsable(device, 2, 10_000);
                    pause();
                    show(device, "Both paths in use again. " + load.progress());

                    DemoWorkload.Result r = load.stopAndVerify();
                    out.printf("%nResult: %,d I/Os, %d I/O errors, %d data mismatches, longest completion gap %d ms,"
                                    + " %d redrives.%n", r.ios(), r.errors(), r.mismatches(), r.longestGapMillis(),
                            device.counters().redrives());
                    if (r.errors() != 0 || r.mismatches() != 0) {
                        out.println("FAILED: the demo saw errors; please report this.");
                        return 1;
                    }
                    out.println("Zero errors while at least one path worked: that is the promise of multipath.");
                    return 0;
                }
            }
        }
    }

    private static void waitUsable(MultipathDevice device, int paths, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (device.topology().usablePathCount() < paths && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private void show(MultipathDevice device, String caption) {
        out.println();
        out.println(caption);
        out.print(TopologyListing.format(device.topology(), "NBD,disk"));
    }

    private void step(String what) {
        out.println();
        out.println(">>> " + what);
    }

    private void pause() throws InterruptedException {
        Thread.sleep(stepMillis);
    }

    /** One in-process NBD server on one loopback address, which the demo can crash and restart. */
    private static final class DemoServer implements AutoCloseable {
        private final String host;
        private final MultipathDevice disk;
        private NbdServer server;
        private int port;

        DemoServer(String host, MultipathDevice disk) throws IOException {
            this.host = host;
            this.disk = disk;
            start(0);
        }

        private void start(int wantedPort) throws IOException {
            server = NbdServer.builder()
                    .listen(new InetSocketAddress(host, wantedPort))
                    .export(new NbdExport("disk", "mpath4j demo disk", disk, false))
                    .start();
            port = server.localAddress().getPort();
        }

        NbdUri uri() {
            return NbdUri.parse("nbd://" + host + ":" + port + "/disk");
        }

        /** Closes the listener and resets every connection, as a crashed server would. */
        void crash() {
            server.close();
        }

        void restart() throws IOException {
            start(port);
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
