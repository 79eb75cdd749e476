package io.mpath4j.lab.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.nbd.PeerProcess;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lab target against libiscsi, a peer written by others: its command-line tools
 * (iscsi-ls, iscsi-inq, iscsi-readcapacity16) and the iSCSI and plain-disk suites of its
 * compliance tester iscsi-test-cu, whose results are parsed from its CUnit summary.
 */
class LibiscsiIT {

    static final String IQN = "iqn.2026-11.io.mpath4j:lab";
    private LabTarget target;
    private MemoryDisk disk;

    @BeforeEach
    void start() throws Exception {
        for (String tool : List.of("iscsi-ls", "iscsi-inq", "iscsi-readcapacity16", "iscsi-test-cu")) {
            PeerProcess.requireTool(tool);
        }
        disk = new MemoryDisk(64L << 20, 512, "libiscsi1");
        target = LabTarget.builder().portal("127.0.0.1", 0, 1, 1, 1).portal("127.0.0.2", 0, 2, 2, 2)
                .target(IQN, disk, MemoryDisk.LUN).start();
    }

    @AfterEach
    void stop() {
        target.close();
    }

    String portal() {
        return "127.0.0.1:" + target.portals().get(0).getPort();
    }

    static PeerProcess.Result run(Duration timeout, String... cmd) {
        return PeerProcess.run(List.of(cmd), timeout);
    }

    @Test
    void iscsiLsListsTheTargetItsPortalsAndTheLun() {
        String out = run(Duration.ofSeconds(20), "iscsi-ls", "-s", "iscsi://" + portal()).requireSuccess("iscsi-ls").output();
        assertThat(out).contains("Target:" + IQN).contains("Portal:" + portal() + ",1")
                .contains("Portal:127.0.0.2:" + target.portals().get(1).getPort() + ",2");
        assertThat(out).containsPattern("Lun:0\\s+Type:DIRECT_ACCESS \\(Size:\\d+M\\)");
    }

    @Test
    void iscsiInqAndReadCapacity16() {
        String url = "iscsi://" + portal() + "/" + IQN + "/0";
        String inq = run(Duration.ofSeconds(20), "iscsi-inq", url).requireSuccess("iscsi-inq").output();
        assertThat(inq).contains("Vendor:MPATH4J").contains("Product:LABDISK");
        String serial = run(Duration.ofSeconds(20), "iscsi-inq", "-e", "1", "-c", "128", url).requireSuccess("iscsi-inq VPD 80h").output();
        assertThat(serial).contains("Unit Serial Number:[libiscsi1]");
        String cap = run(Duration.ofSeconds(20), "iscsi-readcapacity16", url).requireSuccess("iscsi-readcapacity16").output();
        assertThat(cap).contains("LOGICAL BLOCK LENGTH IN BYTES:512").contains("Total size:" + (64L << 20));
    }

    /** Tests run, passed and failed in an iscsi-test-cu run, from its CUnit "Run Summary". */
    record Summary(int ran, int passed, int failed, String output) {
        static Summary parse(String out) {
            Matcher m = Pattern.compile("tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(out);
            if (!m.find()) {
                throw new AssertionError("no CUnit summary in iscsi-test-cu output:\n" + out);
            }
            return new Summary(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), out);
        }
    }

    Summary testCu(String suite) {
        String url = "iscsi://" + portal() + "/" + IQN + "/0";
        PeerProcess.Result r = run(Duration.ofSeconds(240), "iscsi-test-cu", "--dataloss", "--test=" + suite, url);
        Summary s = Summary.parse(r.output());
        System.out.printf("iscsi-test-cu %s: %d ran, %d passed, %d failed%n", suite, s.ran(), s.passed(), s.failed());
        return s;
    }

    void passes(String suite) {
        Summary s = testCu(suite);
        assertThat(s.ran()).as(suite + " ran tests").isPositive();
        assertThat(s.failed()).as(suite + ":\n" + s.output()).isZero();
    }

    @Test
    void residuals() {
        passes("iSCSI.iSCSIResiduals");
    }

    @Test
    void cmdsn() {
        passes("iSCSI.iSCSIcmdsn");
    }

    @Test
    void datasn() {
        passes("iSCSI.iSCSIdatasn");
    }

    @Test
    void taskManagement() {
        passes("iSCSI.iSCSITMF");
    }

    @Test
    void plainDiskSuites() {
        for (String suite : List.of("SCSI.TestUnitReady", "SCSI.Read10", "SCSI.Write10", "SCSI.Read16", "SCSI.Write16",
                "SCSI.ReadCapacity16")) {
            passes(suite);
        }
    }

    @Test
    void multipathIoThroughBothPortals() {
        // iscsi-test-cu's multipath suite with the same LUN through the two portals (two target port groups)
        String first = "iscsi://" + portal() + "/" + IQN + "/0";
        String second = "iscsi://127.0.0.2:" + target.portals().get(1).getPort() + "/" + IQN + "/0";
        PeerProcess.Result r = run(Duration.ofSeconds(120), "iscsi-test-cu", "--dataloss", "--test=SCSI.MultipathIO.Simple",
                first, second);
        Summary s = Summary.parse(r.output());
        assertThat(s.ran()).isPositive();
        assertThat(s.failed()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("SKIPPED] Multipath");
    }

    @Test
    void headerDigestsRequiredByTheTarget() throws Exception {
        // libiscsi offers HeaderDigest with CRC32C and DataDigest=None: the data suites run over CRC32C headers
        try (LabTarget t = LabTarget.builder().portal("127.0.0.1", 0, 1, 1, 1)
                .settings(TargetSettings.defaults().withDigests("CRC32C"))
                .target(IQN, new MemoryDisk(16L << 20, 512, "digest1"), MemoryDisk.LUN).start()) {
            String url = "iscsi://127.0.0.1:" + t.portals().get(0).getPort() + "/" + IQN + "/0";
            for (String suite : List.of("SCSI.Write10", "SCSI.Read10")) {
                PeerProcess.Result r = run(Duration.ofSeconds(120), "iscsi-test-cu", "--dataloss", "--test=" + suite, url);
                Summary sum = Summary.parse(r.output());
                assertThat(sum.ran()).isPositive();
                assertThat(sum.failed()).as(suite + " with digests:\n" + r.output()).isZero();
            }
        }
    }

    @Test
    void chapWithLibiscsi() throws Exception {
        var user = new io.mpath4j.iscsi.login.ChapCredentials("lab-user",
                "initiator-secret-1234".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (LabTarget t = LabTarget.builder().portal("127.0.0.1", 0, 1, 1, 1).chap(user, null)
                .target(IQN, new MemoryDisk(16L << 20, 512, "chap9"), MemoryDisk.LUN).start()) {
            String at = "127.0.0.1:" + t.portals().get(0).getPort() + "/" + IQN + "/0";
            String inq = run(Duration.ofSeconds(20), "iscsi-inq", "iscsi://lab-user%initiator-secret-1234@" + at)
                    .requireSuccess("iscsi-inq with CHAP").output();
            assertThat(inq).contains("Vendor:MPATH4J");
            PeerProcess.Result wrong = run(Duration.ofSeconds(20), "iscsi-inq", "iscsi://lab-user%wrong-secret-12345@" + at);
            assertThat(wrong.exitCode()).as(wrong.output()).isNotZero();
            PeerProcess.Result none = run(Duration.ofSeconds(20), "iscsi-inq", "iscsi://" + at);
            assertThat(none.exitCode()).as(none.output()).isNotZero();
        }
    }
}
