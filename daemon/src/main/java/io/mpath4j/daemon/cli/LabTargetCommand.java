package io.mpath4j.daemon.cli;

import io.mpath4j.daemon.lab.LabBench;
import io.mpath4j.daemon.lab.LabControl;
import io.mpath4j.daemon.lab.LabRequest;
import io.mpath4j.iscsi.login.ChapCredentials;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mpath lab target}: the lab iSCSI target ({@link LabBench}) in the foreground. Prints its
 * IQN, portals, port groups and the URI of each LUN through each portal, then {@code ready}; lives
 * until SIGTERM/SIGINT or a {@code stop} on its control endpoint.
 */
@Command(name = "target", mixinStandardHelpOptions = true,
        description = {"Run the lab iSCSI target in the foreground: real logical units (memory or file), several portals,"
                + " optional ALUA port groups, CHAP; faults and ALUA states change at run time through `mpath lab set`."},
        footer = {"", "Example:",
                "  mpath lab target --portal 127.0.0.1:3260 --portal 127.0.0.2:3260 --size 64M \\",
                "      --alua --control 127.0.0.1:3270",
                "  mpath lab set --control 127.0.0.1:3270 group 1 standby", "", "Requests of `mpath lab set`:",
                LabRequest.USAGE})
final class LabTargetCommand implements Callable<Integer> {

    @Option(names = "--portal", required = true, paramLabel = "HOST:PORT",
            description = "A portal (repeat for several); port 0 picks a free port (printed at start).")
    List<String> portals = new ArrayList<>();

    @Option(names = "--size", required = true, paramLabel = "SIZE", description = "Size of each LUN: bytes or with K, M, G (e.g. 64M).")
    String size;

    @Option(names = "--block-size", defaultValue = "512", description = "Logical block size (default ${DEFAULT-VALUE}).")
    int blockSize;

    @Option(names = "--luns", defaultValue = "1", description = "Number of LUNs, numbered from 0 (default ${DEFAULT-VALUE}).")
    int luns;

    @Option(names = "--alua", description = "Spread the portals over ALUA target port groups: the first active/optimized,"
            + " the others active/non-optimized.")
    boolean alua;

    @Option(names = "--groups", defaultValue = "2", description = "With --alua: how many port groups (default ${DEFAULT-VALUE},"
            + " at most one per portal).")
    int groups;

    @Option(names = "--transition-time", paramLabel = "DURATION", defaultValue = "0",
            description = "With --alua: every state change passes through TRANSITIONING for this long (e.g. 2s).")
    String transitionTime;

    @Option(names = "--backing", paramLabel = "FILE", description = "A file backstore for LUN 0 (FILE.L for LUN L) instead of memory.")
    Path backing;

    @Option(names = "--chap", paramLabel = "USER:SECRET", description = "Require CHAP of every initiator.")
    String chap;

    @Option(names = "--iqn", defaultValue = LabBench.DEFAULT_IQN, description = "The target name (default ${DEFAULT-VALUE}).")
    String iqn;

    @Option(names = "--control", paramLabel = "HOST:PORT|unix:PATH",
            description = "Where `mpath lab set` reaches it: a loopback HOST:PORT (port 0 picks one, printed at start)"
                    + " or a Unix socket unix:/path.")
    String control;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String p : portals) {
            addresses.add(LabProxyCommand.address("--portal", p));
        }
        java.net.SocketAddress controlAt = control == null ? null
                : LabControl.parseAddress(control, spec -> LabProxyCommand.address("--control", spec));
        int groupCount = alua ? Math.min(groups, addresses.size()) : 0;
        if (alua && groups < 1) {
            throw new IllegalArgumentException("--groups must be ≥ 1, got " + groups);
        }
        LabBench.Spec s = new LabBench.Spec(iqn, addresses, size(size), blockSize, luns, groupCount,
                groupCount > 0 ? LabRequest.duration(transitionTime) : Duration.ZERO, backing, chap(chap));
        CountDownLatch stopped = new CountDownLatch(1);
        try (LabBench bench = LabBench.start(s)) {
            LabControl ctl = null;
            try {
                if (controlAt != null) {
                    ctl = LabControl.start(bench, controlAt, why -> stopped.countDown());
                }
                Thread hook = new Thread(stopped::countDown);
                Runtime.getRuntime().addShutdownHook(hook);
                out.print(bench.describe());
                if (ctl != null) {
                    out.println("control " + LabControl.describe(ctl.address()));
                }
                out.println("ready");
                out.flush();
                stopped.await();
                out.println("stopped");
                out.flush();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // SIGTERM: the JVM is already stopping; the target closes below
                }
                return 0;
            } finally {
                if (ctl != null) {
                    ctl.close();
                }
            }
        }
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)([KMGT]?)(i?B)?", Pattern.CASE_INSENSITIVE);

    /** {@code 64M}, {@code 1G}, {@code 1048576}: binary units. */
    static long size(String s) {
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("--size '" + s + "' must be a number with an optional K, M, G or T suffix, e.g. 64M");
        }
        int shift = switch (m.group(2).toUpperCase(java.util.Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        return Long.parseLong(m.group(1)) << shift;
    }

    static ChapCredentials chap(String spec) {
        if (spec == null) {
            return null;
        }
        int colon = spec.indexOf(':');
        if (colon < 1 || colon == spec.length() - 1) {
            throw new IllegalArgumentException("--chap must be USER:SECRET");
        }
        return new ChapCredentials(spec.substring(0, colon), spec.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
    }
}
