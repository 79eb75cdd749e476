package io.mpath4j.fuse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/** Clean-up and checksums shared by the FUSE tests. */
final class FuseTesting {

    private FuseTesting() {}

    /** Closes in reverse order of creation, every one even if another fails (unmounts before devices close). */
    static void closeAll(List<AutoCloseable> closers) {
        for (AutoCloseable c : closers.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("clean-up: " + c + ": " + e);
            }
        }
        closers.clear();
    }

    /** Deletes a temporary tree, never descending into a mount point (it is unmounted by then, or a stale one stays). */
    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
