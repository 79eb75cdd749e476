package io.mpath4j.daemon.cli;

import io.mpath4j.daemon.control.ManagementReply;
import io.mpath4j.daemon.control.SocketPaths;
import io.mpath4j.daemon.runtime.ConfigFile;
import io.mpath4j.daemon.runtime.Daemon;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mpath daemon -c FILE}: runs what the configuration file describes until SIGTERM or
 * SIGINT; SIGHUP (or {@code mpath reconfigure}) re-reads the file.
 */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Run what the configuration file describes: discover its paths,",
                "build the multipath devices, export them over NBD, answer on the management socket.",
                "SIGHUP or `mpath reconfigure` re-reads the file; SIGTERM stops cleanly.",
                "Exit status: 0 stopped; 2 the file has errors (printed as FILE:LINE:COLUMN)",
                "or the daemon could not start."})
final class DaemonCommand implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger("io.mpath4j.daemon");

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Configuration file (default: /etc/mpath4j/multipath.conf).")
    Path file = ConfigFile.DEFAULT;

    @Option(names = {"-s", "--socket"}, paramLabel = "PATH",
            description = "Management socket (default: $MPATH4J_SOCKET, /run/mpath4j/mpath.sock as root, else $XDG_RUNTIME_DIR/mpath4j.sock).")
    Path socket;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        Daemon daemon;
        try {
            daemon = Daemon.start(new ConfigFile(file), socket != null ? socket : SocketPaths.defaultPath());
        } catch (ConfigFile.Rejected e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        try {
            onHangup(daemon);
            // SIGTERM/SIGINT run this hook, and the JVM halts when it returns: it waits (bounded)
            // until the main thread has closed the exports, devices and sessions.
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("mpath-daemon-stop").unstarted(() -> {
                stop.countDown();
                try {
                    stopped.await(50, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            LOG.info("running " + daemon.mapNames() + " from " + file + " (SIGHUP: reconfigure, SIGTERM: stop)");
            stop.await();
            daemon.close();
        } finally {
            System.err.flush();
            stopped.countDown();
        }
        return 0;
    }

    /** SIGHUP re-reads the file, as multipathd's reconfigure; the result is logged. */
    @SuppressWarnings("sunapi")
    private static void onHangup(Daemon daemon) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> Thread.ofPlatform().name("mpath-daemon-sighup").start(() -> {
                LOG.info("SIGHUP: reconfigure");
                ManagementReply r = daemon.reconfigure();
                if (r.ok()) {
                    LOG.info("SIGHUP: " + r.text().strip());
                }
            }));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warning("SIGHUP cannot be handled here (" + e.getMessage() + "); use `mpath reconfigure`");
        }
    }
}
