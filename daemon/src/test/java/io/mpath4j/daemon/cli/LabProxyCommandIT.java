package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.nbd.PeerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mpath lab proxy} as a tester runs it: the shaded jar in its own JVM between nbdinfo and
 * an nbdkit on 127.0.0.1, steered by control lines on its stdin.
 */
class LabProxyCommandIT {

    private static final Path JAR = Path.of("target", "mpath.jar");
    private PeerProcess nbdkit;
    private int upstreamPort;
    private Process proxy;

    @BeforeEach
    void startNbdkit() {
        assertThat(JAR).as("the shaded jar is built in the package phase, before failsafe runs").exists();
        upstreamPort = PeerProcess.freePort();
        nbdkit = PeerProcess.startServer(List.of("nbdkit", "-f", "--exit-with-parent", "-i", "127.0.0.1", "-p",
                Integer.toString(upstreamPort), "memory", "16M"), "127.0.0.1", upstreamPort, Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.destroyForcibly();
        }
        nbdkit.close();
    }

    private static List<String> mpath(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** nbdinfo through the proxy, killed by timeout(1) after {@code seconds}: exit 124 means no answer. */
    private static PeerProcess.Result nbdinfo(int port, int seconds) {
        return PeerProcess.run(List.of("timeout", Integer.toString(seconds), "nbdinfo", "--size", "nbd://127.0.0.1:" + port),
                Duration.ofSeconds(seconds + 10));
    }

    @Test
    void proxiesAndObeysControlLines() throws Exception {
        int port = PeerProcess.freePort();
        proxy = new ProcessBuilder(mpath("lab", "proxy", "--listen", "127.0.0.1:" + port, "--upstream", "127.0.0.1:" + upstreamPort))
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
        OutputStream in = proxy.getOutputStream();
        assertThat(out.readLine()).isEqualTo("proxying 127.0.0.1:" + port + " -> 127.0.0.1:" + upstreamPort
                + " (latency off, rate unlimited, blackhole off, accepting); control lines on stdin, 'help' lists them");

        assertThat(nbdinfo(port, 20).requireSuccess("nbdinfo through the proxy").output().strip()).isEqualTo("16777216");

        assertThat(control(in, out, "latency 20ms 5ms")).isEqualTo("latency 20ms ±5ms, rate unlimited, blackhole off, accepting");
        assertThat(control(in, out, "rate 10MiB")).contains("rate 10.0 MiB/s");
        assertThat(nbdinfo(port, 20).requireSuccess("nbdinfo with latency and a rate limit").output().strip()).isEqualTo("16777216");
        assertThat(control(in, out, "latncy 5ms")).isEqualTo("error: unknown command 'latncy' (try: help)");

        assertThat(control(in, out, "blackhole")).contains("blackhole hold (to-upstream, to-client)");
        PeerProcess.Result silent = nbdinfo(port, 2);
        assertThat(silent.exitCode()).as("nbdinfo gets no answer through a blackhole: " + silent.output()).isEqualTo(124);

        assertThat(control(in, out, "restore")).contains("blackhole off");
        assertThat(nbdinfo(port, 20).requireSuccess("nbdinfo after restore").output().strip()).isEqualTo("16777216");
        assertThat(control(in, out, "refuse")).contains("refusing new connections");
        assertThat(nbdinfo(port, 10).exitCode()).as("a refused connect fails at once").isNotIn(0, 124);
        assertThat(control(in, out, "accept")).contains("accepting");
        assertThat(control(in, out, "status")).contains("-> 127.0.0.1:" + upstreamPort).contains("accepted");

        in.write("quit\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
        assertThat(out.readLine()).isEqualTo("stopped");
        assertThat(proxy.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(proxy.exitValue()).isZero();
    }

    private static String control(OutputStream in, BufferedReader out, String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        return out.readLine();
    }

    @Test
    void aBadAddressIsAOneLineError() {
        PeerProcess.Result r = PeerProcess.run(mpath("lab", "proxy", "--listen", "127.0.0.1", "--upstream", "127.0.0.1:1"),
                Duration.ofSeconds(30));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.output()).isEqualTo("error: --listen '127.0.0.1' must be HOST:PORT, e.g. 127.0.0.1:10810\n");
    }
}
