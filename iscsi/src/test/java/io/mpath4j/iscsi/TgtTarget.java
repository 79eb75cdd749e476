package io.mpath4j.iscsi;

import io.mpath4j.nbd.PeerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A tgtd started by a test with its own control port ({@code -C N}) and its own portal, so that a
 * test never talks to another tgtd on the machine. One target ({@link #IQN}) with LUN 1 backed by
 * a file in /dev/shm. Always stopped with SIGKILL of the pid we started. Public for other modules'
 * tests (the iscsi test-jar).
 */
public final class TgtTarget implements AutoCloseable {

    public static final String IQN = "iqn.2026-11.io.mpath4j:test";

    public final String iqn;
    public final int port;
    public final int control;
    public final Path backing;
    private final boolean ownsBacking;
    private final PeerProcess tgtd;

    private TgtTarget(String iqn, int port, int control, Path backing, boolean ownsBacking, PeerProcess tgtd) {
        this.iqn = iqn;
        this.port = port;
        this.control = control;
        this.backing = backing;
        this.ownsBacking = ownsBacking;
        this.tgtd = tgtd;
    }

    /** A tgtd on 127.0.0.1:port with a fresh backing file of {@code size} bytes. */
    public static TgtTarget start(long size) {
        try {
            Path file = Files.createTempFile(Path.of("/dev/shm"), "mpath4j-tgt-", ".img");
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(0);
                ch.write(java.nio.ByteBuffer.allocate(1), size - 1);
            }
            return start(file, true, "127.0.0.1", IQN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tgtd on {@code host}:port serving an existing file (not deleted on close). */
    public static TgtTarget startOn(Path file, String host, String iqn) {
        return start(file, false, host, iqn);
    }

    private static TgtTarget start(Path file, boolean owns, String host, String iqn) {
        int port = PeerProcess.freePort();
        int control = 1000 + port % 30000; // tgtd accepts small control port numbers only
        PeerProcess p;
        try {
            p = PeerProcess.startServer(PeerProcess.cmd("tgtd", "-f", "-C", Integer.toString(control),
                    "--iscsi", "portal=" + host + ":" + port), host, port, Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            if (owns) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // best effort
                }
            }
            throw e;
        }
        TgtTarget t = new TgtTarget(iqn, port, control, file, owns, p);
        try {
            t.adm("--op", "new", "--mode", "target", "--tid", "1", "-T", iqn);
            t.adm("--op", "new", "--mode", "logicalunit", "--tid", "1", "--lun", "1", "-b", file.toString());
            t.adm("--op", "bind", "--mode", "target", "--tid", "1", "-I", "ALL");
        } catch (RuntimeException | AssertionError e) {
            t.close();
            throw e;
        }
        return t;
    }

    public String adm(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tgtadm", "-C", Integer.toString(control), "--lld", "iscsi"));
        cmd.addAll(List.of(args));
        return PeerProcess.run(cmd, Duration.ofSeconds(10)).requireSuccess(String.join(" ", cmd)).output();
    }

    public void addPortal(String host) {
        adm("--op", "new", "--mode", "portal", "--param", "portal=" + host + ":" + port);
    }

    public void deletePortal(String host) {
        adm("--op", "delete", "--mode", "portal", "--param", "portal=" + host + ":" + port);
    }

    /** One-way CHAP: the initiator must log in as {@code user}/{@code password}. */
    public void requireChap(String user, String password) {
        adm("--op", "new", "--mode", "account", "--user", user, "--password", password);
        adm("--op", "bind", "--mode", "account", "--tid", "1", "--user", user);
    }

    /** Mutual CHAP: the target proves itself as {@code user}/{@code password}. */
    public void outgoingChap(String user, String password) {
        adm("--op", "new", "--mode", "account", "--user", user, "--password", password);
        adm("--op", "bind", "--mode", "account", "--tid", "1", "--user", user, "--outgoing");
    }

    public IscsiUri uri(String host) {
        return IscsiUri.parse("iscsi://" + host + ":" + port + "/" + iqn + "/1");
    }

    public boolean isAlive() {
        return tgtd.isAlive();
    }

    public long pid() {
        return tgtd.pid();
    }

    public String output() {
        return tgtd.output();
    }

    /** SIGKILL, as a crash would. */
    public void kill() {
        tgtd.kill();
    }

    @Override
    public void close() {
        tgtd.kill(); // tgtd sometimes ignores SIGTERM
        tgtd.close();
        if (ownsBacking) {
            try {
                Files.deleteIfExists(backing);
            } catch (IOException ignored) {
                // /dev/shm is cleaned on reboot
            }
        }
    }
}
