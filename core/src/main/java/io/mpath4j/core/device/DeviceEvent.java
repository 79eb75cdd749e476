package io.mpath4j.core.device;

/**
 * One state change of a device, with its reason: the log line and the {@code events} stream.
 *
 * @param nanos engine time of the change
 * @param device device name (alias or WWID)
 * @param path path name, or "" for device-wide events
 */
public record DeviceEvent(long nanos, String device, String path, Kind kind, String detail) {

    public enum Kind {
        PATH_ADDED,
        PATH_REMOVED,
        PATH_FAILED,
        PATH_REINSTATED,
        PATH_HELD,
        ACCESS_STATE_CHANGED,
        PRIORITY_CHANGED,
        UNIT_ATTENTION,
        CAPACITY_CHANGED,
        GROUP_SWITCHED,
        SELECTOR_CHANGED,
        QUEUEING_STARTED,
        QUEUE_RELEASED,
        QUEUE_FAILED,
        QUEUEING_DISABLED,
        QUEUEING_RESTORED
    }

    @Override
    public String toString() {
        return device + (path.isEmpty() ? "" : " " + path) + ": " + kind.name().toLowerCase().replace('_', ' ') + ": " + detail;
    }
}
