package io.mpath4j.daemon.config;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.monitor.MonitorConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The layering of multipath-tools: built-in defaults &lt; {@code defaults} &lt; built-in device
 * table &lt; {@code devices} &lt; {@code overrides} &lt; {@code multipaths}. Every device entry whose
 * vendor/product/revision expressions match a unit applies, later entries over earlier ones; a
 * user entry with exactly the vendor, product and revision strings of a built-in one is merged
 * into it (multipath-tools' merge of duplicate hwentries), so its settings win and the built-in
 * entry's other settings stay.
 */
public final class ConfigResolver {

    private final MpathConfig config;
    private final Attributes base;
    private final List<DeviceEntry> deviceTable;

    public ConfigResolver(MpathConfig config, List<DeviceEntry> builtin) {
        this.config = config;
        this.base = builtinDefaults().overriddenBy(config.defaults());
        List<DeviceEntry> table = new ArrayList<>(builtin);
        for (DeviceEntry user : config.devices()) {
            int same = -1;
            for (int i = 0; i < table.size(); i++) {
                if (table.get(i).sameKey(user)) {
                    same = i;
                }
            }
            if (same >= 0) {
                table.set(same, table.get(same).mergedWith(user));
            } else {
                table.add(user);
            }
        }
        this.deviceTable = List.copyOf(table);
    }

    public ConfigResolver(MpathConfig config) {
        this(config, BuiltinDevices.TABLE);
    }

    /** The defaults of keywords.txt: every supported {@code defaults} keyword with a default value. */
    public static Attributes builtinDefaults() {
        List<Setting> settings = new ArrayList<>();
        for (Keyword k : KeywordTable.standard().all()) {
            if (k.status() == Keyword.Status.SUPPORTED && k.scopes().contains(Scope.DEFAULTS) && k.hasDefault()
                    && k.aliasOf().isEmpty()) {
                settings.add(new Setting(k.name(), k.defaultText(), SourceLocation.builtin("defaults"),
                        Layer.BUILTIN_DEFAULTS));
            }
        }
        return Attributes.of(settings);
    }

    public MpathConfig config() {
        return config;
    }

    /** Built-in defaults with the file's {@code defaults} over them. */
    public Attributes base() {
        return base;
    }

    /** The built-in device table with the file's {@code devices} merged in or appended, in match order. */
    public List<DeviceEntry> deviceTable() {
        return deviceTable;
    }

    /** The device entries that apply to a unit, in the order they are applied. */
    public List<DeviceEntry> matching(String vendor, String product, String revision) {
        return deviceTable.stream().filter(d -> d.matches(vendor, product, revision)).toList();
    }

    /** Every setting of the unit, each with the layer and location it came from. */
    public Attributes resolve(String wwid, String vendor, String product, String revision) {
        Attributes a = base;
        for (DeviceEntry d : matching(vendor, product, revision)) {
            a = a.overriddenBy(d.attributes());
        }
        a = a.overriddenBy(config.overrides());
        for (MultipathEntry m : config.multipaths()) {
            if (m.wwid().equals(wwid)) {
                a = a.overriddenBy(m.attributes());
            }
        }
        return a;
    }

    public DeviceConfig deviceConfig(String wwid, String vendor, String product, String revision, boolean alua) {
        return SettingsMapper.deviceConfig(resolve(wwid, vendor, product, revision), alua);
    }

    public MonitorConfig monitorConfig() {
        return SettingsMapper.monitorConfig(base);
    }
}
