package io.mpath4j.core.path;

import java.util.Objects;

/**
 * Something a transport noticed on its own, between checks. The engine acts on events at once,
 * without waiting for the next checker run.
 */
public sealed interface PathEvent {

    /** The connection or session behind the path is gone. */
    record ConnectionLost(String reason) implements PathEvent {
        public ConnectionLost {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The connection is back (after a reconnect or session reinstatement). */
    record ConnectionRestored() implements PathEvent {}

    /** The access state changed (ALUA state change UNIT ATTENTION, ANA change notice). */
    record AccessStateChanged(AccessState state) implements PathEvent {
        public AccessStateChanged {
            Objects.requireNonNull(state, "state");
        }
    }

    /** Any other UNIT ATTENTION, decoded, for the log. */
    record UnitAttention(String decoded) implements PathEvent {
        public UnitAttention {
            Objects.requireNonNull(decoded, "decoded");
        }
    }

    /** The unit's capacity changed (SPC-4 UNIT ATTENTION 2Ah/09h, NBD reconnect with another size). */
    record CapacityChanged(long newSizeBytes) implements PathEvent {}
}
