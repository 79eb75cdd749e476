package io.mpath4j.daemon.metrics;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.device.DeviceCounters;
import io.mpath4j.core.device.IoObserver;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.PathView;
import io.mpath4j.core.device.Topology;
import io.mpath4j.core.select.PathStats;
import io.mpath4j.daemon.control.DeviceRegistry;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * Prometheus metrics of every registered device and path, served on a local HTTP port
 * ({@code /metrics}). Counters and gauges are read from the engine's own atomics when Prometheus
 * scrapes (nothing extra on the I/O path); only the latency histogram is fed per I/O, through the
 * device's {@link IoObserver}, and the histogram itself is the Prometheus client's.
 *
 * <p>Names follow Prometheus conventions: {@code mpath_path_*} with labels device and path,
 * {@code mpath_device_*} with label device; totals end in {@code _total}, durations are in
 * seconds.
 */
public final class MetricsExporter implements AutoCloseable {

    /** Storage latencies from 50 µs to ~13 s: 19 exponential buckets ×2. */
    private static final double[] LATENCY_BUCKETS = exponential(50e-6, 2, 19);

    private final DeviceRegistry devices;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram latency;
    /** Histogram data point per path, found by identity so the I/O path does no label lookup. */
    private final Map<PathStats, DistributionDataPoint> points = new ConcurrentHashMap<>();
    private HTTPServer http;

    public MetricsExporter(DeviceRegistry devices) {
        this.devices = devices;
        latency = Histogram.builder().name("mpath_path_io_duration_seconds")
                .help("Service time of I/O on a path, from hand-off to the transport to completion")
                .labelNames("device", "path").classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
        pathCounter("mpath_path_io", "I/O completed on the path (any outcome)", PathStats::completed);
        pathCounter("mpath_path_errors", "I/O that failed on the path for a path reason (redriven elsewhere)", PathStats::errors);
        pathCounter("mpath_path_bytes", "Bytes transferred by successful I/O on the path", PathStats::bytesDone);
        GaugeWithCallback.builder().name("mpath_path_in_flight").help("I/O outstanding on the path")
                .labelNames("device", "path").callback(cb -> eachPath((d, p, s) -> cb.call(s.inFlight(), d, p.name())))
                .register(registry);
        GaugeWithCallback.builder().name("mpath_path_up")
                .help("1 when I/O may be routed to the path (not failed, access state accepts I/O), else 0")
                .labelNames("device", "path").callback(cb -> eachPath((d, p, s) -> cb.call(p.usable() ? 1 : 0, d, p.name())))
                .register(registry);
        deviceCounter("mpath_device_io", "I/O submitted to the device", DeviceCounters::submitted);
        deviceCounter("mpath_device_io_failed", "I/O completed with an error to the application", DeviceCounters::completedFailed);
        deviceCounter("mpath_device_redrives", "I/O sent again on another path after a path error", DeviceCounters::redrives);
        deviceCounter("mpath_device_retries", "I/O retried after a retry-later answer", DeviceCounters::retries);
        deviceCounter("mpath_device_failovers", "Switches away from a failed active path group", DeviceCounters::failovers);
        deviceCounter("mpath_device_group_switches", "Active path group changes of any cause", DeviceCounters::groupSwitches);
        deviceCounter("mpath_device_queued", "I/O queued for lack of a usable path", DeviceCounters::queuedTotal);
        GaugeWithCallback.builder().name("mpath_device_in_flight").help("I/O submitted and not yet completed to the application")
                .labelNames("device").callback(cb -> {
                    for (DeviceRegistry.Entry e : devices.all()) {
                        DeviceCounters c = e.device().counters();
                        cb.call(Math.max(0, c.submitted() - c.completedOk() - c.completedFailed()), e.device().name());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("mpath_device_usable_paths").help("Paths I/O can be routed to right now")
                .labelNames("device").callback(cb -> {
                    for (DeviceRegistry.Entry e : devices.all()) {
                        cb.call(e.device().topology().usablePathCount(), e.device().name());
                    }
                }).register(registry);
    }

    /** Starts feeding the latency histogram from this device's completions. */
    public void observe(MultipathDevice device) {
        String name = device.name();
        device.setIoObserver(new IoObserver() {
            @Override
            public void onPathCompletion(PathStats path, IoRequest request, long serviceNanos, boolean pathFault) {
                DistributionDataPoint p = points.get(path);
                if (p == null) {
                    p = points.computeIfAbsent(path, s -> latency.labelValues(name, s.pathName()));
                }
                p.observe(serviceNanos / 1e9);
            }
        });
    }

    /** Serves {@code /metrics} on this address (use a loopback address: the metrics are not authenticated). */
    public InetSocketAddress serve(InetSocketAddress address) throws IOException {
        http = HTTPServer.builder().inetAddress(address.getAddress()).port(address.getPort()).registry(registry).buildAndStart();
        return new InetSocketAddress(address.getAddress(), http.getPort());
    }

    PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        for (DeviceRegistry.Entry e : devices.all()) {
            e.device().setIoObserver(IoObserver.NONE);
        }
    }

    private interface PathVisitor {
        void visit(String device, PathView view, PathStats stats);
    }

    /** Each path of each device with its live statistics (matched by name: views and stats come from one snapshot). */
    private void eachPath(PathVisitor visitor) {
        for (DeviceRegistry.Entry e : devices.all()) {
            Topology t = e.device().topology();
            Map<String, PathStats> stats = new java.util.HashMap<>();
            for (PathStats s : t.pathStats()) {
                stats.put(s.pathName(), s);
            }
            for (PathView v : t.paths()) {
                PathStats s = stats.get(v.name());
                if (s != null) {
                    visitor.visit(t.name(), v, s);
                }
            }
        }
    }

    private void pathCounter(String name, String help, ToLongFunction<PathStats> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("device", "path")
                .callback(cb -> eachPath((d, p, s) -> cb.call(value.applyAsLong(s), d, p.name()))).register(registry);
    }

    private void deviceCounter(String name, String help, ToLongFunction<DeviceCounters> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("device")
                .callback(cb -> {
                    for (DeviceRegistry.Entry e : devices.all()) {
                        cb.call(value.applyAsLong(e.device().counters()), e.device().name());
                    }
                }).register(registry);
    }

    private static double[] exponential(double start, double factor, int count) {
        double[] b = new double[count];
        for (int i = 0; i < count; i++) {
            b[i] = start * Math.pow(factor, i);
        }
        return b;
    }
}
