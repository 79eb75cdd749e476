package io.mpath4j.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.BlockDevice;
import io.mpath4j.core.device.DeviceConfig;
import io.mpath4j.core.device.Engine;
import io.mpath4j.core.device.FailbackPolicy;
import io.mpath4j.core.device.FlapDamping;
import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.group.GroupingPolicies;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.sim.SimulatedMedium;
import io.mpath4j.core.sim.SimulatedPath;
import io.mpath4j.core.time.SystemTimeSource;
import io.mpath4j.nbd.PeerProcess;
import io.mpath4j.nbd.PeerProcess.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server against real NBD clients: nbdinfo, nbdcopy, qemu-img, fio. Loopback only. */
class NbdServerIT {

    static final int MIB = 1 << 20;
    static final Duration RUN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    final MemoryBlockDevice disk = new MemoryBlockDevice(64 * MIB, 512);
    final MemoryBlockDevice copy = new MemoryBlockDevice(64 * MIB, 512);
    final MemoryBlockDevice small = new MemoryBlockDevice(MIB, 4096);
    final List<AutoCloseable> closeables = new ArrayList<>();
    NbdServer server;
    int port;

    @BeforeEach
    void start() throws IOException {
        server = NbdServer.builder()
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .export(new NbdExport("disk", "64 MiB test disk", disk, false))
                .export(new NbdExport("copy", "", copy, false))
                .export(new NbdExport("small", "read-only", small, true))
                .defaultExport("disk")
                .start();
        closeables.add(server);
        port = server.localAddress().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    String uri(String export) {
        return "nbd://127.0.0.1:" + port + "/" + export;
    }

    static Result run(String... command) {
        return PeerProcess.run(List.of(command), RUN);
    }

    @Test
    void nbdinfoShowsSizeBlockSizesFlagsAndTheExportList() {
        String plain = run("nbdinfo", uri("disk")).requireSuccess("nbdinfo").output();
        assertThat(plain).contains("export-size: 67108864").contains("description: 64 MiB test disk")
                .containsPattern("can_multi_conn: true").containsPattern("block_size_minimum: 512")
                .containsPattern("block_size_preferred: 4096").containsPattern("block_size_maximum: 33554432")
                .containsPattern("is_read_only: false").containsPattern("can_flush: true")
                .containsPattern("can_fua: true").containsPattern("can_trim: true").containsPattern("can_zero: true");

        String json = run("nbdinfo", "--json", uri("small")).requireSuccess("nbdinfo --json").output();
        assertThat(jsonNumber(json, "export-size")).isEqualTo(MIB);
        assertThat(jsonNumber(json, "block_size_minimum")).isEqualTo(4096);
        assertThat(jsonNumber(json, "block_size_maximum")).isEqualTo(32 * MIB);
        assertThat(json).containsPattern("\"is_read_only\":\\s*true").containsPattern("\"can_multi_conn\":\\s*true")
                .containsPattern("\"export-name\":\\s*\"small\"");

        String list = run("nbdinfo", "--list", "nbd://127.0.0.1:" + port).requireSuccess("nbdinfo --list").output();
        assertThat(list).contains("export=\"disk\"", "export=\"copy\"", "export=\"small\"")
                .contains("description: 64 MiB test disk", "description: read-only");

        // the empty name is the default export
        String dflt = run("nbdinfo", "--json", "nbd://127.0.0.1:" + port).requireSuccess("nbdinfo default").output();
        assertThat(jsonNumber(dflt, "export-size")).isEqualTo(64 * MIB);
    }

    static long jsonNumber(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":\\s*(\\d+)").matcher(json);
        assertThat(m.find()).as(key + " in " + json).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void nbdcopyInAndOutPreservesEveryByte() throws Exception {
        Path in = randomFile("in.img", 64 * MIB, 1);
        Path out = dir.resolve("out.img");
        run("nbdcopy", in.toString(), uri("disk")).requireSuccess("nbdcopy in");
        run("nbdcopy", uri("disk"), out.toString()).requireSuccess("nbdcopy out");
        assertThat(sha256(out)).isEqualTo(sha256(in));
        String sum = run("sha256sum", out.toString()).requireSuccess("sha256sum").output();
        assertThat(sum).startsWith(sha256(in));
        // export to export, through two connections each way (nbdcopy uses multi-conn when offered)
        run("nbdcopy", "--connections=2", uri("disk"), uri("copy")).requireSuccess("nbdcopy nbd to nbd");
        assertThat(copy.data).isEqualTo(disk.data);
    }

    @Test
    void qemuImgConvertAndCompare() throws Exception {
        Path in = randomFile("in.img", 64 * MIB, 2);
        run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", in.toString(), uri("copy")).requireSuccess("qemu-img convert");
        run("qemu-img", "compare", "-f", "raw", "-F", "raw", in.toString(), uri("copy")).requireSuccess("qemu-img compare");
        copy.data[12345] ^= 1;
        Result differ = run("qemu-img", "compare", "-f", "raw", "-F", "raw", in.toString(), uri("copy"));
        assertThat(differ.exitCode()).as(differ.output()).isEqualTo(1);
        String info = run("qemu-img", "info", uri("small")).requireSuccess("qemu-img info").output();
        assertThat(info).contains("virtual size: 1 MiB");
    }

    @Test
    void fioRandomReadWriteWithVerify() {
        Result r = fio(uri("disk"), "5");
        assertThat(r.output()).doesNotContain("verify: bad");
    }

    /** The control for the fio tests: fio's verify does catch a device that returns wrong data. */
    @Test
    void fioVerifyCatchesCorruptReads() throws Exception {
        BlockDevice corrupting = new BlockDevice() {
            @Override
            public io.mpath4j.core.Geometry geometry() {
                return disk.geometry();
            }

            @Override
            public java.util.concurrent.CompletableFuture<io.mpath4j.core.IoStatus> submit(io.mpath4j.core.IoRequest r) {
                var f = disk.submit(r);
                if (r instanceof io.mpath4j.core.IoRequest.Read read) {
                    read.buffer().put(read.buffer().position() + 100, (byte) (read.buffer().get(read.buffer().position() + 100) ^ 1));
                }
                return f;
            }

            @Override
            public void close() {}
        };
        NbdServer s = NbdServer.builder().listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .export(new NbdExport("bad", corrupting)).start();
        closeables.add(s);
        Result r = run("fio", "--name=nbd", "--ioengine=nbd", "--uri=nbd://127.0.0.1:" + s.localAddress().getPort() + "/bad",
                "--rw=randrw", "--bs=4k", "--iodepth=32", "--size=8m", "--runtime=2", "--time_based", "--verify=crc32c",
                "--verify_fatal=1");
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("verify");
    }

    @Test
    void fioSurvivesLosingOnePathOfAMultipathDevice() throws Exception {
        SimulatedMedium medium = new SimulatedMedium(64 * MIB, 512);
        SystemTimeSource time = SystemTimeSource.instance();
        SimulatedPath a = new SimulatedPath(PathIdentity.of("sim:a", "wwid-nbd-it"), medium, time, 1);
        SimulatedPath b = new SimulatedPath(PathIdentity.of("sim:b", "wwid-nbd-it"), medium, time, 2);
        a.setLatency(Duration.ofNanos(50_000));
        b.setLatency(Duration.ofNanos(50_000));
        DeviceConfig config = DeviceConfig.defaults()
                .withGrouping(GroupingPolicies.byKeyword("multibus"))
                .withFailback(new FailbackPolicy.Immediate())
                .withNoPathRetry(new NoPathRetry.Queue())
                .withFlapDamping(FlapDamping.DISABLED);
        MultipathDevice mp = new MultipathDevice("mpath-nbd-it", config,
                new Engine(time, ForkJoinPool.commonPool(), null), List.of(a, b));
        closeables.add(mp);
        NbdServer s = NbdServer.builder().listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .export(new NbdExport("mp", mp)).start();
        closeables.add(s);
        String uri = "nbd://127.0.0.1:" + s.localAddress().getPort() + "/mp";
        Thread killer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(2000);
                a.setDown("pulled cable (test)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Result r = fio(uri, "5");
        killer.join();
        assertThat(a.isDown()).isTrue();
        assertThat(r.output()).doesNotContain("verify: bad");
        assertThat(mp.counters().redrives() + a.completedCount()).isPositive();
        System.out.println("fio over a multipath device, path a down after 2 s: redrives=" + mp.counters().redrives()
                + " a.completed=" + a.completedCount() + " b.completed=" + b.completedCount());
    }

    @Test
    void tlsWithNbdinfoAndQemuImg() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Path p12 = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        // a self-signed certificate for 127.0.0.1 that is also the CA the clients trust
        run(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", p12.toString(), "-storepass", "secret", "-keypass", "secret").requireSuccess("keytool -genkeypair");
        run(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", p12.toString(), "-storepass", "secret",
                "-file", certs.resolve("ca-cert.pem").toString()).requireSuccess("keytool -exportcert");
        NbdServer s = NbdServer.builder().listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .export(new NbdExport("disk", "secret disk", disk, false))
                .tls(NbdTls.serverContext(p12, "secret".toCharArray()), true)
                .start();
        closeables.add(s);
        int p = s.localAddress().getPort();
        disk.data[4096] = 42;

        String info = run("nbdinfo", "--json", "nbds://127.0.0.1:" + p + "/disk?tls-certificates=" + certs)
                .requireSuccess("nbdinfo over TLS").output();
        assertThat(jsonNumber(info, "export-size")).isEqualTo(64 * MIB);
        assertThat(info).containsPattern("\"TLS\":\\s*true").containsPattern("\"structured\":\\s*true");

        // TLS is required: a plain client is refused
        Result plain = run("nbdinfo", "nbd://127.0.0.1:" + p + "/disk");
        assertThat(plain.exitCode()).as(plain.output()).isNotZero();

        Path out = dir.resolve("tls-out.img");
        run("nbdcopy", "nbds://127.0.0.1:" + p + "/disk?tls-certificates=" + certs, out.toString()).requireSuccess("nbdcopy over TLS");
        assertThat(Files.readAllBytes(out)).isEqualTo(disk.data);

        String qemu = run("qemu-img", "info", "--object", "tls-creds-x509,id=tls0,dir=" + certs + ",endpoint=client",
                "--image-opts", "driver=nbd,host=127.0.0.1,port=" + p + ",export=disk,tls-creds=tls0")
                .requireSuccess("qemu-img info over TLS").output();
        assertThat(qemu).contains("virtual size: 64 MiB");
    }

    /** fio's nbd engine, random 4k reads and writes at depth 32 for {@code seconds}, crc32c verify. */
    Result fio(String uri, String seconds) {
        Result r = run("fio", "--name=nbd", "--ioengine=nbd", "--uri=" + uri, "--rw=randrw", "--bs=4k",
                "--iodepth=32", "--size=32m", "--runtime=" + seconds, "--time_based", "--verify=crc32c",
                "--verify_fatal=1", "--output-format=normal");
        r.requireSuccess("fio");
        Matcher m = Pattern.compile("(read|write): IOPS=([0-9.k]+), BW=([^ ]+)").matcher(r.output());
        StringBuilder summary = new StringBuilder("fio " + uri + ":");
        while (m.find()) {
            summary.append(' ').append(m.group(1)).append(" IOPS=").append(m.group(2)).append(" BW=").append(m.group(3));
        }
        System.out.println(summary);
        return r;
    }

    Path randomFile(String name, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        // some zero runs, so that sparse detection in the clients (trim / write zeroes) is exercised
        java.util.Arrays.fill(b, 8 * MIB, 12 * MIB, (byte) 0);
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    static BlockDevice unused() {
        return null;
    }
}
