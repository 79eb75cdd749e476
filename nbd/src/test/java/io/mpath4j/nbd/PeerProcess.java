package io.mpath4j.nbd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real peer (nbdkit, qemu-nbd, nbdinfo, fio, ...) started by a test: output captured to a file,
 * always killed on close, waited for by its TCP port. Only loopback addresses are ever used.
 *
 * <p>A missing tool fails the test with the Debian package to install: the tests prove the
 * transports against real peers, so they must not skip silently (.ci/run installs them).
 */
public final class PeerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private PeerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with its output (stdout and stderr) going to a temporary file. */
    public static PeerProcess start(List<String> command) {
        requireTool(command.getFirst());
        try {
            Path log = Files.createTempFile("mpath4j-peer-", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new PeerProcess(String.join(" ", command), p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Starts a server and returns once it accepts connections on {@code host:port}. */
    public static PeerProcess startServer(List<String> command, String host, int port, Duration timeout) {
        PeerProcess p = start(command);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.process.isAlive()) {
                String out = p.output();
                p.close();
                throw new IllegalStateException(p.name + " exited with " + p.process.exitValue() + ":\n" + out);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 200);
                return p;
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        String out = p.output();
        p.close();
        throw new IllegalStateException(p.name + " did not listen on " + host + ":" + port + " within " + timeout + ":\n" + out);
    }

    /** Runs a command to completion within {@code timeout}; returns its exit status and output. */
    public static Result run(List<String> command, Duration timeout) {
        try (PeerProcess p = start(command)) {
            if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(p.name + " did not finish within " + timeout + ":\n" + p.output());
            }
            return new Result(p.process.exitValue(), p.output());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Exit status and combined output of a finished command. */
    public record Result(int exitCode, String output) {
        public Result requireSuccess(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " failed with exit code " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    /** A TCP port free on loopback right now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails with an install hint when {@code tool} is not on the PATH. */
    public static void requireTool(String tool) {
        if (tool.contains("/")) {
            return;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        throw new AssertionError(tool + " is not installed; the tests run against real peers. Install it with: apt-get install "
                + debianPackage(tool) + " (.ci/run does this)");
    }

    private static String debianPackage(String tool) {
        return switch (tool) {
            case "nbdinfo", "nbdcopy", "nbdsh", "nbdfuse" -> "libnbd-bin";
            case "qemu-nbd", "qemu-img", "qemu-io" -> "qemu-utils";
            case "certtool" -> "gnutls-bin";
            default -> tool;
        };
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Everything the process printed so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /** Asks the process to stop (SIGTERM), waits up to {@code timeout}, returns its exit code; the output stays readable. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    /** Kills the process at once (SIGKILL), as a crash or a pulled cable would. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a leftover temp file is harmless
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Lists the command with its arguments, for messages. */
    public static List<String> cmd(String... parts) {
        return new ArrayList<>(List.of(parts));
    }
}
