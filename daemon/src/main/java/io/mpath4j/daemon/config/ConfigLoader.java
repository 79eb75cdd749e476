package io.mpath4j.daemon.config;

import io.mpath4j.daemon.config.ConfigNode.Entry;
import io.mpath4j.daemon.config.ConfigNode.Section;
import io.mpath4j.nbd.client.NbdUri;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a configuration file into an {@link MpathConfig}: the syntax tree from {@link ConfigParser},
 * each keyword looked up in the {@link KeywordTable} for its section (unknown: error with a
 * suggestion; accepted but not applicable: warning saying why), each value checked, and finally
 * every layer combination of the file mapped onto the engine's settings once, so that a value the
 * engine would refuse is reported now, at its line, and not when a device appears.
 */
public final class ConfigLoader {

    /** What a load produced: the configuration (usable only if there are no errors) and the findings. */
    public record Result(MpathConfig config, List<Diagnostic> diagnostics) {
        public Result {
            diagnostics = List.copyOf(diagnostics);
        }

        public List<Diagnostic> errors() {
            return diagnostics.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
        }

        public List<Diagnostic> warnings() {
            return diagnostics.stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING).toList();
        }

        public boolean ok() {
            return errors().isEmpty();
        }
    }

    private final KeywordTable table = KeywordTable.standard();
    private final Diagnostics diagnostics = new Diagnostics();

    private Attributes defaults = Attributes.EMPTY;
    private Attributes overrides = Attributes.EMPTY;
    private final List<BlacklistRule> blacklist = new ArrayList<>();
    private final List<BlacklistRule> exceptions = new ArrayList<>();
    private final List<DeviceEntry> devices = new ArrayList<>();
    private final List<MultipathEntry> multipaths = new ArrayList<>();
    private Optional<String> initiatorName = Optional.empty();
    private final List<IscsiPortal> portals = new ArrayList<>();
    private final List<NbdEndpoint> endpoints = new ArrayList<>();
    private final List<NbdListener> listeners = new ArrayList<>();
    private Optional<HostPort> metricsListen = Optional.empty();
    private Optional<java.nio.file.Path> fuseMountpoint = Optional.empty();
    /** Keywords of the section last read by {@link #settings} whose value was refused (already reported). */
    private final java.util.Set<String> refused = new java.util.HashSet<>();

    private ConfigLoader() {
    }

    public static Result load(Path file) throws IOException {
        return parse(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }

    public static Result parse(String fileName, String text) {
        ConfigLoader loader = new ConfigLoader();
        Section top = ConfigParser.parse(fileName, text, loader.diagnostics);
        loader.top(top);
        MpathConfig config = new MpathConfig(loader.defaults, loader.blacklist, loader.exceptions, loader.devices,
                loader.overrides, loader.multipaths, loader.initiatorName, loader.portals, loader.endpoints,
                loader.listeners, loader.metricsListen, loader.fuseMountpoint);
        if (!loader.diagnostics.hasErrors()) {
            loader.checkCombinations(config);
        }
        // in file order, as an editor lists them (syntax errors are found before keyword errors)
        List<Diagnostic> sorted = new ArrayList<>(loader.diagnostics.all());
        sorted.sort(java.util.Comparator.comparingInt((Diagnostic d) -> d.at().line()).thenComparingInt(d -> d.at().column()));
        return new Result(config, sorted);
    }

    private void top(Section top) {
        for (ConfigNode node : top.children()) {
            switch (node) {
                case Entry e -> diagnostics.error(e.at(), "'" + e.keyword() + "' outside any section"
                        + (table.find(Scope.DEFAULTS, e.keyword()).isPresent() ? "; put it inside defaults { }" : ""));
                case Section s -> {
                    Scope scope = Scope.TOP.subsections().get(s.name());
                    if (scope == null) {
                        unknownSection(s, Scope.TOP, "the top level");
                        continue;
                    }
                    switch (scope) {
                        case DEFAULTS -> defaults = defaults.overriddenBy(Attributes.of(settings(s, scope, Layer.DEFAULTS)));
                        case BLACKLIST -> blacklist(s, s.name().equals("blacklist") ? blacklist : exceptions);
                        case DEVICES -> each(s, scope, this::device);
                        case OVERRIDES -> overrides = overrides.overriddenBy(Attributes.of(settings(s, scope, Layer.OVERRIDES)));
                        case MULTIPATHS -> each(s, scope, this::multipath);
                        case ISCSI -> iscsi(s);
                        case NBD -> each(s, scope, this::endpoint);
                        case EXPORT -> each(s, scope, this::export);
                        default -> throw new IllegalStateException(scope.toString());
                    }
                }
            }
        }
    }

    /** A container section ({@code devices}, {@code multipaths}, …): only its subsections, no keywords. */
    private void each(Section s, Scope scope, java.util.function.Consumer<Section> handler) {
        for (ConfigNode node : s.children()) {
            switch (node) {
                case Entry e -> diagnostics.error(e.at(), "'" + e.keyword() + "' directly in '" + s.name() + "'; it holds only "
                        + String.join(", ", scope.subsections().keySet()) + " { } sections");
                case Section sub -> {
                    if (scope.subsections().containsKey(sub.name())) {
                        handler.accept(sub);
                    } else {
                        unknownSection(sub, scope, "'" + s.name() + "'");
                    }
                }
            }
        }
    }

    private void device(Section s) {
        Map<String, Setting> all = byKeyword(settings(s, Scope.DEVICE, Layer.DEVICES));
        Setting vendor = all.remove("vendor");
        Setting product = all.remove("product");
        Setting revision = all.remove("revision");
        Setting productBlacklist = all.remove("product_blacklist");
        if (vendor == null || product == null) {
            diagnostics.error(s.at(), "device entry without " + (vendor == null ? "vendor" : "product")
                    + ": both are needed to match units");
            return;
        }
        devices.add(new DeviceEntry(vendor.value(), product.value(), revision == null ? "" : revision.value(),
                productBlacklist == null ? "" : productBlacklist.value(), Attributes.of(all.values()), s.at(),
                s.at().toString()));
    }

    private void multipath(Section s) {
        Map<String, Setting> all = byKeyword(settings(s, Scope.MULTIPATH, Layer.MULTIPATHS));
        Setting wwid = all.remove("wwid");
        Setting alias = all.remove("alias");
        if (wwid == null) {
            diagnostics.error(s.at(), "multipath entry without wwid");
            return;
        }
        for (MultipathEntry m : multipaths) {
            if (m.wwid().equals(wwid.value())) {
                diagnostics.error(wwid.at(), "wwid " + wwid.value() + " already has a multipath entry at " + m.at());
                return;
            }
            if (alias != null && m.alias().equals(Optional.of(alias.value()))) {
                diagnostics.error(alias.at(), "alias " + alias.value() + " is already used by wwid " + m.wwid() + " at " + m.at());
                return;
            }
        }
        multipaths.add(new MultipathEntry(wwid.value(), Optional.ofNullable(alias).map(Setting::value),
                Attributes.of(all.values()), s.at()));
    }

    private void blacklist(Section s, List<BlacklistRule> into) {
        for (Setting setting : settings(s, Scope.BLACKLIST, Layer.DEFAULTS)) {
            BlacklistRule.Kind kind = BlacklistRule.Kind.valueOf(setting.keyword().toUpperCase(java.util.Locale.ROOT));
            into.add(new BlacklistRule(kind, setting.value(), "", setting.at()));
        }
        for (Section device : s.sections()) {
            if (!device.name().equals("device")) {
                continue; // reported by settings()
            }
            Map<String, Setting> all = byKeyword(settings(device, Scope.BLACKLIST_DEVICE, Layer.DEFAULTS));
            Setting vendor = all.get("vendor");
            Setting product = all.get("product");
            if (vendor == null && product == null) {
                diagnostics.error(device.at(), "device entry in '" + s.name() + "' without vendor or product matches nothing");
                continue;
            }
            into.add(new BlacklistRule(BlacklistRule.Kind.DEVICE, vendor == null ? "" : vendor.value(),
                    product == null ? "" : product.value(), device.at()));
        }
    }

    private void iscsi(Section s) {
        settings(s, Scope.ISCSI, Layer.DEFAULTS).forEach(v -> initiatorName = Optional.of(v.value()));
        for (Section portal : s.sections()) {
            if (!portal.name().equals("portal")) {
                continue;
            }
            Map<String, Setting> all = byKeyword(settings(portal, Scope.PORTAL, Layer.DEFAULTS));
            Setting address = all.get("address");
            if (address == null) {
                missing(portal.at(), "address", "portal without address");
                continue;
            }
            Setting user = all.get("chap_user");
            Setting secret = all.get("chap_secret_file");
            if ((user == null) != (secret == null)) {
                diagnostics.error(portal.at(), "CHAP needs both chap_user and chap_secret_file");
                continue;
            }
            portals.add(new IscsiPortal(HostPort.parse(address.value(), 3260),
                    Optional.ofNullable(all.get("target")).map(Setting::value),
                    Optional.ofNullable(user).map(Setting::value),
                    Optional.ofNullable(secret).map(v -> Path.of(v.value())), portal.at()));
        }
    }

    private void endpoint(Section s) {
        Map<String, Setting> all = byKeyword(settings(s, Scope.ENDPOINT, Layer.DEFAULTS));
        Setting uri = all.get("uri");
        Setting wwid = all.get("wwid");
        if (uri == null || wwid == null) {
            missing(s.at(), uri == null ? "uri" : "wwid", "endpoint without " + (uri == null ? "uri" : "wwid")
                    + (uri == null ? "" : ": NBD has no inquiry data, the wwid says which endpoints are paths of one unit"));
            return;
        }
        NbdUri parsed = NbdUri.parse(uri.value());
        for (NbdEndpoint e : endpoints) {
            if (e.uri().equals(parsed)) {
                diagnostics.error(uri.at(), "endpoint " + uri.value() + " is already configured at " + e.at());
                return;
            }
        }
        endpoints.add(new NbdEndpoint(parsed, wwid.value(), s.at()));
    }

    private void export(Section s) {
        if (s.name().equals("metrics")) {
            metrics(s);
            return;
        }
        if (s.name().equals("fuse")) {
            fuse(s);
            return;
        }
        Map<String, Setting> all = byKeyword(settings(s, Scope.EXPORT_NBD, Layer.DEFAULTS));
        Setting listen = all.get("listen");
        if (listen == null) {
            missing(s.at(), "listen", "nbd export without listen");
            return;
        }
        Setting singlePaths = all.get("single_paths");
        listeners.add(new NbdListener(HostPort.parse(listen.value(), NbdUri.DEFAULT_PORT),
                singlePaths != null && ValueChecks.yes(singlePaths.value()), s.at()));
    }

    /** {@code export { fuse { mountpoint DIR } }}: one FUSE mount per daemon, every device a file in it. */
    private void fuse(Section s) {
        Setting mountpoint = byKeyword(settings(s, Scope.EXPORT_FUSE, Layer.DEFAULTS)).get("mountpoint");
        if (mountpoint == null) {
            missing(s.at(), "mountpoint", "fuse export without mountpoint");
            return;
        }
        if (fuseMountpoint.isPresent()) {
            diagnostics.error(s.at(), "a second fuse export; the daemon mounts one directory");
            return;
        }
        java.nio.file.Path dir = java.nio.file.Path.of(mountpoint.value());
        if (!dir.isAbsolute()) {
            diagnostics.error(mountpoint.at(), "mountpoint must be an absolute path, got '" + mountpoint.value() + "'");
            return;
        }
        fuseMountpoint = Optional.of(dir);
    }

    /** {@code export { metrics { listen ADDR:PORT } }}: one Prometheus endpoint per daemon. */
    private void metrics(Section s) {
        Setting listen = byKeyword(settings(s, Scope.EXPORT_METRICS, Layer.DEFAULTS)).get("listen");
        if (listen == null) {
            missing(s.at(), "listen", "metrics export without listen");
            return;
        }
        if (metricsListen.isPresent()) {
            diagnostics.error(s.at(), "a second metrics export; the daemon serves metrics on one address");
            return;
        }
        metricsListen = Optional.of(HostPort.parse(listen.value(), 9469));
    }

    /**
     * The keywords of one section, checked; subsections are checked against the section kind here
     * and left to the caller (protocol subsections of overrides are accepted and warned about).
     */
    private List<Setting> settings(Section s, Scope scope, Layer layer) {
        refused.clear();
        Map<String, Setting> seen = new LinkedHashMap<>();
        for (ConfigNode node : s.children()) {
            switch (node) {
                case Section sub -> {
                    Scope subScope = scope.subsections().get(sub.name());
                    if (subScope == null) {
                        unknownSection(sub, scope, "'" + s.name() + "'");
                    } else if (subScope == Scope.PROTOCOL) {
                        settings(sub, Scope.PROTOCOL, layer);
                    }
                }
                case Entry e -> {
                    Setting setting = setting(e, scope, s.name(), layer);
                    if (setting == null) {
                        continue;
                    }
                    Setting earlier = seen.get(setting.keyword());
                    boolean multi = scope == Scope.BLACKLIST;
                    if (earlier != null && !multi) {
                        diagnostics.warning(e.at(), "'" + e.keyword() + "' set again (first at line " + earlier.at().line()
                                + "); the later value wins");
                    }
                    seen.put(multi ? setting.keyword() + "@" + e.at() : setting.keyword(), setting);
                }
            }
        }
        return new ArrayList<>(seen.values());
    }

    private Setting setting(Entry e, Scope scope, String sectionName, Layer layer) {
        Optional<Keyword> found = table.find(scope, e.keyword());
        if (found.isEmpty()) {
            unknownKeyword(e, scope, sectionName);
            return null;
        }
        Keyword k = found.get();
        String canonical = k.aliasOf().orElse(k.name());
        if (k.status() == Keyword.Status.ACCEPTED_NOT_APPLICABLE) {
            String why = k.aliasOf().flatMap(a -> table.find(scope, a)).map(Keyword::mapping).orElse(k.mapping());
            diagnostics.warning(e.at(), "'" + e.keyword() + "' is accepted but not applicable, ignored: " + why);
            return null;
        }
        if (k.aliasOf().isPresent()) {
            diagnostics.warning(e.at(), "'" + e.keyword() + "' is an old spelling of '" + canonical + "'");
        }
        try {
            ValueChecks.check(scope, canonical, e.value());
        } catch (IllegalArgumentException ex) {
            diagnostics.error(e.valueAt(), ex.getMessage());
            refused.add(canonical);
            return null;
        }
        if (canonical.equals("features")) {
            Features f = Features.parse(e.value());
            if (!f.ignored().isEmpty()) {
                diagnostics.warning(e.valueAt(), "features " + String.join(", ", f.ignored())
                        + " configure the kernel's dm-multipath and are ignored");
            }
        }
        if (canonical.equals("find_multipaths") && e.value().equals("smart")) {
            diagnostics.warning(e.valueAt(), "find_multipaths smart acts as on: paths come from this file, there is no"
                    + " udev event to wait for a second path");
        }
        return new Setting(canonical, e.value(), e.valueAt(), layer);
    }

    /** Reports a required keyword as missing, unless it was there with a value already reported. */
    private void missing(SourceLocation at, String keyword, String message) {
        if (!refused.contains(keyword)) {
            diagnostics.error(at, message);
        }
    }

    private void unknownKeyword(Entry e, Scope scope, String sectionName) {
        List<String> elsewhere = new ArrayList<>();
        for (Scope other : Scope.values()) {
            if (other != scope && table.find(other, e.keyword()).isPresent()) {
                elsewhere.add(other.tableName());
            }
        }
        if (!elsewhere.isEmpty()) {
            diagnostics.error(e.at(), "keyword '" + e.keyword() + "' does not belong in section '" + sectionName
                    + "' (it belongs in: " + String.join(", ", elsewhere) + ")");
        } else {
            diagnostics.error(e.at(), "unknown keyword '" + e.keyword() + "' in section '" + sectionName + "'"
                    + suggestion(e.keyword(), table.names(scope)));
        }
    }

    private void unknownSection(Section s, Scope parent, String where) {
        List<String> valid = new ArrayList<>(parent.subsections().keySet());
        java.util.Collections.sort(valid);
        diagnostics.error(s.at(), "unknown section '" + s.name() + "' in " + where + suggestion(s.name(), valid)
                + (valid.isEmpty() ? "" : " (valid here: " + String.join(", ", valid) + ")"));
    }

    /** "; did you mean 'x'?" for the nearest name within a small edit distance, else "". */
    static String suggestion(String word, List<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, word.length() / 4) ? "; did you mean '" + best + "'?" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static Map<String, Setting> byKeyword(List<Setting> settings) {
        Map<String, Setting> m = new HashMap<>();
        settings.forEach(s -> m.put(s.keyword(), s));
        return m;
    }

    /** Maps every layer combination the file can produce once, reporting values the engine refuses. */
    private void checkCombinations(MpathConfig config) {
        ConfigResolver resolver = new ConfigResolver(config, BuiltinDevices.TABLE);
        List<Attributes> combos = new ArrayList<>();
        combos.add(resolver.base());
        for (DeviceEntry d : resolver.deviceTable()) {
            combos.add(resolver.base().overriddenBy(d.attributes()).overriddenBy(config.overrides()));
        }
        combos.add(resolver.base().overriddenBy(config.overrides()));
        for (MultipathEntry m : config.multipaths()) {
            combos.add(resolver.base().overriddenBy(config.overrides()).overriddenBy(m.attributes()));
        }
        java.util.Set<String> reported = new java.util.HashSet<>();
        for (Attributes a : combos) {
            Setting prio = a.get("prio").orElseThrow();
            // a prio in defaults is the baseline for units without ALUA; one in devices, overrides or
            // multipaths reads as meant for the unit, and detect_prio silently overrules it
            if (prio.layer().compareTo(Layer.DEVICES) >= 0 && !prio.value().equals("alua")
                    && ValueChecks.yes(a.require("detect_prio")) && reported.add(prio.at() + "detect_prio")) {
                diagnostics.warning(prio.at(), "prio " + prio.value() + " applies only to units without ALUA: detect_prio yes"
                        + " picks alua for ALUA units first, as in multipath-tools; set detect_prio no to force " + prio.value());
            }
            try {
                SettingsMapper.deviceConfig(a, false);
            } catch (SettingException e) {
                if (reported.add(e.setting().at() + e.getMessage())) {
                    diagnostics.error(e.setting().at(), e.getMessage());
                }
            }
        }
        try {
            SettingsMapper.monitorConfig(resolver.base());
        } catch (SettingException e) {
            diagnostics.error(e.setting().at(), e.getMessage());
        }
    }
}
