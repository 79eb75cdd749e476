package io.mpath4j.nbd;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waiting for a condition in tests against real peers (the nbd test-jar, shared by every module's ITs). */
public final class Await {

    private Await() {
    }

    /** Polls {@code cond} every 20 ms; fails with {@code what} after {@code timeout}. */
    public static void waitFor(BooleanSupplier cond, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
