package io.mpath4j.daemon.cli;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.FailbackPolicy;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.device.TopologyListing;
import io.mpath4j.daemon.control.DeviceRegistry;
import io.mpath4j.daemon.control.ManagementHandler;
import io.mpath4j.daemon.control.ManagementServer;
import io.mpath4j.daemon.metrics.MetricsExporter;
import io.mpath4j.fuse.FuseExport;
import io.mpath4j.fuse.FuseOptions;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.group.Prioritizers;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.select.PathSelectors;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiPaths;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.iscsi.login.ChapCredentials;
import io.mpath4j.nbd.client.NbdClientOptions;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.sim.MemoryPath;
import io.mpath4j.core.sim.SimulatedMedium;
import io.mpath4j.nbd.client.NbdPaths;
import io.mpath4j.nbd.client.NbdUri;
import io.mpath4j.nbd.server.NbdExport;
import io.mpath4j.nbd.server.NbdServer;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mpath serve [--nbd ADDR:PORT[/EXPORT]] [--fuse MOUNTPOINT] URI…}: one multipath device from
 * the given path URIs, served over NBD, as a file through FUSE, or both, until interrupted. The
 * quick way in before the daemon exists.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Build one multipath device from path URIs and serve it over NBD and/or as a file (FUSE) until interrupted.",
        footer = {"", "Examples:", "  mpath serve --nbd 127.0.0.1:10810/disk --wwid 3600mydisk nbd://127.0.0.1:10809/ nbd://127.0.0.2:10809/",
                "  mpath serve --fuse /mnt/mpath --wwid 3600mydisk nbd://127.0.0.1:10809/ nbd://127.0.0.2:10809/   (file /mnt/mpath/mpatha)",
                "  mpath serve --nbd 127.0.0.1:10810/disk iscsi://10.0.0.1/iqn.2026-11.com.example:array/1 iscsi://10.0.1.1/iqn.2026-11.com.example:array/1"})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--nbd", paramLabel = "ADDR:PORT[/EXPORT]",
            description = "Where to serve the device over NBD; the export name defaults to the device name.")
    String listen;

    @Option(names = "--fuse", paramLabel = "MOUNTPOINT",
            description = "Also (or instead of --nbd) show the device as the file MOUNTPOINT/NAME through FUSE (libfuse3).")
    java.nio.file.Path fuseMountPoint;

    @Option(names = "--fuse-threads", defaultValue = "32",
            description = "FUSE worker threads, i.e. requests served at once through the file, and the kernel's limit on"
                    + " outstanding asynchronous direct I/O requests (max_background) for the mount (default ${DEFAULT-VALUE}).")
    int fuseThreads;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "1",
            description = "NBD connections to each nbd:// URI, each a path of the device (default ${DEFAULT-VALUE}). More than 1"
                    + " needs an export that advertises NBD_FLAG_CAN_MULTI_CONN (nbdkit memory and file do); refused otherwise.")
    int connections;

    @Option(names = "--wwid", paramLabel = "ID",
            description = "Unit identity of the paths. NBD has none of its own, so it is required for nbd:// and memory: paths;"
                    + " iSCSI units report theirs (VPD 83h), which must then equal it if given.")
    String wwid;

    @Option(names = "--name", defaultValue = "mpatha", description = "Device name (alias), default ${DEFAULT-VALUE}.")
    String name;

    @Option(names = "--path-grouping-policy", defaultValue = "multibus",
            description = "failover, multibus, group_by_prio, group_by_serial, group_by_node_name, group_by_tpg (default ${DEFAULT-VALUE}).")
    String grouping;

    @Option(names = "--path-selector", defaultValue = "service-time 0",
            description = "round-robin 0, queue-length 0, service-time 0, historical-service-time 0, latency 0 (default '${DEFAULT-VALUE}').")
    String selector;

    @Option(names = "--prio", defaultValue = "const", description = "const, alua, ana, weightedpath, path_latency (default ${DEFAULT-VALUE}).")
    String prio;

    @Option(names = "--prio-args", defaultValue = "", description = "Arguments of the prioritizer, as prio_args in multipath.conf.")
    String prioArgs;

    @Option(names = "--failback", defaultValue = "immediate", description = "immediate, manual, followover or seconds (default ${DEFAULT-VALUE}).")
    String failback;

    @Option(names = "--no-path-retry", defaultValue = "queue", description = "fail, queue or a number of polling intervals (default ${DEFAULT-VALUE}).")
    String noPathRetry;

    @Option(names = "--polling-interval", defaultValue = "5", description = "Seconds between path checks (default ${DEFAULT-VALUE}).")
    int pollingSeconds;

    @Option(names = "--request-timeout", defaultValue = "10", description = "Seconds before an NBD request or an iSCSI command counts as lost (default ${DEFAULT-VALUE}).")
    int requestTimeoutSeconds;

    @Option(names = "--fencing-delay", defaultValue = "5",
            description = "Seconds a write waits after its path's connection was torn down before it is redriven (default ${DEFAULT-VALUE}).")
    int fencingSeconds;

    @Option(names = "--chap-target-user", paramLabel = "NAME",
            description = "Mutual CHAP: the name the iSCSI target must prove (its secret from --chap-target-secret-env).")
    String chapTargetUser;

    @Option(names = "--chap-target-secret-env", paramLabel = "VAR", defaultValue = "MPATH_CHAP_TARGET_SECRET",
            description = "Environment variable holding the target's mutual CHAP secret (default ${DEFAULT-VALUE}).")
    String chapTargetSecretEnv;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Also answer management commands (mpath show topology, fail path, …) on this Unix socket (mode 0600).")
    java.nio.file.Path socket;

    @Option(names = "--metrics", paramLabel = "ADDR:PORT",
            description = "Serve Prometheus metrics at http://ADDR:PORT/metrics (use a loopback address; they are not authenticated).")
    String metrics;

    @Parameters(arity = "1..*", paramLabel = "URI", description = "Path URIs: nbd://host[:port]/export,"
            + " iscsi://[user[%%password]@]host[:port]/target-iqn/lun, or memory:SIZE for an in-memory disk")
    List<String> uris;

    private final PrintStream out = System.out;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean stopRequested;
    /** Held so the setting sticks: serve prints each device event with the new topology itself. */
    private static final java.util.logging.Logger DEVICE_LOG = java.util.logging.Logger.getLogger("io.mpath4j.device");

    @Override
    public Integer call() throws Exception {
        if (listen == null && fuseMountPoint == null) {
            throw new IllegalArgumentException("say how to serve the device: --nbd ADDR:PORT[/EXPORT], --fuse MOUNTPOINT, or both");
        }
        Listen where = listen == null ? null : Listen.parse(listen, name);
        positive(connections, "--connections");
        DEVICE_LOG.setLevel(java.util.logging.Level.WARNING);
        List<Path> paths = new ArrayList<>();
        List<NbdUri> nbd = new ArrayList<>();
        List<String> memory = new ArrayList<>();
        List<IscsiUri> iscsi = new ArrayList<>();
        for (String uri : uris) {
            if (uri.startsWith("memory:")) {
                memory.add(uri);
            } else if (uri.regionMatches(true, 0, "iscsi://", 0, 8)) {
                IscsiUri u = IscsiUri.parse(uri);
                if (u.isDiscovery()) {
                    throw new IllegalArgumentException("'" + u + "' names no target and LUN; see `mpath discover " + u + "`");
                }
                iscsi.add(u);
            } else {
                nbd.add(parseUri(uri));
            }
        }
        if (!iscsi.isEmpty()) {
            IscsiOptions io = IscsiOptions.defaults()
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10),
                            Duration.ofSeconds(positive(requestTimeoutSeconds, "--request-timeout")));
            if (chapTargetUser != null) {
                String secret = System.getenv(chapTargetSecretEnv);
                if (secret == null || secret.isEmpty()) {
                    throw new IllegalArgumentException("--chap-target-user needs the target's secret in $" + chapTargetSecretEnv);
                }
                io = io.withTargetChap(new ChapCredentials(chapTargetUser, secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            IscsiPaths.Result opened = IscsiPaths.connect(iscsi, io);
            opened.warnings().forEach(w -> out.println("warning: " + w));
            if (opened.byWwid().size() > 1) {
                opened.paths().forEach(Path::close);
                throw new IllegalArgumentException(opened.byWwid().size() + " different units: " + opened.byWwid().entrySet().stream()
                        .map(e -> e.getKey() + " via " + e.getValue().stream().map(p -> p.identity().name()).toList()).toList()
                        + "; serve one unit at a time");
            }
            if (!opened.byWwid().isEmpty()) {
                String reported = opened.byWwid().keySet().iterator().next();
                if (wwid != null && !wwid.isBlank() && !wwid.equals(reported)) {
                    opened.paths().forEach(Path::close);
                    throw new IllegalArgumentException("--wwid " + wwid + " but the iSCSI unit reports " + reported + " (VPD 83h)");
                }
                wwid = reported;
                paths.addAll(opened.paths());
            }
        }
        if ((!nbd.isEmpty() || !memory.isEmpty()) && (wwid == null || wwid.isBlank())) {
            throw new IllegalArgumentException("--wwid is required: NBD and memory paths carry no unit identity, so say which unit they lead to");
        }
        for (String m : memory) {
            paths.add(memoryPath(m, wwid));
        }
        DeviceConfig config = DeviceConfig.defaults()
                .withGrouping(GroupingPolicies.byKeyword(grouping))
                .withSelector(() -> PathSelectors.parse(selector, 1, false))
                .withPrioritizer(Prioritizers.parse(prio, prioArgs))
                .withFailback(FailbackPolicy.parse(failback))
                .withNoPathRetry(NoPathRetry.parse(noPathRetry))
                .withPollingInterval(Duration.ofSeconds(positive(pollingSeconds, "--polling-interval")));
        NbdClientOptions options = NbdClientOptions.DEFAULT
                .withRequestTimeout(Duration.ofSeconds(positive(requestTimeoutSeconds, "--request-timeout")))
                .withFencingDelay(Duration.ofSeconds(Math.max(0, fencingSeconds)));
        if (!nbd.isEmpty()) {
            NbdPaths.Result opened = NbdMultiConn.connect(nbd, connections, wwid, options);
            opened.warnings().forEach(w -> out.println("warning: " + w));
            paths.addAll(opened.paths());
        }
        if (paths.isEmpty()) {
            out.println("error: none of the " + uris.size() + " paths could be opened");
            return 2;
        }
        Duration poll = Duration.ofSeconds(pollingSeconds);
        Engine engine = Engine.system(new MonitorConfig(poll, poll.multipliedBy(4), Duration.ofSeconds(Math.min(30, requestTimeoutSeconds))));
        try (MultipathDevice device = new MultipathDevice(name, config, engine, paths);
             NbdServer server = where == null ? null : NbdServer.builder()
                     .listen(where.address())
                     .export(new NbdExport(where.export(), "mpath4j multipath device " + name + " (" + wwid + ")", device, false))
                     .defaultExport(where.export())
                     .start();
             FuseExport fuse = fuseMountPoint == null ? null : mountFuse(device)) {
            device.addListener(e -> {
                out.println("event: " + e);
                out.print(TopologyListing.format(device.topology(), vendorProduct(paths)));
            });
            out.print(TopologyListing.format(device.topology(), vendorProduct(paths)));
            DeviceRegistry registry = new DeviceRegistry();
            registry.add(device, vendorProduct(paths));
            ManagementServer management = socket == null ? null
                    : ManagementServer.start(socket, registry, new ManagementHandler(registry, Duration.ofSeconds(10)));
            if (management != null) {
                out.println("management socket " + management.socketPath());
            }
            MetricsExporter exporter = null;
            if (metrics != null) {
                exporter = new MetricsExporter(registry);
                exporter.observe(device);
                InetSocketAddress m = exporter.serve(hostPort(metrics, "--metrics"));
                out.println("metrics at http://" + m.getHostString() + ":" + m.getPort() + "/metrics");
            }
            if (server != null) {
                InetSocketAddress bound = server.localAddress();
                out.println("serving " + name + " at nbd://" + bound.getHostString() + ":" + bound.getPort() + "/" + where.export()
                        + " (Ctrl-C to stop)");
            }
            if (fuse != null) {
                out.println("serving " + name + " as the file " + fuse.file(name) + " (Ctrl-C to stop)");
            }
            // On SIGINT/SIGTERM the JVM runs this hook and halts when it returns, so the hook waits
            // (bounded) for this thread to close the export and the paths first.
            Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await(15, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "mpath-serve-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
            stopRequested = true;
            out.println("stopping: closing the export, then the paths");
            if (management != null) {
                management.close();
            }
            if (exporter != null) {
                exporter.close();
            }
        } finally {
            // Printed before releasing the shutdown hook: once the hook returns, the JVM halts
            // and a line printed after that point may never appear.
            if (stopRequested) {
                out.println("stopped");
                out.flush();
            }
            stopped.countDown();
        }
        return 0;
    }

    /** Mounts the FUSE export (detaching a stale mount a crashed run left there) with the device as its one file. */
    private FuseExport mountFuse(MultipathDevice device) throws java.io.IOException {
        FuseExport fuse = FuseExport.mount(fuseMountPoint, FuseOptions.DEFAULTS.withMaxThreads(positive(fuseThreads, "--fuse-threads")));
        fuse.add(name, device);
        return fuse;
    }

    private static String vendorProduct(List<Path> paths) {
        PathIdentity id = paths.getFirst().identity();
        return id.vendor() + "," + id.product();
    }

    /**
     * {@code memory:SIZE} (e.g. {@code memory:64M}): an in-memory disk path, for trying the export
     * and for benchmarks against {@code nbdkit memory}. Several such URIs are separate disks, so
     * use one.
     */
    private static Path memoryPath(String uri, String wwid) {
        String size = uri.substring("memory:".length()).trim().toUpperCase(java.util.Locale.ROOT);
        long factor = switch (size.isEmpty() ? ' ' : size.charAt(size.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        long bytes;
        try {
            bytes = Long.parseLong(factor == 1 ? size : size.substring(0, size.length() - 1)) * factor;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + uri + "': size must be a number with an optional K, M or G suffix, e.g. memory:64M");
        }
        if (bytes <= 0 || bytes > Integer.MAX_VALUE || bytes % 512 != 0) {
            throw new IllegalArgumentException("'" + uri + "': size must be a positive multiple of 512 bytes, at most 2G - 512");
        }
        return new MemoryPath(new PathIdentity(uri, wwid, "MPATH4J", "MEMORY", "1", "", -1, "memory"),
                new SimulatedMedium(bytes, 512));
    }

    private static NbdUri parseUri(String uri) {
        if (!uri.startsWith("nbd://")) {
            throw new IllegalArgumentException("unsupported path URI '" + uri + "': use nbd://host[:port]/export,"
                    + " iscsi://host[:port]/target-iqn/lun or memory:SIZE");
        }
        return NbdUri.parse(uri);
    }

    private static int positive(int value, String option) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
        return value;
    }

    /** {@code ADDR:PORT[/EXPORT]}, with {@code [v6]:PORT} for IPv6. */
    record Listen(InetSocketAddress address, String export) {
        static Listen parse(String spec, String defaultExport) {
            int slash = spec.indexOf('/');
            String hostPort = slash >= 0 ? spec.substring(0, slash) : spec;
            String export = slash >= 0 ? spec.substring(slash + 1) : defaultExport;
            return new Listen(hostPort(hostPort, "--nbd", spec, "ADDR:PORT[/EXPORT], e.g. 127.0.0.1:10809/disk"), export);
        }
    }

    static InetSocketAddress hostPort(String spec, String option) {
        return hostPort(spec, option, spec, "ADDR:PORT, e.g. 127.0.0.1:9469");
    }

    /** {@code ADDR:PORT}, with {@code [v6]:PORT} for IPv6; errors quote the option and its whole value. */
    private static InetSocketAddress hostPort(String hostPort, String option, String spec, String form) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException(option + " '" + spec + "' must be " + form);
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + spec + "': port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " '" + spec + "': port out of range");
        }
        return new InetSocketAddress(host, port);
    }
}
