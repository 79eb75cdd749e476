package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.mpath4j.iscsi.IscsiOptions;
import io.mpath4j.iscsi.IscsiPath;
import io.mpath4j.iscsi.TgtTarget;
import io.mpath4j.nbd.PeerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mpath discover} and {@code mpath serve} over iSCSI as an administrator runs them: the
 * shaded jar in its own JVM against a tgtd of the test's own (one target, LUN 1 on a file in
 * /dev/shm), real NBD clients (nbdinfo, nbdcopy, qemu-img) on the export.
 */
class DiscoverCommandIT {

    private static final Path JAR = Path.of("target", "mpath.jar");
    private static final long SIZE = 32L << 20;
    private TgtTarget tgt;
    private String wwid;

    @BeforeEach
    void startTarget() throws Exception {
        assertThat(JAR).as("the shaded jar is built in the package phase, before failsafe runs").exists();
        PeerProcess.requireTool("tgtd");
        PeerProcess.requireTool("tgtadm");
        tgt = TgtTarget.start(SIZE);
        // the unit's WWID as our initiator reads it in this JVM (VPD 83h), to compare with the CLI's
        try (IscsiPath p = IscsiPath.connect(tgt.uri("127.0.0.1"), IscsiOptions.defaults())) {
            wwid = p.identity().wwid();
        }
        assertThat(wwid).matches("36[0-9a-f]{31}");
    }

    @AfterEach
    void stopTarget() {
        if (tgt != null) {
            tgt.close();
        }
    }

    private static List<String> mpath(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private String portal() {
        return "iscsi://127.0.0.1:" + tgt.port;
    }

    @Test
    void discoverPrintsTheTargetItsPortalAndLun1() {
        PeerProcess.Result r = PeerProcess.run(mpath("discover", portal()), Duration.ofSeconds(60))
                .requireSuccess("mpath discover");
        assertThat(r.output()).contains("target " + TgtTarget.IQN)
                .contains("portal 127.0.0.1:" + tgt.port)
                .containsPattern("lun 1: " + wwid + " IET,VIRTUAL-DISK rev \\S+ size=32M \\(" + SIZE + " bytes, 512-byte blocks\\)")
                .contains("path " + portal() + "/" + TgtTarget.IQN + "/1")
                .doesNotContain("Exception");
    }

    @Test
    @SuppressWarnings("unchecked")
    void discoverJson() throws Exception {
        PeerProcess.Result r = PeerProcess.run(mpath("discover", "--json", portal()), Duration.ofSeconds(60))
                .requireSuccess("mpath discover --json");
        String out = r.output();
        Map<String, Object> root = JSON.std.mapFrom(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
        assertThat(root).containsEntry("portal", "127.0.0.1:" + tgt.port);
        List<Map<String, Object>> targets = (List<Map<String, Object>>) root.get("targets");
        assertThat(targets).hasSize(1);
        Map<String, Object> target = targets.getFirst();
        assertThat(target).containsEntry("name", TgtTarget.IQN);
        List<Map<String, Object>> portals = (List<Map<String, Object>>) target.get("portals");
        assertThat(portals).anySatisfy(p -> assertThat(p).containsEntry("host", "127.0.0.1")
                .containsEntry("port", tgt.port).containsEntry("portal_group_tag", 1));
        List<Map<String, Object>> luns = (List<Map<String, Object>>) target.get("luns");
        assertThat(luns).anySatisfy(l -> assertThat(l).containsEntry("lun", 1).containsEntry("device_type", 0)
                .containsEntry("wwid", wwid).containsEntry("vendor", "IET").containsEntry("product", "VIRTUAL-DISK")
                .containsEntry("serial", "beaf11").containsEntry("logical_block_size", 512)
                .containsEntry("alua_state", "active/optimized")
                .containsEntry("path", portal() + "/" + TgtTarget.IQN + "/1")
                .satisfies(m -> assertThat(((Number) m.get("size_bytes")).longValue()).isEqualTo(SIZE)));
    }

    @Test
    void serveExportsTheLuOverNbdAndWritesReachTheBackingFile() throws Exception {
        PeerProcess.requireTool("nbdinfo");
        PeerProcess.requireTool("nbdcopy");
        PeerProcess.requireTool("qemu-img");
        int port = PeerProcess.freePort();
        String export = "nbd://127.0.0.1:" + port + "/disk";
        Path pattern = Files.createTempFile(Path.of("/dev/shm"), "mpath4j-pattern-", ".img");
        try (PeerProcess serve = PeerProcess.startServer(mpath("serve", "--nbd", "127.0.0.1:" + port + "/disk",
                        portal() + "/" + TgtTarget.IQN + "/1"), "127.0.0.1", port, Duration.ofSeconds(30))) {
            awaitOutput(serve, "serving mpatha at ");
            assertThat(serve.output()).contains("serving mpatha at " + export);

            String info = PeerProcess.run(List.of("nbdinfo", "--json", export), Duration.ofSeconds(20))
                    .requireSuccess("nbdinfo").output();
            Map<String, Object> json = JSON.std.mapFrom(info.substring(info.indexOf('{'), info.lastIndexOf('}') + 1));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> exports = (List<Map<String, Object>>) json.get("exports");
            assertThat(exports).anySatisfy(e -> assertThat(((Number) e.get("export-size")).longValue()).isEqualTo(SIZE));
            assertThat(info).contains(wwid);

            // a random pattern (the same on every run) written through the export lands in tgtd's backing file
            byte[] data = new byte[(int) SIZE];
            new Random(7).nextBytes(data);
            Files.write(pattern, data);
            PeerProcess.run(List.of("nbdcopy", pattern.toString(), export), Duration.ofSeconds(60))
                    .requireSuccess("nbdcopy to the export");
            PeerProcess.run(List.of("qemu-img", "compare", "-f", "raw", "-F", "raw", pattern.toString(),
                    tgt.backing.toString()), Duration.ofSeconds(60)).requireSuccess("qemu-img compare pattern vs backing");
            PeerProcess.run(List.of("qemu-img", "compare", "-f", "raw", "-F", "raw", export, tgt.backing.toString()),
                    Duration.ofSeconds(60)).requireSuccess("qemu-img compare export vs backing");

            assertThat(serve.terminate(Duration.ofSeconds(20))).isIn(0, 143);
            assertThat(serve.output()).contains("stopped").doesNotContain("Exception");
        } finally {
            Files.deleteIfExists(pattern);
        }
    }

    private static void awaitOutput(PeerProcess p, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!p.output().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(p.output()).contains(text);
    }
}
