package io.mpath4j.daemon.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.daemon.MpathJar;
import io.mpath4j.iscsi.TgtTarget;
import io.mpath4j.nbd.PeerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mpath daemon -c FILE} as systemd runs it: the shaded jar in its own JVM, a configuration
 * file naming two nbdkit servers over one backing file (127.0.0.1 and 127.0.0.2, one WWID, an
 * alias) and a tgtd target reachable through two portals with CHAP (named by user_friendly_names).
 * Real clients check the result: {@code mpath show topology} from a second JVM, nbdinfo's export
 * list, fio with crc32c verification through a server kill and through a reconfigure, curl on the
 * metrics; then a refused reconfigure, SIGTERM, and a file with a typo.
 */
class DaemonIT {

    private static final String NBD_WWID = "3600daemonit";
    private static final String CHAP_USER = "daemonit";
    private static final String CHAP_SECRET = "daemonit-secret-16";

    private Path dir;
    private Path backing;
    private PeerProcess serverA;
    private PeerProcess serverB;
    private PeerProcess single;
    private TgtTarget tgt;
    private int portA;
    private int portB;
    private int portC;

    @BeforeEach
    void startPeers() throws IOException {
        MpathJar.requireBuilt();
        dir = Files.createTempDirectory("mpath4j-daemon-it");
        backing = Files.createTempFile(Path.of("/dev/shm"), "mpath4j-daemon-", ".img");
        try (var f = java.nio.channels.FileChannel.open(backing, java.nio.file.StandardOpenOption.WRITE)) {
            f.write(java.nio.ByteBuffer.allocate(1), (64L << 20) - 1);
        }
        portA = PeerProcess.freePort();
        portB = PeerProcess.freePort();
        serverA = nbdkit("127.0.0.1", portA);
        serverB = nbdkit("127.0.0.2", portB);
        portC = PeerProcess.freePort();
        single = PeerProcess.startServer(List.of("nbdkit", "-f", "--exit-with-parent", "-i", "127.0.0.3", "-p",
                Integer.toString(portC), "memory", "16M"), "127.0.0.3", portC, Duration.ofSeconds(10));
        tgt = TgtTarget.start(32L << 20);
        tgt.addPortal("127.0.0.2");
        tgt.requireChap(CHAP_USER, CHAP_SECRET);
        Files.writeString(dir.resolve("chap.secret"), CHAP_SECRET + "\n");
    }

    private PeerProcess nbdkit(String host, int port) {
        return PeerProcess.startServer(List.of("nbdkit", "-f", "--exit-with-parent", "-i", host, "-p", Integer.toString(port),
                "file", backing.toString()), host, port, Duration.ofSeconds(10));
    }

    @AfterEach
    void stopPeers() throws IOException {
        for (AutoCloseable p : new AutoCloseable[] {serverA, serverB, single, tgt}) {
            try {
                if (p != null) {
                    p.close();
                }
            } catch (Exception ignored) {
                // the others still get closed
            }
        }
        Files.deleteIfExists(backing);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    private String config(int exportPort, int metricsPort, String selector) {
        return """
                # DaemonIT
                defaults {
                	polling_interval 1
                	checker_timeout 3
                	user_friendly_names yes
                	bindings_file %1$s/bindings
                	path_selector "%2$s"
                }
                multipaths {
                	multipath {
                		wwid %3$s
                		alias disk
                	}
                }
                iscsi {
                	portal {
                		address 127.0.0.1:%4$d
                		target %5$s
                		chap_user %6$s
                		chap_secret_file %1$s/chap.secret
                	}
                	portal {
                		address 127.0.0.2:%4$d
                		target %5$s
                		chap_user %6$s
                		chap_secret_file %1$s/chap.secret
                	}
                }
                nbd {
                	endpoint {
                		uri nbd://127.0.0.1:%7$d/
                		wwid %3$s
                	}
                	endpoint {
                		uri nbd://127.0.0.2:%8$d/
                		wwid %3$s
                	}
                	endpoint {
                		uri nbd://127.0.0.3:%11$d/
                		wwid 3600single
                	}
                }
                export {
                	nbd {
                		listen 127.0.0.1:%9$d
                		single_paths yes
                	}
                	metrics {
                		listen 127.0.0.1:%10$d
                	}
                	fuse {
                		mountpoint %1$s/mnt
                	}
                }
                """.formatted(dir, selector, NBD_WWID, tgt.port, tgt.iqn, CHAP_USER, portA, portB, exportPort, metricsPort, portC);
    }

    private static CompletableFuture<PeerProcess.Result> fio(String name, String uri) {
        return CompletableFuture.supplyAsync(() -> PeerProcess.run(List.of("fio", "--name=" + name, "--ioengine=nbd",
                "--uri=" + uri, "--rw=randrw", "--bs=4k", "--iodepth=16", "--size=16M", "--verify=crc32c",
                "--verify_fatal=1", "--runtime=6", "--time_based", "--verify_state_save=0"), Duration.ofSeconds(60)));
    }

    @Test
    void runsTheConfiguredDevicesReconfiguresUnderIoAndStopsCleanly() throws Exception {
        int exportPort = PeerProcess.freePort();
        int metricsPort = PeerProcess.freePort();
        Path conf = dir.resolve("multipath.conf");
        Path socket = dir.resolve("mpath.sock");
        Files.writeString(conf, config(exportPort, metricsPort, "service-time 0"));
        Files.createDirectories(dir.resolve("mnt"));
        String disk = "nbd://127.0.0.1:" + exportPort + "/disk";
        String mpatha = "nbd://127.0.0.1:" + exportPort + "/mpatha";
        try (PeerProcess daemon = PeerProcess.startServer(MpathJar.command("daemon", "-c", conf.toString(), "--socket", socket.toString()),
                "127.0.0.1", exportPort, Duration.ofSeconds(40))) {
            MpathJar.awaitOutput(daemon, "INFO running [");

            // names: the alias for the NBD unit, a user friendly name (written to the bindings file) for the iSCSI one
            String topology = run(MpathJar.command("show", "topology", "-s", socket.toString()), "show topology");
            assertThat(topology).contains("disk (" + NBD_WWID + ") mpath4j NBD,").contains("mpatha (")
                    .contains("nbd://127.0.0.2:" + portB + "/ active")
                    .contains("iscsi://127.0.0.2:" + tgt.port + "/" + tgt.iqn + "/1 active");
            String iscsiWwid = wwidOf(topology, "mpatha");
            assertThat(Files.readString(dir.resolve("bindings"))).contains("mpatha " + iscsiWwid);
            assertThat(daemon.output()).contains("disk (" + NBD_WWID + "): 2 paths, multipathed: listed in multipaths at " + conf)
                    .contains("mpatha (" + iscsiWwid + "): 2 paths, multipathed: 2 paths and find_multipaths");

            // every device is also a file under the FUSE mount point: what is written through the file
            // reads back through the NBD export
            Path diskFile = dir.resolve("mnt/disk");
            assertThat(Files.size(diskFile)).isEqualTo(64L << 20);
            byte[] pattern = new byte[4096];
            new java.util.Random(7).nextBytes(pattern);
            try (var ch = java.nio.channels.FileChannel.open(diskFile, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(pattern), 1 << 20);
                ch.force(false);
            }
            Path readBack = dir.resolve("readback");
            run(List.of("nbdcopy", disk, readBack.toString()), "nbdcopy");
            byte[] viaNbd = new byte[4096];
            try (var ch = java.nio.channels.FileChannel.open(readBack)) {
                ch.read(java.nio.ByteBuffer.wrap(viaNbd), 1 << 20);
            }
            Files.delete(readBack);
            assertThat(viaNbd).isEqualTo(pattern);

            // the daemon's running configuration, from a second JVM
            String running = run(MpathJar.command("show", "config", "--running", "-s", socket.toString()), "show config --running");
            assertThat(running).startsWith("# effective configuration of " + conf + " (running)").contains("alias disk")
                    .contains("single_paths yes");

            // one export per device, named after the map; no path of a multipathed unit is exported, and
            // the one-path unit (find_multipaths on) is exported as a plain device because single_paths says so
            String list = run(List.of("nbdinfo", "--list", "--json", "nbd://127.0.0.1:" + exportPort + "/"), "nbdinfo --list");
            List<String> exports = new ArrayList<>();
            Matcher m = Pattern.compile("\"export-name\":\\s*\"([^\"]*)\"").matcher(list);
            while (m.find()) {
                exports.add(m.group(1));
            }
            assertThat(exports).containsExactlyInAnyOrder("disk", "mpatha", "3600single");
            assertThat(daemon.output()).contains("3600single (3600single): 1 path, left single-path, exported as a plain device: one path");

            // fio verify on the NBD-backed device while one of its servers is killed
            CompletableFuture<PeerProcess.Result> fio = fio("daemon-kill", disk);
            Thread.sleep(2_000);
            serverB.kill();
            PeerProcess.Result r = fio.get();
            assertThat(r.exitCode()).as(r.output() + "\n--- daemon:\n" + daemon.output()).isZero();
            assertThat(r.output()).contains("err= 0").doesNotContain("verify:");
            MpathJar.awaitOutput(daemon, "nbd://127.0.0.2:" + portB + "/: path failed");

            // reconfigure under I/O on the iSCSI-backed device: the new selector is live, no I/O error
            fio = fio("daemon-reconfigure", mpatha);
            Thread.sleep(2_000);
            Files.writeString(conf, config(exportPort, metricsPort, "round-robin 0"));
            String applied = run(MpathJar.command("reconfigure", "-s", socket.toString()), "reconfigure");
            assertThat(applied).contains("mpatha: path_selector \"service-time 0\" -> \"round-robin 0\" (" + conf + ":")
                    .contains("disk: path_selector");
            r = fio.get();
            assertThat(r.exitCode()).as(r.output() + "\n--- daemon:\n" + daemon.output()).isZero();
            assertThat(r.output()).contains("err= 0").doesNotContain("verify:");
            String json = run(MpathJar.command("show", "topology", "--json", "-s", socket.toString()), "show topology --json");
            assertThat(json).doesNotContain("service-time");
            assertThat(Pattern.compile("\"selector\" : \"round-robin 0\"").matcher(json).results().count()).as("disk, mpatha, 3600single").isEqualTo(3);

            String scrape = run(List.of("curl", "-sf", "http://127.0.0.1:" + metricsPort + "/metrics"), "curl");
            assertThat(scrape).containsPattern("mpath_path_io_total\\{device=\"mpatha\",path=\"iscsi://127.0.0.1:[0-9]+/[^\"]+\"} [1-9]")
                    .contains("mpath_device_io_failed_total{device=\"disk\"} 0");

            // a file with a typo is refused with its line; the running configuration stays
            Files.writeString(conf, config(exportPort, metricsPort, "round-robin 0").replace("checker_timeout 3", "checker_timout 3"));
            PeerProcess.Result refused = PeerProcess.run(MpathJar.command("reconfigure", "-s", socket.toString()), Duration.ofSeconds(30));
            assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
            assertThat(refused.output()).contains("the running configuration stays").contains(conf + ":4:");
            assertThat(run(MpathJar.command("show", "topology", "-s", socket.toString()), "show topology")).contains("policy='round-robin 0'");

            // SIGHUP re-reads the file as reconfigure does
            Files.writeString(conf, config(exportPort, metricsPort, "queue-length 0"));
            PeerProcess.run(List.of("kill", "-HUP", Long.toString(daemon.pid())), Duration.ofSeconds(10)).requireSuccess("kill -HUP");
            MpathJar.awaitOutput(daemon, "disk: reconfigured: path_selector \"round-robin 0\" -> \"queue-length 0\"");

            // del path / add path: an iSCSI path leaves its map and joins it again by its WWID (CHAP from
            // its portal's settings); an NBD path needs the map; a path to nowhere is refused
            String iscsiB = "iscsi://127.0.0.2:" + tgt.port + "/" + tgt.iqn + "/1";
            run(MpathJar.command("del", "path", iscsiB, "-s", socket.toString()), "del path");
            assertThat(run(MpathJar.command("show", "paths", "-s", socket.toString()), "show paths")).doesNotContain(iscsiB);
            assertThat(run(MpathJar.command("add", "path", iscsiB, "-s", socket.toString()), "add path")).isEqualTo("ok\n");
            assertThat(run(MpathJar.command("show", "topology", "mpatha", "-s", socket.toString()), "show topology")).contains(iscsiB + " active");
            PeerProcess.Result nbdWithoutMap = PeerProcess.run(MpathJar.command("add", "path", "nbd://127.0.0.1:" + portA + "/",
                    "-s", socket.toString()), Duration.ofSeconds(30));
            assertThat(nbdWithoutMap.exitCode()).isEqualTo(1);
            assertThat(nbdWithoutMap.output()).contains("NBD paths carry no unit identity");
            PeerProcess.Result again = PeerProcess.run(MpathJar.command("add", "path", iscsiB, "-s", socket.toString()), Duration.ofSeconds(30));
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.output()).contains("map mpatha already has path " + iscsiB);

            // SIGTERM: exports, devices and sessions closed, socket removed
            assertThat(daemon.terminate(Duration.ofSeconds(30))).isIn(0, 143);
            assertThat(daemon.output()).contains("INFO stopping").contains("INFO stopped");
            assertThat(socket).doesNotExist();
            assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(dir.resolve("mnt").toString());
        }
    }

    @Test
    void aFileWithATypoIsRefusedWithItsLineBeforeAnythingStarts() throws IOException {
        Path conf = dir.resolve("typo.conf");
        Files.writeString(conf, "defaults {\n\tpolling_interval 1\n\tpath_selecter \"round-robin 0\"\n}\n");
        Path socket = dir.resolve("never.sock");
        PeerProcess.Result r = PeerProcess.run(MpathJar.command("daemon", "-c", conf.toString(), "--socket", socket.toString()),
                Duration.ofSeconds(30));
        assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("error: " + conf + ": 1 error").contains(conf + ":3:").contains("path_selecter")
                .doesNotContain("Exception");
        assertThat(socket).doesNotExist();
    }

    private static String run(List<String> cmd, String what) {
        return PeerProcess.run(cmd, Duration.ofSeconds(30)).requireSuccess(what).output();
    }

    private static String wwidOf(String topology, String map) {
        Matcher m = Pattern.compile("(?m)^" + map + " \\(([^)]+)\\)").matcher(topology);
        assertThat(m.find()).as(topology).isTrue();
        return m.group(1);
    }
}
