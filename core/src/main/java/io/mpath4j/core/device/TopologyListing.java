package io.mpath4j.core.device;

import java.util.List;
import java.util.Locale;

/**
 * Prints a topology in the shape of {@code multipath -ll}, so that administrators read it at a
 * glance. Path lines carry the path name where multipath prints H:C:T:L and the kernel device,
 * and add the ALUA/ANA access state.
 */
public final class TopologyListing {

    private TopologyListing() {}

    public static String format(Topology t, String vendorProduct) {
        StringBuilder out = new StringBuilder();
        out.append(t.name());
        if (!t.name().equals(t.wwid())) {
            out.append(" (").append(t.wwid()).append(')');
        }
        out.append(" mpath4j ").append(vendorProduct).append('\n');
        String features = t.queueMode().startsWith("queue_if_no_path") ? "'1 queue_if_no_path'" : "'0'";
        out.append("size=").append(humanSize(t.geometry().sizeBytes()))
                .append(" features=").append(features)
                .append(" hwhandler='").append(hasAlua(t) ? "1 alua" : "0").append("' wp=rw\n");
        List<GroupView> groups = t.groups();
        for (int i = 0; i < groups.size(); i++) {
            GroupView g = groups.get(i);
            boolean lastGroup = i == groups.size() - 1;
            out.append(lastGroup ? "`-+- " : "|-+- ")
                    .append("policy='").append(t.selectorDescription()).append("' prio=").append(g.priority())
                    .append(" status=").append(g.status()).append('\n');
            List<PathView> paths = g.paths();
            for (int j = 0; j < paths.size(); j++) {
                PathView p = paths.get(j);
                out.append(lastGroup ? "  " : "| ").append(j == paths.size() - 1 ? "`- " : "|- ")
                        .append(p.name()).append(' ').append(p.dmState()).append(' ').append(p.checker())
                        .append(' ').append(p.access() == io.mpath4j.core.path.AccessState.OFFLINE ? "offline" : "running")
                        .append(" [").append(p.access()).append(']');
                if (p.failed() && !p.failReason().isEmpty()) {
                    out.append(" (").append(p.failReason()).append(')');
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static boolean hasAlua(Topology t) {
        return t.paths().stream().anyMatch(p -> p.identity().targetPortGroup() >= 0);
    }

    /** 1.0G, 512M, 2.0T as multipath prints sizes. */
    static String humanSize(long bytes) {
        String units = "KMGTPE";
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length() - 1) {
            v /= 1024;
            u++;
        }
        if (u < 0) {
            return bytes + "B";
        }
        return (v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v)) + units.charAt(u);
    }
}
