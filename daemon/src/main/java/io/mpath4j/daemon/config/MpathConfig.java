package io.mpath4j.daemon.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A configuration file as typed data, every value validated, each with its location. The built-in
 * device table and defaults are not in here: {@link ConfigResolver} layers them in.
 *
 * @param defaults the {@code defaults} section (only what the file sets)
 * @param devices the {@code devices} section in file order
 * @param overrides the {@code overrides} section
 * @param multipaths the {@code multipaths} section
 * @param initiatorName {@code iscsi { initiator_name … }}
 * @param metricsListen {@code export { metrics { listen … } }}: where the daemon serves Prometheus metrics
 * @param fuseMountpoint {@code export { fuse { mountpoint … } }}: where every device appears as a file
 */
public record MpathConfig(Attributes defaults, List<BlacklistRule> blacklist, List<BlacklistRule> exceptions,
        List<DeviceEntry> devices, Attributes overrides, List<MultipathEntry> multipaths,
        Optional<String> initiatorName, List<IscsiPortal> portals, List<NbdEndpoint> nbdEndpoints,
        List<NbdListener> nbdListeners, Optional<HostPort> metricsListen, Optional<java.nio.file.Path> fuseMountpoint) {

    public static final MpathConfig EMPTY = new MpathConfig(Attributes.EMPTY, List.of(), List.of(), List.of(),
            Attributes.EMPTY, List.of(), Optional.empty(), List.of(), List.of(), List.of(), Optional.empty(), Optional.empty());

    public MpathConfig {
        Objects.requireNonNull(defaults, "defaults");
        Objects.requireNonNull(overrides, "overrides");
        Objects.requireNonNull(initiatorName, "initiatorName");
        blacklist = List.copyOf(blacklist);
        exceptions = List.copyOf(exceptions);
        devices = List.copyOf(devices);
        multipaths = List.copyOf(multipaths);
        portals = List.copyOf(portals);
        nbdEndpoints = List.copyOf(nbdEndpoints);
        nbdListeners = List.copyOf(nbdListeners);
        Objects.requireNonNull(metricsListen, "metricsListen");
        Objects.requireNonNull(fuseMountpoint, "fuseMountpoint");
    }

    public Optional<MultipathEntry> multipath(String wwid) {
        return multipaths.stream().filter(m -> m.wwid().equals(wwid)).findFirst();
    }
}
