package io.mpath4j.daemon.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

    @TempDir
    Path dir;

    @Test
    void errorsRejectTheWholeFileWithFileAndLine() throws IOException {
        Path f = dir.resolve("m.conf");
        Files.writeString(f, "defaults {\n\tpolling_interval 1\n\tpolling_intervall 2\n}\n");
        assertThatThrownBy(() -> new ConfigFile(f).load()).isInstanceOf(ConfigFile.Rejected.class)
                .hasMessageStartingWith(f + ": 1 error:\n" + f + ":3:")
                .hasMessageContaining("polling_intervall");
    }

    @Test
    void warningsDoNotReject() throws Exception {
        Path f = dir.resolve("m.conf");
        Files.writeString(f, "defaults {\n\tuid_attribute ID_SERIAL\n\tpolling_interval 3\n}\n");
        assertThat(new ConfigFile(f).load().defaults().require("polling_interval")).isEqualTo("3");
    }

    @Test
    void aMissingFileIsRejected() {
        assertThatThrownBy(() -> new ConfigFile(dir.resolve("none.conf")).load()).isInstanceOf(ConfigFile.Rejected.class)
                .hasMessage(dir.resolve("none.conf") + ": no such file");
    }
}
