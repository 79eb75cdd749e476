package io.mpath4j.lab.testbed;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mpath4j.nbd.PeerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * lab/testbed/testbed.sh from a Java test (the lab test-jar): a bed of its own prefix, destroyed on
 * {@link #close()} (use it in try-with-resources or @AfterEach, so that a failure destroys it too),
 * with the processes it started inside. Tests that need it call {@link #assumeAvailable()} first:
 * without root they are reported as skipped, with the reason.
 */
public final class Testbed implements AutoCloseable {

    private final Path script;
    private final String prefix;
    private final List<PeerProcess> processes = new ArrayList<>();

    private Testbed(Path script, String prefix) {
        this.script = script;
        this.prefix = prefix;
    }

    /** The script, found from the module directory a test runs in (lab/, daemon/, ...). */
    public static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path s = dir.resolve("lab/testbed/testbed.sh");
            if (Files.isExecutable(s)) {
                return s;
            }
        }
        throw new IllegalStateException("lab/testbed/testbed.sh not found above " + Path.of("").toAbsolutePath());
    }

    /** Skips the calling test unless it runs as root (ip netns add needs it). */
    public static void assumeAvailable() {
        String uid = PeerProcess.run(List.of("id", "-u"), Duration.ofSeconds(5)).output().strip();
        assumeTrue(uid.equals("0"), "testbed.sh needs root (ip netns add); this test runs as uid " + uid);
    }

    /** A prefix no other run on this machine uses now (the pid of this JVM). */
    public static String uniquePrefix(String stem) {
        return stem + ProcessHandle.current().pid() % 100_000;
    }

    /** Creates a bed of {@code paths} paths; skips the test if the machine refuses network namespaces. */
    public static Testbed create(String prefix, int paths) {
        return create(prefix, paths, false);
    }

    /** {@code shared}: one target namespace holds every path's target end ({@code create N shared}). */
    public static Testbed create(String prefix, int paths, boolean shared) {
        Testbed bed = new Testbed(script(), prefix);
        PeerProcess.Result r = shared ? bed.run("create", Integer.toString(paths), "shared")
                : bed.run("create", Integer.toString(paths));
        if (r.exitCode() != 0) {
            bed.close();
        }
        assumeTrue(!r.output().contains("Operation not permitted"), "this machine does not allow network namespaces: " + r.output());
        r.requireSuccess("testbed.sh create " + paths);
        return bed;
    }

    public String prefix() {
        return prefix;
    }

    /** Runs {@code testbed.sh -p PREFIX args…} to completion. */
    public PeerProcess.Result run(String... args) {
        return PeerProcess.run(command(args), Duration.ofSeconds(60));
    }

    /** Starts {@code testbed.sh -p PREFIX args…} (run-target, run-init) in the background; stopped by {@link #close()}. */
    public PeerProcess start(String... args) {
        PeerProcess p = PeerProcess.start(command(args));
        processes.add(p);
        return p;
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(script.toString(), "-p", prefix));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The target's address on path {@code path}. */
    public String addr(int path) {
        return run("addr", Integer.toString(path)).requireSuccess("testbed addr").output().strip();
    }

    /** Destroys the bed (which kills what runs inside) and reaps the processes started here. */
    @Override
    public void close() {
        run("destroy");
        processes.forEach(PeerProcess::close);
    }
}
