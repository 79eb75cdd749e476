package io.mpath4j.core.group;

import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.select.PathStats;

/**
 * Gives a path its priority (multipath.conf {@code prio}); a higher number is preferred, 0 means
 * "use only when nothing else is left". Called on the device's executor after every check and
 * event, never on the I/O path.
 */
public interface Prioritizer {

    int priority(PathIdentity identity, AccessState accessState, PathStats stats);

    /** The name and arguments as multipath.conf spells them, e.g. {@code "alua"}. */
    String describe();
}
