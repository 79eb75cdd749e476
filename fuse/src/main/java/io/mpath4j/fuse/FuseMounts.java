package io.mpath4j.fuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * What the kernel says about FUSE mounts: /proc/self/mountinfo (mount point, device number,
 * file-system type) and the state of a mount point, so that a mount left behind by a crashed
 * run is recognised and detached before we mount again.
 */
final class FuseMounts {

    private static final Logger LOG = Logger.getLogger(FuseMounts.class.getName());
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final Path FUSECTL = Path.of("/sys/fs/fuse/connections");

    /** One line of mountinfo (proc(5)): the device number "major:minor" and the file-system type. */
    record Mount(Path mountPoint, int minor, String fsType) {
        boolean isFuse() {
            return fsType.equals("fuse") || fsType.startsWith("fuse.");
        }
    }

    private FuseMounts() {}

    static Optional<Mount> find(Path mountPoint) {
        Path target = mountPoint.toAbsolutePath().normalize();
        Mount found = null;
        for (Mount m : mounts()) {
            if (m.mountPoint.equals(target)) {
                found = m; // the last one is on top
            }
        }
        return Optional.ofNullable(found);
    }

    static List<Mount> mounts() {
        try {
            return Files.readAllLines(MOUNTINFO).stream().map(FuseMounts::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw — proc(5); octal escapes in paths. */
    static Mount parse(String line) {
        String[] f = line.split(" ");
        int dash = List.of(f).indexOf("-");
        String dev = f[2];
        int minor = Integer.parseInt(dev.substring(dev.indexOf(':') + 1));
        return new Mount(Path.of(unescape(f[4])), minor, f[dash + 1]);
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Prepares {@code mountPoint} for a new mount: creates it if missing; detaches a FUSE mount
     * whose daemon is gone (stat fails with ENOTCONN, "Transport endpoint is not connected");
     * refuses a live FUSE mount (someone serves it) rather than stacking another on top.
     */
    static void prepare(Path mountPoint) throws IOException {
        Optional<Mount> existing = find(mountPoint);
        if (existing.isPresent() && existing.get().isFuse()) {
            if (isDisconnected(mountPoint)) {
                int errno = Libc.lazyUnmount(mountPoint);
                if (errno != 0) {
                    throw new IOException("cannot detach the stale FUSE mount at " + mountPoint + ": errno " + errno);
                }
                LOG.info(() -> "detached a stale FUSE mount at " + mountPoint + " (its daemon had gone)");
            } else {
                throw new IOException(mountPoint + " is a live FUSE mount already (" + existing.get().fsType
                        + "); unmount it first");
            }
        }
        Files.createDirectories(mountPoint);
    }

    static boolean isDisconnected(Path mountPoint) {
        try {
            Files.readAttributes(mountPoint, java.nio.file.attribute.BasicFileAttributes.class);
            return false;
        } catch (NoSuchFileException e) {
            return false;
        } catch (FileSystemException e) {
            return e.getReason() != null && e.getReason().contains("not connected");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Aborts a FUSE connection through fusectl (/sys/fs/fuse/connections/N/abort, N = the
     * mount's device minor): the last resort when a detached mount stays busy, since a lazy
     * unmount ends the connection only when the last open file on it is closed. Mounts fusectl
     * first if the system has not (systemd does; a container may not).
     */
    static boolean abort(int connection) {
        if (mounts().stream().noneMatch(m -> m.mountPoint.equals(FUSECTL))) {
            int errno = Libc.mountPseudo("fusectl", FUSECTL, "fusectl");
            if (errno != 0) {
                LOG.warning(() -> "cannot mount fusectl on " + FUSECTL + ": errno " + errno);
            }
        }
        Path abort = FUSECTL.resolve(Integer.toString(connection)).resolve("abort");
        try {
            Files.writeString(abort, "1");
            return true;
        } catch (IOException e) {
            LOG.warning(() -> "cannot abort FUSE connection " + connection + " via " + abort + ": " + e);
            return false;
        }
    }
}
