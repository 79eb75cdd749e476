package io.mpath4j.lab.proof;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program the torture starts (fio, tgtd, tgtadm, testbed.sh): output (stdout and stderr) to a
 * temporary file, killed with its descendants on {@link #close()}, so a failed run leaves nothing
 * behind.
 */
public final class ExternalCommand implements AutoCloseable {

    /** Exit status and combined output of a finished command. */
    public record Result(int exitCode, String output) {
        public Result requireSuccess(String what) {
            if (exitCode != 0) {
                throw new IllegalStateException(what + " failed with exit status " + exitCode + ": " + output.strip());
            }
            return this;
        }
    }

    private final String name;
    private final Process process;
    private final Path log;

    private ExternalCommand(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Whether {@code tool} is an executable on the PATH. */
    public static boolean installed(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    public static ExternalCommand start(List<String> command) {
        try {
            Path log = Files.createTempFile("mpath4j-torture-", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new ExternalCommand(String.join(" ", command), p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Runs {@code command} to completion; killed (and an exception) after {@code timeout}. */
    public static Result run(List<String> command, Duration timeout) {
        try (ExternalCommand c = start(command)) {
            return c.await(timeout);
        }
    }

    /** Waits for the exit; kills it and throws after {@code timeout}. */
    public Result await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                String out = output();
                close();
                throw new IllegalStateException(name + " did not finish within " + timeout + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted waiting for " + name, e);
        }
        return new Result(process.exitValue(), output());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
