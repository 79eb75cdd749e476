package io.mpath4j.daemon.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.daemon.config.HostPort;
import io.mpath4j.daemon.config.IscsiPortal;
import io.mpath4j.daemon.config.SourceLocation;
import io.mpath4j.iscsi.IscsiUri;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The portal's CHAP credentials: the secret comes from its file, never from the configuration. */
class PathDiscoveryTest {

    @TempDir
    Path dir;

    private IscsiPortal portal(Optional<String> user, Optional<Path> secret) {
        return new IscsiPortal(new HostPort("127.0.0.1", 3261), Optional.empty(), user, secret, new SourceLocation("m.conf", 5, 2));
    }

    @Test
    void chapSecretIsReadFromItsFileWithoutTheNewline() throws IOException {
        Path secret = dir.resolve("chap");
        Files.writeString(secret, "s3cret-secret-1\n");
        IscsiUri u = PathDiscovery.discoveryUri(portal(Optional.of("alice"), Optional.of(secret)));
        assertThat(u.user()).isEqualTo("alice");
        assertThat(u.password()).isEqualTo("s3cret-secret-1");
        assertThat(u.isDiscovery()).isTrue();
        assertThat(u.port()).isEqualTo(3261);
    }

    @Test
    void noChapMeansNoCredentials() throws IOException {
        IscsiUri u = PathDiscovery.discoveryUri(portal(Optional.empty(), Optional.empty()));
        assertThat(u.hasCredentials()).isFalse();
    }

    @Test
    void anEmptyOrMissingSecretFileIsAnError() throws IOException {
        Path empty = dir.resolve("empty");
        Files.writeString(empty, "\n");
        assertThatThrownBy(() -> PathDiscovery.discoveryUri(portal(Optional.of("alice"), Optional.of(empty))))
                .hasMessage("CHAP secret file " + empty + " is empty");
        assertThatThrownBy(() -> PathDiscovery.discoveryUri(portal(Optional.of("alice"), Optional.of(dir.resolve("none")))))
                .hasMessageStartingWith("CHAP secret file " + dir.resolve("none") + " cannot be read");
    }
}
