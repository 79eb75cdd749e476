package io.mpath4j.core.device;

import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.core.path.PathIdentity;

/**
 * One path as {@code show paths} and {@code show topology} present it, frozen at the moment the
 * topology snapshot was published.
 *
 * @param failed dm state: false = active, true = failed
 * @param failReason why the path is failed (or held), "" when active
 * @param adminFailed failed by an administrator ({@code fail path}); only {@code reinstate path} brings it back
 * @param heldUntilNanos flap damping: engine time until which a recovered path stays out; 0 if not held
 */
public record PathView(
        PathIdentity identity,
        boolean failed,
        String failReason,
        boolean adminFailed,
        CheckerState checker,
        AccessState access,
        int priority,
        long heldUntilNanos) {

    public String name() {
        return identity.name();
    }

    /** The dm path state word of {@code multipath -ll}. */
    public String dmState() {
        return failed ? "failed" : "active";
    }

    /** True when I/O may be routed to this path. */
    public boolean usable() {
        return !failed && access.acceptsIo();
    }
}
