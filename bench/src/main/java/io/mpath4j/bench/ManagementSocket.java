package io.mpath4j.bench;

import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.daemon.control.DeviceRegistry;
import io.mpath4j.daemon.control.ManagementHandler;
import io.mpath4j.daemon.control.ManagementServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The daemon's management socket over the scale fleet, in a temporary directory. */
record ManagementSocket(Path dir, ManagementServer server) implements AutoCloseable {

    static ManagementSocket start(MultipathDevice[] devices) {
        try {
            Path dir = Files.createTempDirectory("mpath4j-bench");
            DeviceRegistry registry = new DeviceRegistry();
            for (MultipathDevice d : devices) {
                registry.add(d, ScaleFleet.VENDOR_PRODUCT);
            }
            ManagementServer server = ManagementServer.start(dir.resolve("mpath.sock"), registry,
                    new ManagementHandler(registry, Duration.ofSeconds(10)));
            return new ManagementSocket(dir, server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path path() {
        return server.socketPath();
    }

    @Override
    public void close() {
        server.close();
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
