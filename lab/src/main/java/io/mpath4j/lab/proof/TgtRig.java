package io.mpath4j.lab.proof;

import io.mpath4j.iscsi.IscsiUri;
import io.mpath4j.lab.proxy.BlackholeMode;
import io.mpath4j.lab.proxy.FaultProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A real tgtd with one LU and N portals, two ways:
 *
 * <ul>
 *   <li><b>in a test bed</b> (root; this JVM runs in the bed's initiator namespace): tgtd runs in
 *       the bed's one target namespace ({@code testbed.sh create N shared}) with a portal on each
 *       path's target address 10.200.I.2; the initiator connects straight over the veth links.
 *       Faults: a silent link cut ({@code testbed.sh cut/restore}), the target closing the path's
 *       connection ({@code tgtadm --op delete --mode conn}), the path's link shaped to 8 Mbit/s (tc
 *       htb; the kernel has no netem, so this is the bed's latency).
 *   <li><b>through fault proxies</b> (no root): tgtd on 127.0.0.1, one {@link FaultProxy} per path
 *       on 127.0.0.(10+I). Faults: blackhole, reset, latency.
 * </ul>
 *
 * tgt has no ALUA target port groups to flip, so its runs have no ALUA flips.
 */
public final class TgtRig implements TortureRig {

    private final TgtDaemon tgtd;
    private final TestbedScript bed; // null: through proxies
    private final List<FaultProxy> proxies;
    private final List<String> hosts;
    private final int paths;

    private TgtRig(TgtDaemon tgtd, TestbedScript bed, List<FaultProxy> proxies, List<String> hosts) {
        this.tgtd = tgtd;
        this.bed = bed;
        this.proxies = proxies;
        this.hosts = hosts;
        this.paths = hosts.size();
    }

    /** tgtd in the shared target namespace of {@code bed} (which has {@code paths} paths); this JVM is in its initiator namespace. */
    public static TgtRig inBed(TestbedScript bed, int paths, long size) {
        List<String> hosts = new ArrayList<>();
        for (int i = 1; i <= paths; i++) {
            hosts.add(bed.addr(i));
        }
        TgtDaemon t = TgtDaemon.start(bed.command(List.of("run-target", "1")), hosts, 3260, size);
        return new TgtRig(t, bed, List.of(), hosts);
    }

    /** tgtd on 127.0.0.1 behind one fault proxy per path. */
    public static TgtRig throughProxies(int paths, long size) throws Exception {
        int port = 20_000 + (int) (ProcessHandle.current().pid() % 20_000);
        TgtDaemon t = TgtDaemon.start(List.of(), List.of("127.0.0.1"), port, size);
        List<FaultProxy> proxies = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        try {
            for (int i = 1; i <= paths; i++) {
                FaultProxy p = FaultProxy.start(new InetSocketAddress("127.0.0." + (10 + i), 0),
                        new InetSocketAddress("127.0.0.1", port));
                proxies.add(p);
                hosts.add(p.listenAddress().getHostString() + ":" + p.listenAddress().getPort());
            }
        } catch (Exception e) {
            proxies.forEach(FaultProxy::close);
            t.close();
            throw e;
        }
        return new TgtRig(t, null, proxies, hosts);
    }

    @Override
    public String describe() {
        return bed != null
                ? "tgtd, " + paths + " portals in test bed '" + bed.prefix() + "' (one target namespace, " + paths + " veth links)"
                : "tgtd on 127.0.0.1, " + paths + " fault proxies on 127.0.0.11-" + (10 + paths);
    }

    @Override
    public List<IscsiUri> uris() {
        List<IscsiUri> uris = new ArrayList<>();
        for (String h : hosts) {
            String hostPort = bed != null ? h + ":" + tgtd.port() : h;
            uris.add(IscsiUri.parse("iscsi://" + hostPort + "/" + TgtDaemon.IQN + "/1"));
        }
        return uris;
    }

    @Override
    public List<TortureFault> faults() {
        return bed != null ? List.of(TortureFault.LINK_CUT, TortureFault.RESET, TortureFault.RATE_LIMIT)
                : List.of(TortureFault.BLACKHOLE, TortureFault.RESET, TortureFault.LATENCY);
    }

    @Override
    public List<String> notes() {
        List<String> n = new ArrayList<>(List.of("tgt has no ALUA target port groups: no ALUA flips"));
        if (bed == null) {
            n.add("no netns test bed (not root, or --no-bed): silent cuts are fault-proxy blackholes");
        } else {
            n.add("no netem in this kernel: the bed's slow path is tc htb at 8 Mbit/s, latency needs the fault proxy");
        }
        return n;
    }

    @Override
    public String inject(TortureFault fault, int path, Random random) throws Exception {
        String p = Integer.toString(path + 1);
        Duration d = TortureRig.hold(random);
        return switch (fault) {
            case LINK_CUT -> {
                bed.run("cut", p);
                try {
                    Thread.sleep(d);
                } finally {
                    bed.run("restore", p);
                }
                yield "link down for " + d.toMillis() + " ms";
            }
            case RATE_LIMIT -> {
                bed.run("rate", p, "8mbit");
                try {
                    Thread.sleep(d);
                } finally {
                    bed.run("rate", p, "off");
                }
                yield "8 Mbit/s for " + d.toMillis() + " ms";
            }
            case RESET -> bed != null
                    ? "tgtd closed " + tgtd.closeConnectionsFrom(bed.initAddr(path + 1)) + " connection(s)"
                    : proxies.get(path).reset() + " connection(s) reset";
            case BLACKHOLE -> {
                proxies.get(path).blackhole(BlackholeMode.HOLD);
                try {
                    Thread.sleep(d);
                } finally {
                    proxies.get(path).restore();
                }
                yield "silent for " + d.toMillis() + " ms";
            }
            case LATENCY -> {
                proxies.get(path).latency(Duration.ofMillis(20), Duration.ofMillis(40));
                try {
                    Thread.sleep(d);
                } finally {
                    proxies.get(path).latency(Duration.ZERO, Duration.ZERO);
                }
                yield "20-60 ms for " + d.toMillis() + " ms";
            }
            case ALUA_FLIP -> throw new IllegalArgumentException("tgt has no ALUA target port groups");
        };
    }

    @Override
    public void clearFaults() {
        for (int i = 1; i <= paths; i++) {
            if (bed != null) {
                ExternalCommand.run(bed.command(List.of("restore", Integer.toString(i))), Duration.ofSeconds(30));
                ExternalCommand.run(bed.command(List.of("rate", Integer.toString(i), "off")), Duration.ofSeconds(30));
            } else {
                try {
                    proxies.get(i - 1).passThrough();
                } catch (java.io.IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    @Override
    public void close() {
        proxies.forEach(FaultProxy::close);
        tgtd.close();
    }
}
