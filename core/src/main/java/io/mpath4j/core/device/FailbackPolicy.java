package io.mpath4j.core.device;

import java.time.Duration;
import java.util.Objects;

/**
 * When to return to a better path group after it recovers (multipath.conf {@code failback}).
 * Failing <em>over</em> away from a group with no usable path is always immediate.
 */
public sealed interface FailbackPolicy {

    /** Switch to the best group as soon as it has a usable path. */
    record Immediate() implements FailbackPolicy {
        @Override
        public String toString() {
            return "immediate";
        }
    }

    /** Stay until an administrator runs {@code switchgroup} (or the current group fails). */
    record Manual() implements FailbackPolicy {
        @Override
        public String toString() {
            return "manual";
        }
    }

    /**
     * Fail back only when the first path of the better group becomes usable, so that a host does
     * not undo a failover that another cluster node asked for (multipath-tools' followover).
     */
    record Followover() implements FailbackPolicy {
        @Override
        public String toString() {
            return "followover";
        }
    }

    /** Fail back once the better group has stayed usable for {@code delay}. */
    record Deferred(Duration delay) implements FailbackPolicy {
        public Deferred {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException("deferred failback needs a positive delay");
            }
        }

        @Override
        public String toString() {
            return Long.toString(delay.toSeconds());
        }
    }

    /** Parses the multipath.conf value: immediate, manual, followover, or a number of seconds. */
    static FailbackPolicy parse(String value) {
        return switch (value.trim()) {
            case "immediate" -> new Immediate();
            case "manual" -> new Manual();
            case "followover" -> new Followover();
            default -> {
                try {
                    long seconds = Long.parseLong(value.trim());
                    yield seconds <= 0 ? new Immediate() : new Deferred(Duration.ofSeconds(seconds));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("failback must be immediate, manual, followover or a number of seconds, not '" + value + "'");
                }
            }
        };
    }
}
