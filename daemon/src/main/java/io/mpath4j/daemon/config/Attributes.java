package io.mpath4j.daemon.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The device settings of one layer (a {@code defaults}, {@code device}, {@code overrides} or
 * {@code multipath} section), keyed by canonical keyword, in file order. Layers combine with
 * {@link #overriddenBy}: a keyword set in the upper layer wins, everything else is kept.
 */
public final class Attributes {

    public static final Attributes EMPTY = new Attributes(Map.of());

    private final Map<String, Setting> settings;

    private Attributes(Map<String, Setting> settings) {
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    public static Attributes of(Collection<Setting> settings) {
        Map<String, Setting> m = new LinkedHashMap<>();
        settings.forEach(s -> m.put(s.keyword(), s));
        return new Attributes(m);
    }

    public Optional<Setting> get(String keyword) {
        return Optional.ofNullable(settings.get(keyword));
    }

    public Optional<String> value(String keyword) {
        return get(keyword).map(Setting::value);
    }

    /** The value, which must be present (resolved settings always carry the built-in defaults). */
    public String require(String keyword) {
        return value(keyword).orElseThrow(() -> new IllegalStateException("no value for " + keyword));
    }

    public Collection<Setting> settings() {
        return settings.values();
    }

    public boolean isEmpty() {
        return settings.isEmpty();
    }

    public Attributes overriddenBy(Attributes upper) {
        Map<String, Setting> m = new LinkedHashMap<>(settings);
        m.putAll(upper.settings);
        return new Attributes(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attributes a && a.settings.equals(settings);
    }

    @Override
    public int hashCode() {
        return settings.hashCode();
    }

    @Override
    public String toString() {
        return settings.values().toString();
    }
}
