package io.mpath4j.iscsi;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Opens iSCSI paths from a list of URIs and groups them by the WWID each unit reports in VPD page
 * 83h (no configured WWID: the unit says who it is).
 */
public final class IscsiPaths {

    private IscsiPaths() {}

    /**
     * The paths that were opened, grouped by unit, and why others were not.
     *
     * @param byWwid the connected paths per WWID, in the order of the URIs (first WWID first)
     * @param warnings one line per URI left out (unreachable, login refused, duplicate)
     */
    public record Result(Map<String, List<IscsiPath>> byWwid, List<String> warnings) {
        public Result {
            Map<String, List<IscsiPath>> copy = new LinkedHashMap<>();
            byWwid.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            byWwid = java.util.Collections.unmodifiableMap(copy);
            warnings = List.copyOf(warnings);
        }

        /** All paths, in URI order. */
        public List<IscsiPath> paths() {
            List<IscsiPath> all = new ArrayList<>();
            byWwid.values().forEach(all::addAll);
            return all;
        }

        /**
         * The paths when all lead to one unit.
         *
         * @throws IllegalStateException naming each WWID and its paths when they lead to several
         *     units (or none connected)
         */
        public List<IscsiPath> singleUnit() {
            if (byWwid.size() == 1) {
                return byWwid.values().iterator().next();
            }
            if (byWwid.isEmpty()) {
                throw new IllegalStateException("no path could be opened: " + String.join("; ", warnings));
            }
            StringBuilder b = new StringBuilder("the URIs lead to " + byWwid.size() + " different units:");
            byWwid.forEach((w, ps) -> b.append(" wwid ").append(w).append(" via ")
                    .append(ps.stream().map(p -> p.identity().name()).toList()).append(';'));
            throw new IllegalStateException(b.toString());
        }
    }

    /** Connects to each URI in turn (each within the login timeout); never throws for one bad URI. */
    public static Result connect(List<IscsiUri> uris, IscsiOptions options) {
        Objects.requireNonNull(options, "options");
        Map<String, List<IscsiPath>> byWwid = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (IscsiUri uri : uris) {
            if (!names.add(uri.name())) {
                warnings.add(uri + ": left out, listed twice");
                continue;
            }
            try {
                IscsiPath p = IscsiPath.connect(uri, options);
                byWwid.computeIfAbsent(p.identity().wwid(), w -> new ArrayList<>()).add(p);
            } catch (IOException | RuntimeException e) {
                warnings.add(uri + ": left out, " + e.getMessage());
            }
        }
        for (List<IscsiPath> unit : byWwid.values()) {
            for (IscsiPath p : unit) {
                List<IscsiUri> siblings = new ArrayList<>();
                for (IscsiPath q : unit) {
                    if (q != p && samePortalGroup(p, q)) {
                        siblings.add(q.uri());
                    }
                }
                p.setFencePortals(siblings);
            }
        }
        return new Result(byWwid, warnings);
    }

    /**
     * Same target name and target portal group tag: a login through one with the other's ISID
     * reinstates the other's session (RFC 7143 §4.4, the session identifier includes the TPGT).
     */
    static boolean samePortalGroup(IscsiPath a, IscsiPath b) {
        var sa = a.session();
        var sb = b.session();
        return sa != null && sb != null && a.uri().target().equals(b.uri().target())
                && a.uri().user().equals(b.uri().user())
                && sa.parameters().targetPortalGroupTag().equals(sb.parameters().targetPortalGroupTag());
    }
}
