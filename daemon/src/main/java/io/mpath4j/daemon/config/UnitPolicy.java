package io.mpath4j.daemon.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides per unit (a WWID and the paths found to it) whether mpath4j multipaths it, leaves it as
 * a plain single-path device, or ignores it, and says why. Paths are filtered first, category by
 * category as multipath-tools does (devnode, device, wwid, protocol): a path is excluded when a
 * {@code blacklist} rule of a category matches and no {@code blacklist_exceptions} rule of the
 * same category does. The built-in and configured {@code product_blacklist} entries count as
 * device rules. Then {@code multipaths} and {@code find_multipaths} decide.
 */
public final class UnitPolicy {

    public enum Handling {
        /** A multipath device is built over the unit's paths; no single path is exported. */
        MULTIPATHED,
        /** Left as a plain single-path device (exported as such only if configured). */
        SINGLE_PATH,
        /** Every path is blacklisted. */
        IGNORED
    }

    /** The verdict, its reason for logs and {@code show}, and the paths that remain. */
    public record Decision(Handling handling, String reason, List<PathFacts> paths) {
        public Decision {
            paths = List.copyOf(paths);
        }
    }

    private final ConfigResolver resolver;
    private final List<BlacklistRule> blacklist;
    private final List<BlacklistRule> exceptions;
    private final String findMultipaths;

    public UnitPolicy(ConfigResolver resolver) {
        this.resolver = resolver;
        List<BlacklistRule> rules = new ArrayList<>(resolver.config().blacklist());
        for (DeviceEntry d : resolver.deviceTable()) {
            if (!d.productBlacklist().isEmpty()) {
                rules.add(new BlacklistRule(BlacklistRule.Kind.DEVICE, d.vendor(), d.productBlacklist(), d.at()));
            }
        }
        this.blacklist = List.copyOf(rules);
        this.exceptions = resolver.config().exceptions();
        this.findMultipaths = resolver.base().require("find_multipaths");
    }

    /** The rule excluding this path, if one does (and no exception of its category saves it). */
    public Optional<BlacklistRule> excludedBy(PathFacts path) {
        for (BlacklistRule.Kind kind : List.of(BlacklistRule.Kind.DEVNODE, BlacklistRule.Kind.DEVICE,
                BlacklistRule.Kind.WWID, BlacklistRule.Kind.PROTOCOL)) {
            Optional<BlacklistRule> hit = blacklist.stream().filter(r -> r.kind() == kind && r.matches(path)).findFirst();
            if (hit.isPresent() && exceptions.stream().noneMatch(r -> r.kind() == kind && r.matches(path))) {
                return hit;
            }
        }
        return Optional.empty();
    }

    public Decision decide(String wwid, List<PathFacts> paths) {
        List<PathFacts> kept = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (PathFacts p : paths) {
            Optional<BlacklistRule> rule = excludedBy(p);
            if (rule.isPresent()) {
                excluded.add(p.name() + " blacklisted by " + rule.get());
            } else {
                kept.add(p);
            }
        }
        String note = excluded.isEmpty() ? "" : "; " + String.join("; ", excluded);
        if (kept.isEmpty()) {
            return new Decision(Handling.IGNORED, "all paths blacklisted" + note, kept);
        }
        Optional<MultipathEntry> listed = resolver.config().multipath(wwid);
        if (listed.isPresent()) {
            return new Decision(Handling.MULTIPATHED, "listed in multipaths at " + listed.get().at() + note, kept);
        }
        return switch (findMultipaths) {
            case "off", "no", "greedy" -> new Decision(Handling.MULTIPATHED,
                    "find_multipaths " + findMultipaths + ": every unit not blacklisted is multipathed" + note, kept);
            case "strict" -> new Decision(Handling.SINGLE_PATH,
                    "find_multipaths strict and the wwid is not listed in multipaths" + note, kept);
            default -> kept.size() >= 2
                    ? new Decision(Handling.MULTIPATHED, kept.size() + " paths and find_multipaths " + findMultipaths + note, kept)
                    : new Decision(Handling.SINGLE_PATH,
                            "one path, find_multipaths " + findMultipaths + " and the wwid is not listed in multipaths" + note, kept);
        };
    }
}
