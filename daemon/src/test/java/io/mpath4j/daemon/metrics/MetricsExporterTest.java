package io.mpath4j.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scrapes /metrics over real HTTP after real I/O through a device on simulated paths. */
class MetricsExporterTest {

    private MultipathDevice device;
    private MetricsExporter exporter;
    private String url;

    @BeforeEach
    void start() throws Exception {
        SimulatedMedium medium = new SimulatedMedium(4 << 20, 512);
        List<SimulatedPath> paths = new ArrayList<>();
        for (String name : List.of("sim:m1", "sim:m2")) {
            paths.add(new SimulatedPath(PathIdentity.of(name, "36001405metrics"), medium, SystemTimeSource.instance()));
        }
        device = new MultipathDevice("mpathm", DeviceConfig.defaults().withGrouping(GroupingPolicies.byKeyword("multibus")),
                Engine.system(MonitorConfig.DEFAULT), paths);
        DeviceRegistry registry = new DeviceRegistry();
        registry.add(device, "MPATH4J,SIM");
        exporter = new MetricsExporter(registry);
        exporter.observe(device);
        InetSocketAddress bound = exporter.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        url = "http://127.0.0.1:" + bound.getPort() + "/metrics";
    }

    @AfterEach
    void stop() {
        exporter.close();
        device.close();
    }

    private String scrape() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        }
    }

    private static double value(String body, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(body);
        assertThat(m.find()).as("series %s in\n%s", series, body).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void countersAndHistogramFollowTheIo() throws Exception {
        int ios = 200;
        for (int i = 0; i < ios; i++) {
            IoStatus s = device.submit(new IoRequest.Read(512L * i, ByteBuffer.allocate(4096))).get(10, TimeUnit.SECONDS);
            assertThat(s).isInstanceOf(IoStatus.Ok.class);
        }
        String body = scrape();
        double m1 = value(body, "mpath_path_io_total{device=\"mpathm\",path=\"sim:m1\"}");
        double m2 = value(body, "mpath_path_io_total{device=\"mpathm\",path=\"sim:m2\"}");
        // the checker's probes are not I/O through the device: exactly our reads, split over both paths (multibus)
        assertThat(m1 + m2).isEqualTo(ios);
        assertThat(m1).isPositive();
        assertThat(m2).isPositive();
        double hist = value(body, "mpath_path_io_duration_seconds_count{device=\"mpathm\",path=\"sim:m1\"}")
                + value(body, "mpath_path_io_duration_seconds_count{device=\"mpathm\",path=\"sim:m2\"}");
        assertThat(hist).isEqualTo(ios);
        assertThat(value(body, "mpath_path_bytes_total{device=\"mpathm\",path=\"sim:m1\"}")
                + value(body, "mpath_path_bytes_total{device=\"mpathm\",path=\"sim:m2\"}")).isEqualTo(ios * 4096.0);
        assertThat(value(body, "mpath_device_io_total{device=\"mpathm\"}")).isEqualTo(ios);
        assertThat(value(body, "mpath_device_io_failed_total{device=\"mpathm\"}")).isZero();
        assertThat(value(body, "mpath_device_usable_paths{device=\"mpathm\"}")).isEqualTo(2);
        assertThat(body).contains("# HELP mpath_path_io_duration_seconds ");
    }

    @Test
    void pathUpFollowsAnAdministrativeFail() throws Exception {
        device.failPath("sim:m2").get(10, TimeUnit.SECONDS);
        String body = scrape();
        assertThat(value(body, "mpath_path_up{device=\"mpathm\",path=\"sim:m1\"}")).isEqualTo(1);
        assertThat(value(body, "mpath_path_up{device=\"mpathm\",path=\"sim:m2\"}")).isZero();
        assertThat(value(body, "mpath_device_usable_paths{device=\"mpathm\"}")).isEqualTo(1);
    }
}
