package io.mpath4j.daemon.control;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the management socket lives when nobody says: {@code $MPATH4J_SOCKET}, else
 * {@code /run/mpath4j/mpath.sock} for root (the daemon's place, like multipathd's
 * {@code @/org/kernel/linux/storage/multipathd}), else the user's runtime directory, so that
 * {@code mpath serve --socket} works without root.
 */
public final class SocketPaths {

    public static final String ENV = "MPATH4J_SOCKET";

    private SocketPaths() {}

    public static Path defaultPath() {
        return defaultPath(System.getenv(), "root".equals(System.getProperty("user.name")));
    }

    static Path defaultPath(Map<String, String> env, boolean root) {
        String explicit = env.get(ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        if (root) {
            return Path.of("/run/mpath4j/mpath.sock");
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            return Path.of(runtime, "mpath4j.sock");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "mpath4j-" + System.getProperty("user.name") + ".sock");
    }
}
