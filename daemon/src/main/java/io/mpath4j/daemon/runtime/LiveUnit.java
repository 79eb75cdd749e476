package io.mpath4j.daemon.runtime;

import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.daemon.config.ConfigResolver;
import io.mpath4j.daemon.config.Setting;
import java.util.Map;
import java.util.TreeMap;

/**
 * A multipathed unit the daemon serves: its device and the identity the configuration is resolved
 * against (vendor/product/revision pick the device-table entries, the WWID the multipaths entry).
 */
record LiveUnit(String wwid, MultipathDevice device, PathIdentity identity, boolean reportsAlua) {

    String name() {
        return device.name();
    }

    String vendorProduct() {
        return identity.vendor() + "," + identity.product();
    }

    /** Every resolved setting of this unit under {@code resolver}, keyword to setting. */
    Map<String, Setting> settings(ConfigResolver resolver) {
        Map<String, Setting> out = new TreeMap<>();
        for (Setting s : resolver.resolve(wwid, identity.vendor(), identity.product(), identity.revision()).settings()) {
            out.put(s.keyword(), s);
        }
        return out;
    }

    io.mpath4j.core.device.DeviceConfig deviceConfig(ConfigResolver resolver) {
        return resolver.deviceConfig(wwid, identity.vendor(), identity.product(), identity.revision(), reportsAlua);
    }
}
