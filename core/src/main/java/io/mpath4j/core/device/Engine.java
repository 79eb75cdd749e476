package io.mpath4j.core.device;

import io.mpath4j.core.monitor.MonitorConfig;
import io.mpath4j.core.monitor.PathMonitor;
import io.mpath4j.core.time.SystemTimeSource;
import io.mpath4j.core.time.TimeSource;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * What all devices of one process share: the clock, the pool their serial executors run on, and
 * the path monitor. Tests pass a manual clock and a queue-backed executor to replay runs.
 *
 * @param monitor may be null: then paths are checked only by {@link MultipathDevice#checkNow()}
 */
public record Engine(TimeSource time, Executor executor, PathMonitor monitor) {

    public Engine {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(executor, "executor");
    }

    /** Wall clock, the common fork-join pool, and a monitor with the given checker timing. */
    public static Engine system(MonitorConfig monitorConfig) {
        TimeSource time = SystemTimeSource.instance();
        return new Engine(time, ForkJoinPool.commonPool(), new PathMonitor(time, monitorConfig));
    }
}
