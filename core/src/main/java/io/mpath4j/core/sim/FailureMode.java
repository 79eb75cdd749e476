package io.mpath4j.core.sim;

import io.mpath4j.core.IoStatus;

/**
 * A fault a {@link SimulatedPath} injects into the I/O sent down it. Set at run time with
 * {@link SimulatedPath#setFailureMode}; a request takes the mode in force when it is submitted.
 */
public sealed interface FailureMode {

    FailureMode NONE = new None();
    FailureMode FAIL_ALL = new FailAll();
    FailureMode TARGET_ERROR = new TargetFailure(IoStatus.TargetError.Kind.MEDIUM_ERROR);
    FailureMode HANG = new Hang();

    static FailureMode failEveryNth(int n) {
        return new FailEveryNth(n);
    }

    /** No fault. */
    record None() implements FailureMode {}

    /** Every request fails with a path error, as if the connection dropped under it. */
    record FailAll() implements FailureMode {}

    /**
     * Every {@code n}th request (counted from when the mode was set) fails with a path error; the
     * others succeed. Models a flaky link.
     */
    record FailEveryNth(int n) implements FailureMode {
        public FailEveryNth {
            if (n < 1) {
                throw new IllegalArgumentException("n must be ≥ 1, got " + n);
            }
        }
    }

    /**
     * Every request except a flush fails with a target error of {@code kind} (medium error by
     * default: SPC-4 sense key 3h); the engine must return it to the caller, not retry it.
     */
    record TargetFailure(IoStatus.TargetError.Kind kind) implements FailureMode {}

    /**
     * Requests (and checks) never complete until the mode changes or the path goes down, is
     * fenced or closed. Models a target or network that stops answering without closing the
     * connection: the commands may still be executed later, so they then complete with
     * {@link IoStatus.PathError#mayStillExecute()} true and their writes become ghost writes.
     */
    record Hang() implements FailureMode {}
}
