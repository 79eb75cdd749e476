package io.mpath4j.daemon.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds of section a keyword can appear in, with the sections each may contain. Names are
 * those of {@code keywords.txt}; {@link #sectionName} is what the file says.
 */
public enum Scope {
    TOP(""),
    DEFAULTS("defaults"),
    BLACKLIST("blacklist"),
    BLACKLIST_DEVICE("device"),
    DEVICES("devices"),
    DEVICE("device"),
    OVERRIDES("overrides"),
    PROTOCOL("protocol"),
    MULTIPATHS("multipaths"),
    MULTIPATH("multipath"),
    ISCSI("iscsi"),
    PORTAL("portal"),
    NBD("nbd"),
    ENDPOINT("endpoint"),
    EXPORT("export"),
    EXPORT_NBD("nbd"),
    EXPORT_METRICS("metrics"),
    EXPORT_FUSE("fuse");

    private final String sectionName;

    Scope(String sectionName) {
        this.sectionName = sectionName;
    }

    public String sectionName() {
        return sectionName;
    }

    /** The name used in keywords.txt and the docs (blacklist-device, export-nbd, …). */
    public String tableName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Optional<Scope> byTableName(String name) {
        for (Scope s : values()) {
            if (s.tableName().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The sections that may appear inside this one, by the name the file uses. */
    public Map<String, Scope> subsections() {
        return switch (this) {
            case TOP -> Map.of("defaults", DEFAULTS, "blacklist", BLACKLIST, "blacklist_exceptions", BLACKLIST,
                    "devices", DEVICES, "overrides", OVERRIDES, "multipaths", MULTIPATHS, "iscsi", ISCSI, "nbd", NBD,
                    "export", EXPORT);
            case BLACKLIST -> Map.of("device", BLACKLIST_DEVICE);
            case DEVICES -> Map.of("device", DEVICE);
            case OVERRIDES -> Map.of("protocol", PROTOCOL);
            case MULTIPATHS -> Map.of("multipath", MULTIPATH);
            case ISCSI -> Map.of("portal", PORTAL);
            case NBD -> Map.of("endpoint", ENDPOINT);
            case EXPORT -> Map.of("nbd", EXPORT_NBD, "metrics", EXPORT_METRICS, "fuse", EXPORT_FUSE);
            default -> Map.of();
        };
    }
}
