package io.mpath4j.daemon.cli;

import io.mpath4j.lab.proxy.ControlCommand;
import io.mpath4j.lab.proxy.FaultProxy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mpath lab proxy --listen HOST:PORT --upstream HOST:PORT}: a {@link FaultProxy} in the
 * foreground, controlled by lines on stdin (one reply line each). Lives until {@code quit} or
 * SIGTERM/SIGINT; when stdin ends it keeps proxying, so it can run in the background.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {"A TCP proxy between an initiator and a target that injects faults on command: latency with jitter,"
                + " a bandwidth limit, a silent blackhole, resets, half-open connections, refused connections.",
                "Runs in the foreground; reads control lines on stdin and answers each with one line."},
        footer = {"", "Control lines (stdin):", ControlCommand.USAGE,
                "quit                     stop the proxy and exit",
                "", "Example:", "  mpath lab proxy --listen 127.0.0.1:10810 --upstream 127.0.0.1:10809",
                "  latency 50ms 10ms", "  blackhole", "  restore"})
final class LabProxyCommand implements Callable<Integer> {

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT",
            description = "Where initiators connect; port 0 picks a free port (printed at start).")
    String listen;

    @Option(names = "--upstream", required = true, paramLabel = "HOST:PORT", description = "The target to forward to.")
    String upstream;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress from = address("--listen", listen);
        InetSocketAddress to = address("--upstream", upstream);
        if (to.getPort() == 0) {
            throw new IllegalArgumentException("--upstream '" + upstream + "' needs a port");
        }
        FaultProxy proxy = FaultProxy.start(from, to);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            proxy.close();
            out.println("stopped");
            out.flush();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        InetSocketAddress bound = proxy.listenAddress();
        out.println("proxying " + bound.getHostString() + ":" + bound.getPort() + " -> " + to.getHostString() + ":"
                + to.getPort() + " (" + proxy.control() + "); control lines on stdin, 'help' lists them");
        out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.strip().equals("quit")) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                    hook.run();
                    return 0;
                }
                out.println(reply(proxy, line));
                out.flush();
            }
        }
        out.println("stdin closed: no more control lines; proxying until interrupted");
        out.flush();
        done.await(); // SIGTERM/SIGINT ends the JVM; the hook closes the proxy
        return 0;
    }

    /** The reply to one control line; a bad line is an error line and changes nothing. */
    static String reply(FaultProxy proxy, String line) {
        try {
            ControlCommand c = ControlCommand.parse(line);
            return c == null ? "" : c.apply(proxy);
        } catch (IllegalArgumentException | IOException e) {
            return "error: " + e.getMessage();
        }
    }

    /** {@code HOST:PORT}, {@code [v6]:PORT}. */
    static InetSocketAddress address(String option, String spec) {
        try {
            URI u = new URI("tcp://" + spec);
            if (u.getHost() == null || u.getPort() < 0 || u.getPath().length() > 0 || u.getUserInfo() != null) {
                throw new URISyntaxException(spec, "not HOST:PORT");
            }
            return new InetSocketAddress(u.getHost().replaceAll("^\\[|\\]$", ""), u.getPort());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(option + " '" + spec + "' must be HOST:PORT, e.g. 127.0.0.1:10810");
        }
    }
}
