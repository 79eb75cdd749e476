package io.mpath4j.core.path;

import java.util.Objects;

/**
 * What one run of a path checker found.
 *
 * @param state the checker verdict
 * @param accessState the access state seen by the check (unchanged if the check cannot tell)
 * @param message why, for logs and {@code show paths}
 */
public record CheckResult(CheckerState state, AccessState accessState, String message) {
    public CheckResult {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(accessState, "accessState");
        Objects.requireNonNull(message, "message");
    }

    public static CheckResult ready(AccessState access) {
        return new CheckResult(CheckerState.READY, access, "ok");
    }

    public static CheckResult faulty(String why) {
        return new CheckResult(CheckerState.FAULTY, AccessState.OFFLINE, why);
    }
}
