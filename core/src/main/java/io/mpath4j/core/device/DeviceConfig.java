package io.mpath4j.core.device;

import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.group.PathGroupingPolicy;
import io.mpath4j.core.group.Prioritizer;
import io.mpath4j.core.group.Prioritizers;
import io.mpath4j.core.select.PathSelector;
import io.mpath4j.core.select.PathSelectors;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Settings of one multipath device, with the multipath.conf keyword each one stands for.
 *
 * @param grouping {@code path_grouping_policy}
 * @param prioritizer {@code prio} + {@code prio_args}
 * @param selector {@code path_selector}: a factory, because each device needs its own selector state
 * @param failback {@code failback}
 * @param noPathRetry {@code no_path_retry}
 * @param pollingInterval {@code polling_interval}: the unit of {@code no_path_retry N}
 * @param queueLimitBytes most bytes of I/O held while no path is usable; beyond it I/O fails
 * @param queueLimitRequests most requests held while no path is usable
 * @param ioDeadline per-I/O deadline covering redrives, retries and queueing; {@link Duration#ZERO} = none
 * @param flapDamping hold-out of paths that keep failing
 */
public record DeviceConfig(
        PathGroupingPolicy grouping,
        Prioritizer prioritizer,
        Supplier<PathSelector> selector,
        FailbackPolicy failback,
        NoPathRetry noPathRetry,
        Duration pollingInterval,
        long queueLimitBytes,
        int queueLimitRequests,
        Duration ioDeadline,
        FlapDamping flapDamping) {

    public DeviceConfig {
        Objects.requireNonNull(grouping, "grouping");
        Objects.requireNonNull(prioritizer, "prioritizer");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(failback, "failback");
        Objects.requireNonNull(noPathRetry, "noPathRetry");
        Objects.requireNonNull(pollingInterval, "pollingInterval");
        Objects.requireNonNull(ioDeadline, "ioDeadline");
        Objects.requireNonNull(flapDamping, "flapDamping");
        if (pollingInterval.isNegative() || pollingInterval.isZero()) {
            throw new IllegalArgumentException("polling_interval must be positive");
        }
        if (queueLimitBytes < 0 || queueLimitRequests < 0) {
            throw new IllegalArgumentException("queue limits must not be negative");
        }
        if (ioDeadline.isNegative()) {
            throw new IllegalArgumentException("negative I/O deadline");
        }
    }

    /**
     * multipath-tools' built-in defaults (failover grouping, const prio, service-time, manual
     * failback, no_path_retry fail, polling_interval 5), plus our queue caps and flap damping.
     */
    public static DeviceConfig defaults() {
        return new DeviceConfig(GroupingPolicies.byKeyword("failover"), Prioritizers.parse("const", ""),
                () -> PathSelectors.parse("service-time 0", 1, false), new FailbackPolicy.Manual(),
                new NoPathRetry.Fail(), Duration.ofSeconds(5), 256L << 20, 65_536, Duration.ZERO, FlapDamping.DEFAULT);
    }

    public DeviceConfig withGrouping(PathGroupingPolicy v) {
        return new DeviceConfig(v, prioritizer, selector, failback, noPathRetry, pollingInterval, queueLimitBytes, queueLimitRequests, ioDeadline, flapDamping);
    }

    public DeviceConfig withPrioritizer(Prioritizer v) {
        return new DeviceConfig(grouping, v, selector, failback, noPathRetry, pollingInterval, queueLimitBytes, queueLimitRequests, ioDeadline, flapDamping);
    }

    public DeviceConfig withSelector(Supplier<PathSelector> v) {
        return new DeviceConfig(grouping, prioritizer, v, failback, noPathRetry, pollingInterval, queueLimitBytes, queueLimitRequests, ioDeadline, flapDamping);
    }

    public DeviceConfig withFailback(FailbackPolicy v) {
        return new DeviceConfig(grouping, prioritizer, selector, v, noPathRetry, pollingInterval, queueLimitBytes, queueLimitRequests, ioDeadline, flapDamping);
    }

    public DeviceConfig withNoPathRetry(NoPathRetry v) {
        return new DeviceConfig(grouping, prioritizer, selector, failback, v, pollingInterval, queueLimitBytes, queueLimitRequests, ioDeadline, flapDamping);
    }

    public DeviceConfig withPollingInterval(Duration v) {
        return new DeviceConfig(grouping, prioritizer, selector, failback, noPathRetry, v, queueLimitBytes, queueLimitRequests, ioDeadline, flapDamping);
    }

    public DeviceConfig withQueueLimits(long bytes, int requests) {
        return new DeviceConfig(grouping, prioritizer, selector, failback, noPathRetry, pollingInterval, bytes, requests, ioDeadline, flapDamping);
    }

    public DeviceConfig withIoDeadline(Duration v) {
        return new DeviceConfig(grouping, prioritizer, selector, failback, noPathRetry, pollingInterval, queueLimitBytes, queueLimitRequests, v, flapDamping);
    }

    public DeviceConfig withFlapDamping(FlapDamping v) {
        return new DeviceConfig(grouping, prioritizer, selector, failback, noPathRetry, pollingInterval, queueLimitBytes, queueLimitRequests, ioDeadline, v);
    }
}
