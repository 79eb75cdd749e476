package io.mpath4j.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.nbd.PeerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/dist.sh makes a distribution that runs without a JDK (its own jlink runtime) and whose
 * systemd unit systemd itself accepts.
 */
class DistributionIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path out;

    @Test
    void selfContainedTarballRunsWithoutAJdk() throws IOException {
        PeerProcess.Result dist = PeerProcess.run(List.of("bash", ROOT.resolve("bin/dist.sh").toString(), "--no-build", out.toString()),
                Duration.ofMinutes(5)).requireSuccess("bin/dist.sh");
        Path tarball = Path.of(dist.output().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(tarball.getFileName().toString()).matches("mpath4j-.*-linux-.*\\.tar\\.gz");
        Path unpacked = Files.createDirectories(out.resolve("unpacked"));
        PeerProcess.run(List.of("tar", "-C", unpacked.toString(), "-xzf", tarball.toString()), Duration.ofMinutes(1)).requireSuccess("tar");
        Path home;
        try (Stream<Path> s = Files.list(unpacked)) {
            home = s.findFirst().orElseThrow();
        }
        // No JAVA_HOME, no java on PATH: only the bundled runtime can run it.
        PeerProcess.Result version = PeerProcess.run(List.of("env", "-i", "PATH=/usr/bin:/bin",
                home.resolve("bin/mpath").toString(), "--version"), Duration.ofMinutes(1)).requireSuccess("mpath --version");
        assertThat(version.output()).contains("mpath4j");
        assertThat(home.resolve("systemd/mpath4j.service")).exists();
        assertThat(home.resolve("docs/architecture.md")).exists();

        // systemd's own check of the unit, with the paths pointing into this unpacked copy.
        Path unit = out.resolve("mpath4j.service");
        Files.writeString(unit, Files.readString(home.resolve("systemd/mpath4j.service")).replace("/opt/mpath4j", home.toString()));
        PeerProcess.Result verify = PeerProcess.run(List.of("systemd-analyze", "verify", unit.toString()), Duration.ofMinutes(1));
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).doesNotContain("mpath4j.service:");

        try (Stream<Path> walk = Files.walk(out)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
