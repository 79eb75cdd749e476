package io.mpath4j.core.device;

import io.mpath4j.core.IoRequest;
import io.mpath4j.core.select.PathStats;

/**
 * Sees every completed attempt on a path, on the transport's completion thread: the hook that
 * metrics exporters hang latency histograms on, so that core itself carries no metrics library.
 * Implementations must be fast and must not block or throw: they run inside the I/O path.
 */
@FunctionalInterface
public interface IoObserver {

    IoObserver NONE = (path, request, serviceNanos, pathFault) -> {};

    /**
     * @param path the path's statistics (stable identity for the path's lifetime in the device)
     * @param serviceNanos time from handing the request to the path to its completion
     * @param pathFault true when the outcome counted against the path (path error, retry-later)
     */
    void onPathCompletion(PathStats path, IoRequest request, long serviceNanos, boolean pathFault);
}
