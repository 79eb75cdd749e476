package io.mpath4j.daemon.control;

import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.PathView;
import io.mpath4j.core.device.Topology;
import io.mpath4j.core.device.TopologyListing;
import io.mpath4j.core.select.PathSelectors;
import io.mpath4j.daemon.control.ManagementRequest.DelPath;
import io.mpath4j.daemon.control.ManagementRequest.DisableQueueing;
import io.mpath4j.daemon.control.ManagementRequest.Events;
import io.mpath4j.daemon.control.ManagementRequest.FailPath;
import io.mpath4j.daemon.control.ManagementRequest.Reconfigure;
import io.mpath4j.daemon.control.ManagementRequest.ReinstatePath;
import io.mpath4j.daemon.control.ManagementRequest.ResizeMap;
import io.mpath4j.daemon.control.ManagementRequest.RestoreQueueing;
import io.mpath4j.daemon.control.ManagementRequest.SetSelector;
import io.mpath4j.daemon.control.ManagementRequest.ShowConfig;
import io.mpath4j.daemon.control.ManagementRequest.ShowMaps;
import io.mpath4j.daemon.control.ManagementRequest.ShowPaths;
import io.mpath4j.daemon.control.ManagementRequest.ShowStatus;
import io.mpath4j.daemon.control.ManagementRequest.ShowTopology;
import io.mpath4j.daemon.control.ManagementRequest.SwitchGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Answers management requests against a {@link DeviceRegistry}. Reads ({@code show …}) use the
 * devices' immutable topology snapshots and never wait behind checkers or reconfiguration;
 * changes go through each device's control thread and are waited for (bounded), so that "ok"
 * means done.
 */
public final class ManagementHandler {

    private final DeviceRegistry registry;
    private final Duration changeTimeout;
    private final DaemonHooks hooks;

    /** For a process without a configuration file ({@code mpath serve}): {@code reconfigure} and {@code show config} are refused. */
    public ManagementHandler(DeviceRegistry registry, Duration changeTimeout) {
        this(registry, changeTimeout, DaemonHooks.NONE);
    }

    /** @param hooks the daemon's answers to {@code reconfigure} and {@code show config} */
    public ManagementHandler(DeviceRegistry registry, Duration changeTimeout, DaemonHooks hooks) {
        this.registry = registry;
        this.changeTimeout = changeTimeout;
        this.hooks = hooks;
    }

    public ManagementReply handle(ManagementRequest request) {
        try {
            return switch (request) {
                case ShowTopology(String map) -> showTopology(map);
                case ShowMaps() -> showMaps();
                case ShowPaths() -> showPaths();
                case ShowStatus() -> showStatus();
                case FailPath(String path) -> change("fail path " + path, registry.deviceOfPath(path), d -> d.failPath(path));
                case ReinstatePath(String path) -> change("reinstate path " + path, registry.deviceOfPath(path), d -> d.reinstatePath(path));
                case DelPath(String path) -> change("del path " + path, registry.deviceOfPath(path), d -> d.removePath(path));
                case SwitchGroup(String map, int group) -> switchGroup(map, group);
                case DisableQueueing(String map) -> forMaps("disablequeueing", map, MultipathDevice::disableQueueing);
                case RestoreQueueing(String map) -> forMaps("restorequeueing", map, MultipathDevice::restoreQueueing);
                case SetSelector(String map, String selector) -> setSelector(map, selector);
                case ResizeMap(String map) -> change("resize map " + map, registry.map(map), MultipathDevice::resize);
                case Reconfigure() -> hooks.reconfigure();
                case ManagementRequest.AddPath(String uri, String map) -> hooks.addPath(uri, map);
                case ShowConfig() -> hooks.showConfig();
                case Events() -> ManagementReply.error("'events' is a stream; the socket server answers it");
            };
        } catch (IllegalArgumentException e) {
            return ManagementReply.error(e.getMessage());
        }
    }

    private ManagementReply showTopology(String map) {
        List<DeviceRegistry.Entry> entries = map == null ? registry.all() : List.of(registry.map(map));
        StringBuilder text = new StringBuilder();
        List<Object> data = new ArrayList<>();
        for (DeviceRegistry.Entry e : entries) {
            Topology t = e.device().topology();
            text.append(TopologyListing.format(t, e.vendorProduct()));
            data.add(TopologyJson.map(t, e.vendorProduct()));
        }
        return ManagementReply.ok(text.toString(), Map.of("maps", data));
    }

    private ManagementReply showMaps() {
        StringBuilder text = new StringBuilder(String.format("%-16s %-40s %-8s %-6s %s%n", "name", "wwid", "paths", "usable", "queue"));
        List<Object> data = new ArrayList<>();
        for (DeviceRegistry.Entry e : registry.all()) {
            Topology t = e.device().topology();
            text.append(String.format("%-16s %-40s %-8d %-6d %s%n", t.name(), t.wwid(), t.paths().size(), t.usablePathCount(), t.queueMode()));
            Map<String, Object> m = TopologyJson.map(t, e.vendorProduct());
            m.remove("groups");
            data.add(m);
        }
        return ManagementReply.ok(text.toString(), Map.of("maps", data));
    }

    private ManagementReply showPaths() {
        StringBuilder text = new StringBuilder(String.format("%-16s %-8s %-8s %-24s %-5s %s%n", "map", "dm_st", "chk_st", "access", "prio", "path"));
        List<Object> data = new ArrayList<>();
        for (DeviceRegistry.Entry e : registry.all()) {
            Topology t = e.device().topology();
            for (PathView p : t.paths()) {
                text.append(String.format("%-16s %-8s %-8s %-24s %-5d %s%n", t.name(), p.dmState(), p.checker(), p.access(), p.priority(), p.name()));
                Map<String, Object> m = TopologyJson.path(p);
                m.put("map", t.name());
                data.add(m);
            }
        }
        return ManagementReply.ok(text.toString(), Map.of("paths", data));
    }

    private ManagementReply showStatus() {
        StringBuilder text = new StringBuilder(String.format("%-16s %12s %12s %10s %10s %10s %10s%n",
                "map", "submitted", "failed", "redrives", "retries", "failovers", "switches"));
        List<Object> data = new ArrayList<>();
        for (DeviceRegistry.Entry e : registry.all()) {
            var c = e.device().counters();
            text.append(String.format("%-16s %12d %12d %10d %10d %10d %10d%n", e.device().name(), c.submitted(), c.completedFailed(),
                    c.redrives(), c.retries(), c.failovers(), c.groupSwitches()));
            data.add(TopologyJson.counters(e.device().name(), c));
        }
        return ManagementReply.ok(text.toString(), Map.of("maps", data));
    }

    private ManagementReply switchGroup(String map, int group) {
        DeviceRegistry.Entry e = registry.map(map);
        int groups = e.device().topology().groups().size();
        if (group > groups) {
            throw new IllegalArgumentException("map " + map + " has " + groups + " path group" + (groups == 1 ? "" : "s") + ", no group " + group);
        }
        return change("switchgroup map " + map + " group " + group, e, d -> d.switchGroup(group));
    }

    private ManagementReply setSelector(String map, String selector) {
        PathSelectors.parse(selector, 1, false); // reject a typo here, with the parser's message, before touching the device
        return change("set selector map " + map, registry.map(map), d -> d.setSelector(() -> PathSelectors.parse(selector, 1, false)));
    }

    private ManagementReply forMaps(String verb, String map, Function<MultipathDevice, CompletableFuture<Void>> action) {
        List<DeviceRegistry.Entry> entries = map == null ? registry.all() : List.of(registry.map(map));
        for (DeviceRegistry.Entry e : entries) {
            await(verb, action.apply(e.device()));
        }
        return ManagementReply.ok("ok\n", Map.of("maps", entries.stream().map(e -> e.device().name()).toList()));
    }

    private ManagementReply change(String what, DeviceRegistry.Entry entry, Function<MultipathDevice, CompletableFuture<Void>> action) {
        await(what, action.apply(entry.device()));
        return ManagementReply.ok("ok\n", Map.of("map", entry.device().name()));
    }

    private void await(String what, CompletableFuture<Void> done) {
        try {
            done.get(changeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException(what + ": " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
        } catch (TimeoutException e) {
            throw new IllegalArgumentException(what + ": not done after " + changeTimeout.toMillis() + " ms (the device's control thread is busy); it will still be applied");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException(what + ": interrupted");
        }
    }
}
