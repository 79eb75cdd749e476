package io.mpath4j.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How one I/O ended. Transports classify every error once, at their boundary, into one of these
 * values; nothing above a transport parses sense data or protocol error codes.
 */
public sealed interface IoStatus {

    /** The singleton success value. */
    Ok OK = new Ok();

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** Completed successfully. */
    record Ok() implements IoStatus {}

    /** Every way an I/O can fail, as the engine classifies it. */
    sealed interface Failure extends IoStatus {
        /** Human-readable description including the decoded status. */
        String describe();
    }

    /**
     * The path, not the data, is the problem (connection lost, timeout, ALUA standby/unavailable):
     * the engine fails the path and redrives elsewhere.
     *
     * @param mayStillExecute true when the command might still reach the medium through the old
     *     path (for example it timed out on a live connection); a write in that state is redriven
     *     only after the path has been fenced.
     */
    record PathError(String reason, boolean mayStillExecute) implements Failure {
        public PathError {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String describe() {
            return "path error: " + reason;
        }
    }

    /** The target answered with an error about the data or the request; returned to the caller, never retried. */
    record TargetError(Kind kind, String decodedStatus) implements Failure {
        public TargetError {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(decodedStatus, "decodedStatus");
        }

        /** Broad kinds of target errors, so callers can map them to errno-like results. */
        public enum Kind {
            MEDIUM_ERROR,
            ILLEGAL_REQUEST,
            WRITE_PROTECTED,
            NO_SPACE,
            NOT_PERMITTED,
            OTHER
        }

        @Override
        public String describe() {
            return "target error " + kind + ": " + decodedStatus;
        }
    }

    /** Try again on the same group after {@code delay} (ALUA transitioning, BUSY, TASK SET FULL). */
    record RetryLater(Duration delay, String reason) implements Failure {
        public RetryLater {
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(reason, "reason");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("negative delay");
            }
        }

        @Override
        public String describe() {
            return "retry later (" + delay.toMillis() + " ms): " + reason;
        }
    }

    /** Another initiator holds a persistent reservation; returned to the caller, never retried. */
    record ReservationConflict(String detail) implements Failure {
        @Override
        public String describe() {
            return "reservation conflict: " + detail;
        }
    }

    /** No usable path and the no-path policy (no_path_retry) said fail, or the queue is full. */
    record NoPathAvailable(String reason) implements Failure {
        @Override
        public String describe() {
            return "no path available: " + reason;
        }
    }

    /** The per-I/O deadline passed before any path completed the I/O; {@code last} is the last attempt's status. */
    record DeadlineExceeded(Duration deadline, String last) implements Failure {
        @Override
        public String describe() {
            return "deadline of " + deadline.toMillis() + " ms exceeded; last: " + last;
        }
    }

    /** The device was closed while the I/O waited. */
    record DeviceClosed() implements Failure {
        @Override
        public String describe() {
            return "device closed";
        }
    }
}
