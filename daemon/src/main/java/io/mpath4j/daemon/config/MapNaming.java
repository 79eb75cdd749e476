package io.mpath4j.daemon.config;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The name of a multipathed unit, in multipath-tools' order: the {@code alias} of its
 * {@code multipaths} entry; else, with {@code user_friendly_names yes}, its binding (allocated
 * with {@code alias_prefix} if new); else the WWID itself.
 */
public final class MapNaming {

    private final ConfigResolver resolver;
    private final Bindings bindings;
    private final Set<String> configuredAliases = new HashSet<>();

    public MapNaming(ConfigResolver resolver, Bindings bindings) {
        this.resolver = resolver;
        this.bindings = bindings;
        resolver.config().multipaths().forEach(m -> m.alias().ifPresent(configuredAliases::add));
    }

    public String name(String wwid, String vendor, String product, String revision) throws IOException {
        var entry = resolver.config().multipath(wwid);
        if (entry.isPresent() && entry.get().alias().isPresent()) {
            return entry.get().alias().get();
        }
        Attributes s = resolver.resolve(wwid, vendor, product, revision);
        if (!ValueChecks.yes(s.require("user_friendly_names"))) {
            return wwid;
        }
        return bindings.allocate(wwid, s.require("alias_prefix"), configuredAliases);
    }
}
