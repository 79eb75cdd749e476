package io.mpath4j.lab.proof;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tgtd of the torture's own: its own control port ({@code -C}, so it never talks to another tgtd
 * on the machine), one target with LUN 1 on a file in /dev/shm, one portal per path (all in tgt's
 * one portal group, so a session is reinstated through any of them). tgtd may run inside a
 * network namespace (the launcher prefix); tgtadm reaches it through its control socket, a file.
 */
public final class TgtDaemon implements AutoCloseable {

    public static final String IQN = "iqn.2026-11.io.mpath4j:torture-tgt";
    private static final Duration ADM = Duration.ofSeconds(10);

    private final int control;
    private final int port;
    private final Path backing;
    private final ExternalCommand tgtd;

    private TgtDaemon(int control, int port, Path backing, ExternalCommand tgtd) {
        this.control = control;
        this.port = port;
        this.backing = backing;
        this.tgtd = tgtd;
    }

    /**
     * Starts tgtd through {@code launcher} (empty, or e.g. {@code testbed.sh run-target 1}) with
     * portals {@code hosts}:{@code port} and a zeroed LU of {@code size} bytes.
     */
    public static TgtDaemon start(List<String> launcher, List<String> hosts, int port, long size) {
        int control = 1000 + (int) (ProcessHandle.current().pid() % 30_000); // tgtd takes small control ports only
        Path file;
        try {
            file = Files.createTempFile(Path.of("/dev/shm"), "mpath4j-torture-", ".img");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(0);
                ch.write(java.nio.ByteBuffer.allocate(1), size - 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the LU's file in /dev/shm", e);
        }
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of("tgtd", "-f", "-C", Integer.toString(control), "--iscsi", "portal=" + hosts.getFirst() + ":" + port));
        TgtDaemon t = new TgtDaemon(control, port, file, ExternalCommand.start(cmd));
        try {
            t.awaitControl();
            for (String h : hosts.subList(1, hosts.size())) {
                t.adm("--op", "new", "--mode", "portal", "--param", "portal=" + h + ":" + port);
            }
            t.adm("--op", "new", "--mode", "target", "--tid", "1", "-T", IQN);
            t.adm("--op", "new", "--mode", "logicalunit", "--tid", "1", "--lun", "1", "-b", file.toString());
            t.adm("--op", "bind", "--mode", "target", "--tid", "1", "-I", "ALL");
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /** tgtd opens its control socket after its portals: once tgtadm gets an answer, it listens. */
    private void awaitControl() {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            if (!tgtd.isAlive()) {
                throw new IllegalStateException("tgtd exited: " + tgtd.output().strip());
            }
            if (ExternalCommand.run(admCommand("--op", "show", "--mode", "sys"), ADM).exitCode() == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("tgtd did not answer on control port " + control + ": " + tgtd.output());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private List<String> admCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tgtadm", "-C", Integer.toString(control), "--lld", "iscsi"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    public String adm(String... args) {
        return ExternalCommand.run(admCommand(args), ADM).requireSuccess(String.join(" ", admCommand(args))).output();
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return tgtd.isAlive();
    }

    private static final Pattern NEXUS = Pattern.compile("I_T nexus: (\\d+)");
    private static final Pattern CONNECTION = Pattern.compile("Connection: (\\d+)");
    private static final Pattern ADDRESS = Pattern.compile("IP Address: (\\S+)");

    /**
     * Closes every connection tgtd has from {@code initiatorAddress} (tgtadm delete conn: the
     * target ends it, the initiator sees the connection drop); returns how many.
     */
    public int closeConnectionsFrom(String initiatorAddress) {
        String show = adm("--op", "show", "--mode", "target");
        String sid = null;
        String cid = null;
        List<String[]> victims = new ArrayList<>();
        for (String line : show.lines().toList()) {
            Matcher m = NEXUS.matcher(line);
            if (m.find()) {
                sid = m.group(1);
                continue;
            }
            m = CONNECTION.matcher(line);
            if (m.find()) {
                cid = m.group(1);
                continue;
            }
            m = ADDRESS.matcher(line);
            if (m.find() && m.group(1).equals(initiatorAddress) && sid != null && cid != null) {
                victims.add(new String[] {sid, cid});
            }
        }
        int closed = 0;
        for (String[] v : victims) {
            // a connection that went away meanwhile is no error
            if (ExternalCommand.run(admCommand("--op", "delete", "--mode", "conn", "--tid", "1", "--sid", v[0], "--cid", v[1]),
                    ADM).exitCode() == 0) {
                closed++;
            }
        }
        return closed;
    }

    /** SIGKILL (tgtd sometimes ignores SIGTERM) and the LU's file goes. */
    @Override
    public void close() {
        tgtd.close();
        try {
            Files.deleteIfExists(backing);
        } catch (IOException ignored) {
            // /dev/shm is cleaned on reboot
        }
    }
}
