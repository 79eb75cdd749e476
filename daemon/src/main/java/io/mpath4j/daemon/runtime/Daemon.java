package io.mpath4j.daemon.runtime;

import io.mpath4j.fuse.FuseExport;
import io.mpath4j.fuse.FuseOptions;
import io.mpath4j.nbd.client.NbdUri;
import io.mpath4j.nbd.client.NbdPaths;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.iscsi.IscsiPaths;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.daemon.config.Bindings;
import io.mpath4j.daemon.config.ConfigPrinter;
import io.mpath4j.daemon.config.ConfigResolver;
import io.mpath4j.daemon.config.HostPort;
import io.mpath4j.daemon.config.Layer;
import io.mpath4j.daemon.config.MapNaming;
import io.mpath4j.daemon.config.MpathConfig;
import io.mpath4j.daemon.config.NbdListener;
import io.mpath4j.daemon.config.Setting;
import io.mpath4j.daemon.config.SettingException;
import io.mpath4j.daemon.control.DaemonHooks;
import io.mpath4j.daemon.control.DeviceRegistry;
import io.mpath4j.daemon.control.ManagementHandler;
import io.mpath4j.daemon.control.ManagementReply;
import io.mpath4j.daemon.control.ManagementServer;
import io.mpath4j.daemon.metrics.MetricsExporter;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.nbd.client.NbdClientOptions;
import io.mpath4j.nbd.server.NbdExport;
import io.mpath4j.nbd.server.NbdServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * {@code mpath daemon}: everything one configuration file describes, running. Start reads the
 * file (refused whole on any error), discovers the paths, assembles the multipathed units, exports
 * each over NBD under its map name, answers on the management socket and serves metrics if asked.
 * {@link #reconfigure()} applies a changed file to the live devices; {@link #close()} stops in a
 * bounded time.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger("io.mpath4j.daemon");
    /** How long one device may take to apply a change or to close before the daemon moves on. */
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(10);

    private final ConfigFile file;
    private final List<LiveUnit> units;
    private final DeviceRegistry registry = new DeviceRegistry();
    private ConfigResolver resolver;
    private NbdServer nbd;
    private ManagementServer management;
    private MetricsExporter metrics;
    private FuseExport fuse;
    private InetSocketAddress metricsAddress;
    private boolean closed;
    /** Transport settings of the paths opened at start, for paths added later (add path). */
    private IscsiOptions iscsiOptions = IscsiOptions.defaults();
    private NbdClientOptions nbdOptions = NbdClientOptions.DEFAULT;
    /** The configured portals: an added iSCSI path through one of them logs in with its CHAP settings. */
    private List<io.mpath4j.daemon.config.IscsiPortal> portals = List.of();

    private Daemon(ConfigFile file, ConfigResolver resolver, List<LiveUnit> units) {
        this.file = file;
        this.resolver = resolver;
        this.units = List.copyOf(units);
    }

    /**
     * Starts everything; on a failure after devices were built, closes what was started.
     *
     * @throws ConfigFile.Rejected if the file has errors (nothing was started)
     */
    public static Daemon start(ConfigFile file, Path socket) throws ConfigFile.Rejected, IOException {
        MpathConfig config = file.load();
        ConfigResolver resolver = new ConfigResolver(config);
        Engine engine = Engine.system(resolver.monitorConfig());
        Bindings bindings = Bindings.load(bindingsFile(resolver));
        bindings.problems().forEach(p -> LOG.warning(p.toString()));
        PathDiscovery.Found found = new PathDiscovery(iscsiOptions(config, resolver), nbdOptions(resolver)).discover(config);
        found.notes().forEach(n -> LOG.warning(n));
        List<LiveUnit> units = new UnitAssembler(resolver, new MapNaming(resolver, bindings), engine,
                config.nbdListeners().stream().anyMatch(NbdListener::singlePaths)).assemble(found.byWwid());
        Daemon d = new Daemon(file, resolver, units);
        d.iscsiOptions = iscsiOptions(config, resolver);
        d.nbdOptions = nbdOptions(resolver);
        d.portals = List.copyOf(config.portals());
        try {
            d.serve(config, socket);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void serve(MpathConfig config, Path socket) throws IOException {
        for (LiveUnit u : units) {
            registry.add(u.device(), u.vendorProduct());
        }
        if (config.nbdListeners().isEmpty()) {
            LOG.warning("no export { nbd { listen … } } configured: the devices are not exported");
        } else if (units.isEmpty()) {
            LOG.warning("no multipathed unit: nothing to export");
        } else {
            NbdServer.Builder b = NbdServer.builder();
            for (NbdListener l : config.nbdListeners()) {
                b.listen(address(l.listen()));
            }
            for (LiveUnit u : units) {
                b.export(new NbdExport(u.name(), "mpath4j multipath device " + u.name() + " (" + u.wwid() + ")", u.device(), false));
            }
            b.defaultExport(units.getFirst().name());
            nbd = b.start();
            for (InetSocketAddress a : nbd.localAddresses()) {
                LOG.info("exporting " + String.join(", ", units.stream().map(LiveUnit::name).toList()) + " at nbd://"
                        + a.getHostString() + ":" + a.getPort() + "/");
            }
        }
        management = ManagementServer.start(socket, registry, new ManagementHandler(registry, CHANGE_TIMEOUT, new DaemonHooks() {
            @Override
            public ManagementReply reconfigure() {
                return Daemon.this.reconfigure();
            }

            @Override
            public ManagementReply showConfig() {
                return Daemon.this.showConfig();
            }

            @Override
            public ManagementReply addPath(String uri, String map) {
                return Daemon.this.addPath(uri, map);
            }
        }));
        LOG.info("management socket " + management.socketPath());
        if (config.fuseMountpoint().isPresent()) {
            fuse = FuseExport.mount(config.fuseMountpoint().get(), FuseOptions.DEFAULTS);
            for (LiveUnit u : units) {
                fuse.add(u.name(), u.device());
            }
            LOG.info("files " + String.join(", ", units.stream().map(u -> fuse.file(u.name()).toString()).toList()));
        }
        if (config.metricsListen().isPresent()) {
            metrics = new MetricsExporter(registry);
            units.forEach(u -> metrics.observe(u.device()));
            metricsAddress = metrics.serve(address(config.metricsListen().get()));
            LOG.info("metrics at http://" + metricsAddress.getHostString() + ":" + metricsAddress.getPort() + "/metrics");
        }
    }

    /**
     * {@code add path URI [map M]}: opens the path and adds it to the device of its unit, as
     * multipathd's {@code add path} joins a new sd device to its map by WWID. iSCSI paths bring
     * their WWID (VPD 83h); NBD paths have none, so the map names the unit. A path of a unit no
     * device serves is closed again: new units need a restart (or reconfigure, later).
     */
    public synchronized ManagementReply addPath(String uri, String map) {
        if (closed) {
            return ManagementReply.error("add path: the daemon is stopping");
        }
        DeviceRegistry.Entry wanted;
        try {
            wanted = map == null ? null : registry.map(map);
        } catch (IllegalArgumentException e) {
            return ManagementReply.error("add path: " + e.getMessage());
        }
        List<? extends io.mpath4j.core.path.Path> opened;
        List<String> warnings;
        try {
            if (uri.regionMatches(true, 0, "iscsi://", 0, 8)) {
                IscsiUri u = withPortalChap(IscsiUri.parse(uri));
                if (u.isDiscovery()) {
                    return ManagementReply.error("add path: '" + uri + "' names no target and LUN");
                }
                // Before logging in: a second login with the path's ISID would reinstate, i.e. end, the live session.
                String served = mapServing(u.name());
                if (served != null) {
                    return ManagementReply.error("add path: map " + served + " already has path " + u.name());
                }
                IscsiPaths.Result r = IscsiPaths.connect(List.of(u), iscsiOptions);
                opened = r.byWwid().values().stream().flatMap(List::stream).toList();
                warnings = r.warnings();
            } else if (uri.regionMatches(true, 0, "nbd://", 0, 6)) {
                if (wanted == null) {
                    return ManagementReply.error("add path: NBD paths carry no unit identity; say which map: add path " + uri + " map MAP");
                }
                NbdUri u = NbdUri.parse(uri);
                String served = mapServing(u.toString());
                if (served != null) {
                    return ManagementReply.error("add path: map " + served + " already has path " + u);
                }
                NbdPaths.Result r = NbdPaths.connect(List.of(u), wanted.device().wwid(), nbdOptions);
                opened = r.paths();
                warnings = r.warnings();
            } else {
                return ManagementReply.error("add path: '" + uri + "' is neither an iscsi:// nor an nbd:// URI");
            }
        } catch (IllegalArgumentException | IOException e) {
            return ManagementReply.error("add path: " + e.getMessage());
        }
        if (opened.isEmpty()) {
            return ManagementReply.error("add path: could not open " + uri + (warnings.isEmpty() ? "" : ": " + String.join("; ", warnings)));
        }
        io.mpath4j.core.path.Path path = opened.getFirst();
        String wwid = path.identity().wwid();
        DeviceRegistry.Entry target = wanted != null ? wanted
                : registry.all().stream().filter(e -> e.device().wwid().equals(wwid)).findFirst().orElse(null);
        String refusal = target == null ? "unit " + wwid + " is not served by any map (a new unit needs a restart)"
                : !target.device().wwid().equals(wwid) ? "the path leads to unit " + wwid + ", map " + target.device().name()
                        + " is unit " + target.device().wwid()
                : target.device().topology().paths().stream().anyMatch(p -> p.name().equals(path.identity().name()))
                        ? "map " + target.device().name() + " already has path " + path.identity().name() : null;
        if (refusal != null) {
            opened.forEach(io.mpath4j.core.path.Path::close);
            return ManagementReply.error("add path: " + refusal);
        }
        try {
            target.device().addPath(path).get(CHANGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            path.close();
            return ManagementReply.error("add path: " + e.getCause().getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            return ManagementReply.error("add path: not done after " + CHANGE_TIMEOUT.toSeconds() + " s; it will still be applied");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ManagementReply.error("add path: interrupted");
        }
        LOG.info(target.device().name() + ": path " + path.identity().name() + " added by administrator");
        return ManagementReply.ok("ok\n", java.util.Map.of("map", target.device().name(), "path", path.identity().name()));
    }

    /** The map holding a path of this name, or null. */
    private String mapServing(String pathName) {
        return registry.all().stream()
                .filter(e -> e.device().topology().paths().stream().anyMatch(p -> p.name().equals(pathName)))
                .map(e -> e.device().name()).findFirst().orElse(null);
    }

    /** A URI without credentials through a configured portal gets that portal's CHAP user and secret. */
    private IscsiUri withPortalChap(IscsiUri u) throws IOException {
        if (!u.user().isEmpty()) {
            return u;
        }
        for (io.mpath4j.daemon.config.IscsiPortal p : portals) {
            if (p.address().host().equals(u.host()) && p.address().port() == u.port()) {
                IscsiUri chap = PathDiscovery.discoveryUri(p);
                return new IscsiUri(chap.user(), chap.password(), u.host(), u.port(), u.target(), u.lun(), u.headerDigest(), u.dataDigest());
            }
        }
        return u;
    }

    public List<String> mapNames() {
        return units.stream().map(LiveUnit::name).toList();
    }

    public Path socketPath() {
        return management.socketPath();
    }

    /**
     * Re-reads the file and applies changed settings to the live devices (each through its control
     * thread: in-flight I/O completes, none is lost). A file with errors, or a value a device
     * refuses, changes nothing and is answered with the reason and its file:line.
     */
    public synchronized ManagementReply reconfigure() {
        if (closed) {
            return ManagementReply.error("reconfigure: the daemon is stopping");
        }
        MpathConfig next;
        try {
            next = file.load();
        } catch (ConfigFile.Rejected e) {
            LOG.warning("reconfigure refused, the running configuration stays: " + e.getMessage());
            return ManagementReply.error("reconfigure refused, the running configuration stays: " + e.getMessage());
        }
        ConfigResolver after = new ConfigResolver(next);
        Reconfiguration plan;
        try {
            plan = Reconfiguration.plan(units, resolver, after);
        } catch (SettingException e) {
            String msg = "reconfigure refused, the running configuration stays: " + e.setting().at() + ": " + e.getMessage();
            LOG.warning(msg);
            return ManagementReply.error(msg);
        }
        StringBuilder text = new StringBuilder();
        Map<String, Object> changed = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (Reconfiguration.DeviceChange c : plan.changes()) {
            String name = c.unit().name();
            try {
                c.unit().device().reconfigure(c.config()).get(CHANGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                for (String s : c.settings()) {
                    LOG.info(name + ": reconfigured: " + s);
                    text.append(name).append(": ").append(s).append('\n');
                }
                changed.put(name, c.settings());
            } catch (Exception e) {
                failed.add(name + ": " + e);
                LOG.warning(name + ": reconfigure failed: " + e);
            }
        }
        resolver = after;
        if (plan.changes().isEmpty()) {
            text.append("no device setting changed\n");
        }
        for (String r : plan.needRestart()) {
            LOG.warning("reconfigure: changed, applied at the next start: " + r);
            text.append("applied at the next start: ").append(r).append('\n');
        }
        if (!failed.isEmpty()) {
            return ManagementReply.error("reconfigure: " + String.join("; ", failed));
        }
        LOG.info("reconfigured from " + file.path() + ": " + changed.size() + " device(s) changed");
        return ManagementReply.ok(text.toString(), Map.of("changed", changed, "restart_needed", plan.needRestart()));
    }

    /** The configuration the devices run with (the file as last loaded), in multipath.conf syntax. */
    public synchronized ManagementReply showConfig() {
        String text = "# effective configuration of " + file.path() + " (running)\n" + ConfigPrinter.print(resolver);
        return ManagementReply.ok(text, Map.of("file", file.path().toString(), "text", text));
    }

    /**
     * Stops in a bounded time: I/O queued for lack of a usable path is failed (it has nowhere to
     * drain to, and with no_path_retry queue it would hold the export open for ever), the NBD
     * export stops and waits for in-flight I/O, the devices close their paths (iSCSI logout), and
     * the management socket is removed last so {@code mpath} answers until the end. Blocks (each
     * step bounded): call it from a thread of its own, never from the common pool, which runs the
     * devices' control threads this waits for.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("stopping: failing I/O queued without a usable path, closing the export, the devices and their sessions");
        for (LiveUnit u : units) {
            await(u.name() + ": disablequeueing", u.device().disableQueueing());
        }
        if (fuse != null) {
            // First, so that no program holds a file whose device is about to close.
            fuse.close();
        }
        if (nbd != null) {
            Thread t = Thread.ofPlatform().name("mpath-daemon-close-export").start(nbd::close);
            try {
                if (!t.join(CHANGE_TIMEOUT)) {
                    LOG.warning("the NBD export did not close in " + CHANGE_TIMEOUT.toSeconds() + " s; going on");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (LiveUnit u : units) {
            MultipathDevice d = u.device();
            d.close();
            // Paths close on the device's control thread: wait, so sessions are logged out before exit.
            await(u.name() + ": close", d.whenClosed());
        }
        if (metrics != null) {
            metrics.close();
        }
        if (management != null) {
            management.close();
        }
        LOG.info("stopped");
    }

    private static void await(String what, CompletableFuture<Void> f) {
        try {
            f.get(CHANGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warning(what + ": " + e);
        }
    }

    private static InetSocketAddress address(HostPort hp) {
        return new InetSocketAddress(hp.host(), hp.port());
    }

    /**
     * {@code bindings_file} if the file sets it; else, under systemd (StateDirectory=mpath4j sets
     * $STATE_DIRECTORY), {@code $STATE_DIRECTORY/bindings}; else the built-in default.
     */
    static Path bindingsFile(ConfigResolver resolver) {
        Setting s = resolver.base().get("bindings_file").orElseThrow();
        String state = System.getenv("STATE_DIRECTORY");
        if (s.layer() == Layer.BUILTIN_DEFAULTS && state != null && !state.isBlank()) {
            return Path.of(state.split(":")[0], "bindings");
        }
        return Path.of(s.value());
    }

    /**
     * The SCSI command timeout is multipath-tools' checker_timeout ("the timeout to use for path
     * checkers and the SCSI layer"), so an unanswered command counts as lost after it.
     */
    static IscsiOptions iscsiOptions(MpathConfig config, ConfigResolver resolver) {
        IscsiOptions o = IscsiOptions.defaults();
        o = o.withTimeouts(o.connectTimeout(), o.loginTimeout(), resolver.monitorConfig().checkerTimeout());
        return config.initiatorName().map(o::withInitiatorName).orElse(o);
    }

    static NbdClientOptions nbdOptions(ConfigResolver resolver) {
        return NbdClientOptions.DEFAULT.withRequestTimeout(resolver.monitorConfig().checkerTimeout());
    }
}
