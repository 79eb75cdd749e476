package io.mpath4j.daemon.cli;

import java.util.logging.LogManager;

/**
 * The JDK's log manager, except that it keeps its handlers while the JVM shuts down. The JDK's
 * own shutdown hook resets logging, and hooks run in no set order, so without this the daemon's
 * "stopping … stopped" lines, written by its own hook on SIGTERM, would often be lost.
 */
public final class ShutdownSafeLogManager extends LogManager {

    @Override
    public void reset() {
        if (!shuttingDown()) {
            super.reset();
        }
    }

    /** The runtime refuses new shutdown hooks once shutdown began: the one portable way to ask. */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
