package io.mpath4j.lab.proof;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * lab/testbed/testbed.sh from main code: the script travels in the lab jar (so that {@code mpath
 * torture} finds it anywhere) and is written to a temporary file to run. One bed, one prefix.
 * Needs root; {@link #isRoot()} tells.
 */
public final class TestbedScript {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final Path script;
    private final String prefix;

    private TestbedScript(Path script, String prefix) {
        this.script = script;
        this.prefix = prefix;
    }

    /** The bed called {@code prefix} (existing or to be created). */
    public static TestbedScript of(String prefix) {
        return new TestbedScript(extract(), prefix);
    }

    /** A prefix no other run on this machine uses now: {@code stem} and this JVM's pid. */
    public static String uniquePrefix(String stem) {
        return stem + ProcessHandle.current().pid() % 100_000;
    }

    public static boolean isRoot() {
        try {
            return ExternalCommand.run(List.of("id", "-u"), Duration.ofSeconds(5)).output().strip().equals("0");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Path extract() {
        try (InputStream in = TestbedScript.class.getResourceAsStream("testbed.sh")) {
            if (in == null) {
                throw new IllegalStateException("testbed.sh is not in the lab jar (io/mpath4j/lab/proof/testbed.sh)");
            }
            Path p = Files.createTempFile("mpath4j-testbed-", ".sh", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write testbed.sh to a temporary file", e);
        }
    }

    public String prefix() {
        return prefix;
    }

    /** {@code testbed.sh -p PREFIX args…} to completion; throws unless it succeeded. */
    public String run(String... args) {
        return ExternalCommand.run(command(List.of(args)), TIMEOUT).requireSuccess("testbed.sh " + String.join(" ", args))
                .output();
    }

    /** Starts {@code testbed.sh -p PREFIX args…} (run-target, run-init); the caller closes it. */
    public ExternalCommand start(List<String> args) {
        return ExternalCommand.start(command(args));
    }

    /** The command line that runs {@code args} through the script. */
    public List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString(), "-p", prefix));
        cmd.addAll(args);
        return cmd;
    }

    /** The target's address on path {@code path} (1-based). */
    public String addr(int path) {
        return run("addr", Integer.toString(path)).strip();
    }

    /** The initiator's address on path {@code path} (1-based). */
    public String initAddr(int path) {
        return run("addr", Integer.toString(path), "init").strip();
    }

    /** Kills what runs inside and deletes the namespaces; idempotent, never throws. */
    public void destroy() {
        try {
            ExternalCommand.run(command(List.of("destroy")), TIMEOUT);
        } catch (RuntimeException ignored) {
            // best effort: a second destroy does the rest
        }
    }
}
