package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.lab.proxy.FaultProxy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class LabProxyCommandTest {

    @Test
    void parsesHostPortAndRejectsTheRest() {
        assertThat(LabProxyCommand.address("--listen", "127.0.0.1:10810")).isEqualTo(new InetSocketAddress("127.0.0.1", 10810));
        assertThat(LabProxyCommand.address("--listen", "127.0.0.2:0").getPort()).isZero();
        assertThat(LabProxyCommand.address("--listen", "[::1]:10810").getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        for (String bad : new String[] {"127.0.0.1", "127.0.0.1:", ":10810", "127.0.0.1:port", "127.0.0.1:10810/x", "a@b:1"}) {
            assertThatThrownBy(() -> LabProxyCommand.address("--upstream", bad)).as(bad)
                    .hasMessage("--upstream '" + bad + "' must be HOST:PORT, e.g. 127.0.0.1:10810");
        }
    }

    @Test
    void aBadControlLineIsAnErrorLineAndChangesNothing() throws Exception {
        try (FaultProxy p = FaultProxy.start(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 9))) {
            assertThat(LabProxyCommand.reply(p, "latency 5 ms")).startsWith("error: ");
            assertThat(LabProxyCommand.reply(p, "")).isEmpty();
            assertThat(LabProxyCommand.reply(p, "latency 5ms 1ms")).isEqualTo("latency 5ms ±1ms, rate unlimited, blackhole off, accepting");
            assertThat(LabProxyCommand.reply(p, "frobnicate")).isEqualTo("error: unknown command 'frobnicate' (try: help)");
            assertThat(p.control().latency().toMillis()).isEqualTo(5);
        }
    }

    @Test
    void helpListsTheControlLines() {
        StringWriter w = new StringWriter();
        MpathCommand.commandLine().setOut(new PrintWriter(w)).execute("lab", "proxy", "--help");
        assertThat(w.toString()).contains("--listen=HOST:PORT").contains("--upstream=HOST:PORT")
                .contains("blackhole [hold|drop]").contains("half-open").contains("quit");
        StringWriter lab = new StringWriter();
        MpathCommand.commandLine().setOut(new PrintWriter(lab)).execute("lab");
        assertThat(lab.toString()).contains("proxy");
    }
}
