package io.mpath4j.daemon.cli;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.FailbackPolicy;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.device.TopologyListing;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.group.Prioritizers;
import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.select.PathSelectors;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * How the demos narrate (a step line, a pause between steps, the topology in the multipath -ll
 * shape) and the device the ALUA demos build.
 */
record DemoSteps(PrintStream out, long stepMillis, String vendorProduct) {

    void show(MultipathDevice device, String caption) {
        out.println();
        out.println(caption);
        out.print(TopologyListing.format(device.topology(), vendorProduct));
    }

    void step(String what) {
        out.println();
        out.println(">>> " + what);
    }

    void pause() throws InterruptedException {
        Thread.sleep(stepMillis);
    }

    /**
     * The ALUA demos' device: group_by_prio with the alua prioritizer, service-time, immediate
     * failback, queueing when no path is left, checked every second.
     */
    static MultipathDevice aluaDevice(List<? extends Path> paths) {
        DeviceConfig config = DeviceConfig.defaults()
                .withGrouping(GroupingPolicies.byKeyword("group_by_prio"))
                .withPrioritizer(Prioritizers.parse("alua", ""))
                .withSelector(() -> PathSelectors.parse("service-time 0", 1, false))
                .withFailback(new FailbackPolicy.Immediate())
                .withNoPathRetry(new NoPathRetry.Queue())
                .withPollingInterval(Duration.ofSeconds(1));
        Engine engine = Engine.system(new MonitorConfig(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(1)));
        return new MultipathDevice("mpatha", config, engine, List.copyOf(paths));
    }
}
