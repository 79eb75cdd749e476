package io.mpath4j.daemon.control;

import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.PathView;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The devices a process serves, by name: what the management socket answers about. Lookups read
 * the devices' published topology snapshots and never wait for a device's control thread.
 */
public final class DeviceRegistry {

    /** A device and the vendor,product string {@code multipath -ll} prints for it. */
    public record Entry(MultipathDevice device, String vendorProduct) {
        public Entry {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(vendorProduct, "vendorProduct");
        }
    }

    /** Sorted by name, so listings come out in a stable order. */
    private final ConcurrentSkipListMap<String, Entry> devices = new ConcurrentSkipListMap<>();

    public void add(MultipathDevice device, String vendorProduct) {
        Entry previous = devices.putIfAbsent(device.name(), new Entry(device, vendorProduct));
        if (previous != null) {
            throw new IllegalArgumentException("a device named '" + device.name() + "' is already registered");
        }
    }

    public void remove(String name) {
        devices.remove(name);
    }

    public List<Entry> all() {
        return List.copyOf(devices.values());
    }

    /** The device with this name or WWID. */
    public Entry map(String nameOrWwid) {
        Entry e = devices.get(nameOrWwid);
        if (e != null) {
            return e;
        }
        return devices.values().stream().filter(d -> d.device().wwid().equals(nameOrWwid)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no map '" + nameOrWwid + "'" + known()));
    }

    /** The device holding the path with this name. */
    public Entry deviceOfPath(String pathName) {
        return findPath(pathName).orElseThrow(() -> new IllegalArgumentException("no path '" + pathName + "'; paths: "
                + devices.values().stream().flatMap(d -> d.device().topology().paths().stream()).map(PathView::name).toList()));
    }

    private Optional<Entry> findPath(String pathName) {
        return devices.values().stream()
                .filter(d -> d.device().topology().paths().stream().anyMatch(p -> p.name().equals(pathName)))
                .findFirst();
    }

    private String known() {
        return devices.isEmpty() ? "; no maps are served" : "; maps: " + String.join(", ", devices.keySet());
    }
}
