package io.mpath4j.daemon.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import io.mpath4j.iscsi.IscsiInventory;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.iscsi.login.TargetPortal;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mpath discover iscsi://[user%password@]HOST[:PORT]}: SendTargets discovery, then per
 * target its portals and its disks (LUN, WWID, vendor/product, capacity, ALUA state).
 */
@Command(name = "discover", mixinStandardHelpOptions = true,
        description = "List the iSCSI targets of a portal with their portals and LUNs (WWID, vendor/product, size, ALUA state).",
        footer = {"", "Example:", "  mpath discover iscsi://127.0.0.1:3260", "  mpath discover --json iscsi://user%secret@10.0.0.5"})
final class DiscoverCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URI", description = "The discovery portal: iscsi://[user[%%password]@]host[:port]")
    String uri;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Also log session events (login, logout) on stderr.")
    boolean verbose;

    /** Held so the level sticks (JUL keeps loggers weakly): a one-shot listing prints its result, not session chatter. */
    private static final java.util.logging.Logger ISCSI_LOG = java.util.logging.Logger.getLogger("io.mpath4j.iscsi");

    @Option(names = "--initiator-name", description = "Our iSCSI name (default ${DEFAULT-VALUE}).",
            defaultValue = IscsiOptions.DEFAULT_INITIATOR_NAME)
    String initiatorName;

    @Option(names = "--timeout", defaultValue = "10", description = "Seconds for each login and command (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (!verbose) {
            ISCSI_LOG.setLevel(java.util.logging.Level.WARNING);
        }
        IscsiUri portal = IscsiUri.parse(uri);
        if (!portal.isDiscovery()) {
            throw new IllegalArgumentException("'" + portal + "' names a target and LUN; give the portal only, e.g. iscsi://"
                    + portal.authority());
        }
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
        Duration t = Duration.ofSeconds(timeoutSeconds);
        IscsiOptions options = IscsiOptions.defaults().withInitiatorName(initiatorName).withTimeouts(t, t, t);
        List<IscsiInventory.Target> targets = IscsiInventory.list(portal, options);
        if (json) {
            out.println(JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(toJson(portal, targets)));
        } else {
            printText(portal, targets);
        }
        return 0;
    }

    private void printText(IscsiUri portal, List<IscsiInventory.Target> targets) {
        if (targets.isEmpty()) {
            out.println("no targets at " + portal.authority());
        }
        for (IscsiInventory.Target target : targets) {
            out.println("target " + target.name());
            for (TargetPortal p : target.portals()) {
                out.println("  portal " + p.toText());
            }
            if (!target.error().isEmpty()) {
                out.println("  error: " + target.error());
            }
            for (IscsiInventory.Unit u : target.units()) {
                if (u.identity() == null) {
                    out.println("  lun " + u.lun() + ": " + u.note());
                    continue;
                }
                out.printf("  lun %d: %s %s,%s rev %s size=%s (%d bytes, %d-byte blocks) [%s]%s%n", u.lun(),
                        u.identity().wwid(), u.identity().vendor(), u.identity().product(), u.identity().revision(),
                        size(u.geometry().sizeBytes()), u.geometry().sizeBytes(), u.geometry().logicalBlockSize(),
                        u.accessState().label(), u.identity().serial().isEmpty() ? "" : " serial " + u.identity().serial());
                out.println("    path iscsi://" + portal.authority() + "/" + target.name() + "/" + u.lun());
            }
        }
    }

    private static String size(long bytes) {
        String[] units = {"", "K", "M", "G", "T", "P"};
        int i = 0;
        double v = bytes;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return v == Math.rint(v) ? String.format("%d%s", (long) v, units[i]) : String.format("%.1f%s", v, units[i]);
    }

    static Map<String, Object> toJson(IscsiUri portal, List<IscsiInventory.Target> targets) {
        List<Object> ts = new ArrayList<>();
        for (IscsiInventory.Target target : targets) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", target.name());
            List<Object> portals = new ArrayList<>();
            for (TargetPortal p : target.portals()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("host", p.host());
                pm.put("port", p.port());
                pm.put("portal_group_tag", p.portalGroupTag().isPresent() ? p.portalGroupTag().getAsInt() : null);
                portals.add(pm);
            }
            t.put("portals", portals);
            if (!target.error().isEmpty()) {
                t.put("error", target.error());
            }
            List<Object> luns = new ArrayList<>();
            for (IscsiInventory.Unit u : target.units()) {
                Map<String, Object> lm = new LinkedHashMap<>();
                lm.put("lun", u.lun());
                lm.put("device_type", u.deviceType());
                if (u.identity() != null) {
                    lm.put("wwid", u.identity().wwid());
                    lm.put("vendor", u.identity().vendor());
                    lm.put("product", u.identity().product());
                    lm.put("revision", u.identity().revision());
                    lm.put("serial", u.identity().serial());
                    lm.put("size_bytes", u.geometry().sizeBytes());
                    lm.put("logical_block_size", u.geometry().logicalBlockSize());
                    lm.put("physical_block_size", u.geometry().physicalBlockSize());
                    lm.put("target_port_group", u.identity().targetPortGroup());
                    lm.put("alua_state", u.accessState().label());
                    lm.put("path", "iscsi://" + portal.authority() + "/" + target.name() + "/" + u.lun());
                } else {
                    lm.put("note", u.note());
                }
                luns.add(lm);
            }
            t.put("luns", luns);
            ts.add(t);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("portal", portal.authority());
        root.put("targets", ts);
        return root;
    }
}
