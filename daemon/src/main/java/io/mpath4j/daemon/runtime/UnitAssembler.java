package io.mpath4j.daemon.runtime;

import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.path.Path;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.daemon.config.ConfigResolver;
import io.mpath4j.daemon.config.MapNaming;
import io.mpath4j.daemon.config.PathFacts;
import io.mpath4j.daemon.config.UnitPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Turns discovered paths into devices: per WWID the {@link UnitPolicy} decides (multipathed,
 * single-path or ignored, with its reason, which is logged), a multipathed unit gets its name
 * ({@link MapNaming}) and its layered settings, and becomes a {@link MultipathDevice}. Paths of
 * units that are not multipathed, and blacklisted paths, are closed again: no single path of a
 * unit is ever exported next to, or instead of, its device.
 */
final class UnitAssembler {

    private static final Logger LOG = Logger.getLogger("io.mpath4j.daemon");

    private final ConfigResolver resolver;
    private final UnitPolicy policy;
    private final MapNaming naming;
    private final Engine engine;

    UnitAssembler(ConfigResolver resolver, MapNaming naming, Engine engine) {
        this.resolver = resolver;
        this.policy = new UnitPolicy(resolver);
        this.naming = naming;
        this.engine = engine;
    }

    List<LiveUnit> assemble(Map<String, List<Path>> byWwid) {
        List<LiveUnit> units = new ArrayList<>();
        for (var e : byWwid.entrySet()) {
            String wwid = e.getKey();
            List<Path> paths = e.getValue();
            UnitPolicy.Decision d = policy.decide(wwid, paths.stream().map(p -> PathFacts.of(p.identity())).toList());
            Set<String> kept = d.paths().stream().map(PathFacts::name).collect(Collectors.toSet());
            List<Path> use = new ArrayList<>();
            for (Path p : paths) {
                if (kept.contains(p.identity().name()) && d.handling() == UnitPolicy.Handling.MULTIPATHED) {
                    use.add(p);
                } else {
                    p.close();
                }
            }
            String count = paths.size() + " path" + (paths.size() == 1 ? "" : "s");
            switch (d.handling()) {
                case MULTIPATHED -> {
                    try {
                        units.add(build(wwid, use, d, count));
                    } catch (IOException | RuntimeException ex) {
                        use.forEach(Path::close);
                        LOG.severe("unit " + wwid + " (" + count + "): not assembled: " + ex.getMessage());
                    }
                }
                case SINGLE_PATH -> LOG.info("unit " + wwid + " (" + count + "): left single-path, not exported: " + d.reason());
                case IGNORED -> LOG.info("unit " + wwid + " (" + count + "): ignored: " + d.reason());
            }
        }
        return units;
    }

    private LiveUnit build(String wwid, List<Path> paths, UnitPolicy.Decision d, String count) throws IOException {
        PathIdentity id = paths.getFirst().identity();
        boolean alua = paths.stream().anyMatch(p -> p.identity().targetPortGroup() >= 0);
        String name = naming.name(wwid, id.vendor(), id.product(), id.revision());
        LiveUnit probe = new LiveUnit(wwid, null, id, alua);
        MultipathDevice device = new MultipathDevice(name, probe.deviceConfig(resolver), engine, paths);
        LOG.info(name + " (" + wwid + "): " + count + ", multipathed: " + d.reason() + "; "
                + device.topology().selectorDescription());
        return new LiveUnit(wwid, device, id, alua);
    }
}
