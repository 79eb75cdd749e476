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
 * ({@link MapNaming}) and its layered settings, and becomes a {@link MultipathDevice}. A unit left
 * single-path becomes a plain one-path device named by its WWID only when the export asks for
 * them ({@code single_paths yes}). Other paths (ignored units, blacklisted paths) are closed
 * again: no single path of a multipathed unit is ever exported next to, or instead of, its device.
 */
final class UnitAssembler {

    private static final Logger LOG = Logger.getLogger("io.mpath4j.daemon");

    private final ConfigResolver resolver;
    private final UnitPolicy policy;
    private final MapNaming naming;
    private final Engine engine;
    private final boolean singlePaths;

    UnitAssembler(ConfigResolver resolver, MapNaming naming, Engine engine, boolean singlePaths) {
        this.resolver = resolver;
        this.policy = new UnitPolicy(resolver);
        this.naming = naming;
        this.engine = engine;
        this.singlePaths = singlePaths;
    }

    List<LiveUnit> assemble(Map<String, List<Path>> byWwid) {
        List<LiveUnit> units = new ArrayList<>();
        for (var e : byWwid.entrySet()) {
            String wwid = e.getKey();
            List<Path> paths = e.getValue();
            UnitPolicy.Decision d = policy.decide(wwid, paths.stream().map(p -> PathFacts.of(p.identity())).toList());
            Set<String> kept = d.paths().stream().map(PathFacts::name).collect(Collectors.toSet());
            boolean build = d.handling() == UnitPolicy.Handling.MULTIPATHED
                    || (d.handling() == UnitPolicy.Handling.SINGLE_PATH && singlePaths);
            List<Path> use = new ArrayList<>();
            for (Path p : paths) {
                if (kept.contains(p.identity().name()) && build) {
                    use.add(p);
                } else {
                    p.close();
                }
            }
            String count = paths.size() + " path" + (paths.size() == 1 ? "" : "s");
            if (build) {
                try {
                    units.add(build(wwid, use, d, count));
                } catch (IOException | RuntimeException ex) {
                    use.forEach(Path::close);
                    LOG.severe("unit " + wwid + " (" + count + "): not assembled: " + ex.getMessage());
                }
            } else if (d.handling() == UnitPolicy.Handling.SINGLE_PATH) {
                LOG.info("unit " + wwid + " (" + count + "): left single-path, not exported (export single_paths no): " + d.reason());
            } else {
                LOG.info("unit " + wwid + " (" + count + "): ignored: " + d.reason());
            }
        }
        return units;
    }

    private LiveUnit build(String wwid, List<Path> paths, UnitPolicy.Decision d, String count) throws IOException {
        PathIdentity id = paths.getFirst().identity();
        boolean alua = paths.stream().anyMatch(p -> p.identity().targetPortGroup() >= 0);
        boolean multipathed = d.handling() == UnitPolicy.Handling.MULTIPATHED;
        // A single-path unit is not a map: multipath-tools gives it no alias or binding either.
        String name = multipathed ? naming.name(wwid, id.vendor(), id.product(), id.revision()) : wwid;
        LiveUnit probe = new LiveUnit(wwid, null, id, alua);
        MultipathDevice device = new MultipathDevice(name, probe.deviceConfig(resolver), engine, paths);
        LOG.info(name + " (" + wwid + "): " + count + (multipathed ? ", multipathed: " : ", left single-path, exported as a plain device: ")
                + d.reason() + "; " + device.topology().selectorDescription());
        return new LiveUnit(wwid, device, id, alua);
    }
}
