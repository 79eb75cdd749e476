package io.mpath4j.daemon.runtime;

import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.daemon.config.ConfigResolver;
import io.mpath4j.daemon.config.MpathConfig;
import io.mpath4j.daemon.config.Setting;
import io.mpath4j.daemon.config.SettingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a changed file means for the running devices: per device the settings whose resolved value
 * changed (each with the line that now sets it) and the new engine configuration, plus what only a
 * restart applies (units, names, transports, listeners, checker timing). Everything is computed
 * before anything is applied, so a value the engine refuses leaves every device as it was.
 */
record Reconfiguration(List<DeviceChange> changes, List<String> needRestart) {

    /** One device's new configuration and the settings that differ, as "keyword old -> new (file:line)". */
    record DeviceChange(LiveUnit unit, DeviceConfig config, List<String> settings) {}

    /**
     * @throws SettingException if a new value does not work for one of the devices
     */
    static Reconfiguration plan(List<LiveUnit> units, ConfigResolver before, ConfigResolver after) {
        List<DeviceChange> changes = new ArrayList<>();
        for (LiveUnit u : units) {
            Map<String, Setting> old = u.settings(before);
            Map<String, Setting> now = u.settings(after);
            List<String> differ = new ArrayList<>();
            for (var e : now.entrySet()) {
                Setting was = old.get(e.getKey());
                if (was == null || !was.value().equals(e.getValue().value())) {
                    differ.add(e.getKey() + " " + (was == null ? "(unset)" : quote(was.value())) + " -> "
                            + quote(e.getValue().value()) + " (" + e.getValue().at() + ")");
                }
            }
            if (!differ.isEmpty()) {
                changes.add(new DeviceChange(u, u.deviceConfig(after), differ));
            }
        }
        return new Reconfiguration(changes, restartOnly(before.config(), after.config(), before, after, units));
    }

    private static List<String> restartOnly(MpathConfig a, MpathConfig b, ConfigResolver ra, ConfigResolver rb,
            List<LiveUnit> units) {
        List<String> out = new ArrayList<>();
        if (!Objects.equals(a.portals().stream().map(p -> p.address() + " " + p.target() + " " + p.chapUser() + " " + p.chapSecretFile()).toList(),
                b.portals().stream().map(p -> p.address() + " " + p.target() + " " + p.chapUser() + " " + p.chapSecretFile()).toList())
                || !a.initiatorName().equals(b.initiatorName())) {
            out.add("iscsi section (portals are discovered at start)");
        }
        if (!a.nbdEndpoints().stream().map(e -> e.uri() + " " + e.wwid()).toList()
                .equals(b.nbdEndpoints().stream().map(e -> e.uri() + " " + e.wwid()).toList())) {
            out.add("nbd endpoints (paths are discovered at start)");
        }
        if (!a.nbdListeners().stream().map(l -> l.listen() + " " + l.singlePaths()).toList()
                .equals(b.nbdListeners().stream().map(l -> l.listen() + " " + l.singlePaths()).toList())
                || !a.metricsListen().equals(b.metricsListen())) {
            out.add("export section (listeners are bound at start)");
        }
        if (!ra.monitorConfig().equals(rb.monitorConfig())) {
            out.add("polling_interval / max_polling_interval / checker_timeout (the path checker's timing is set at start)");
        }
        Map<String, String> aliasesA = aliases(a);
        Map<String, String> aliasesB = aliases(b);
        for (LiveUnit u : units) {
            if (!Objects.equals(aliasesA.get(u.wwid()), aliasesB.get(u.wwid()))) {
                out.add("alias of " + u.name() + " (a device is renamed at restart)");
            }
        }
        if (!rules(a.blacklist()).equals(rules(b.blacklist())) || !rules(a.exceptions()).equals(rules(b.exceptions()))
                || !ra.base().require("find_multipaths").equals(rb.base().require("find_multipaths"))) {
            out.add("blacklist / blacklist_exceptions / find_multipaths (units are chosen at start)");
        }
        return out;
    }

    /** The rules without their locations: moving a line is not a change. */
    private static List<String> rules(List<io.mpath4j.daemon.config.BlacklistRule> rules) {
        return rules.stream().map(r -> r.kind() + " " + r.regex() + " " + r.product()).toList();
    }

    private static Map<String, String> aliases(MpathConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        c.multipaths().forEach(e -> e.alias().ifPresent(al -> m.put(e.wwid(), al)));
        return m;
    }

    private static String quote(String v) {
        return "\"" + v + "\"";
    }
}
