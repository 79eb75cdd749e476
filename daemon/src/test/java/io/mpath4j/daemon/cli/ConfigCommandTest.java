package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.daemon.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mpath config check} and {@code mpath show config}, run in-process. */
class ConfigCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        var cli = MpathCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private Path sample(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/config/" + name)) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    @Test
    void checkOfAValidFileCountsItsWarnings() throws IOException {
        Path file = sample("netapp-recommended.conf");
        assertThat(run("config", "check", file.toString())).isEqualTo(0);
        assertThat(out.toString()).isEqualTo("ok: 6 warnings\n");
        assertThat(err.toString()).contains(file + ":21:3: warning: 'dev_loss_tmo' is accepted but not applicable");
    }

    @Test
    void checkOfAFileWithErrorsPrintsThemWithFileAndLineAndExitsOne() throws IOException {
        Path file = sample("typos.conf");
        assertThat(run("config", "check", file.toString())).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains(file + ":3:2: error: unknown keyword 'path_selctor' in section 'defaults';"
                + " did you mean 'path_selector'?").endsWith("error: " + file + ": 12 errors, 0 warnings\n");
    }

    @Test
    void checkOfAMissingFileIsAnOperationalErrorExitTwo() {
        assertThat(run("config", "check", dir.resolve("nope.conf").toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: ").contains("nope.conf");
    }

    @Test
    void showConfigPrintsTheEffectiveConfigurationThatChecksClean() throws IOException {
        Path file = sample("exceptions-aliases.conf");
        assertThat(run("show", "config", "-c", file.toString())).isEqualTo(0);
        String printed = out.toString();
        assertThat(printed).startsWith("# effective configuration of " + file + "\ndefaults {\n")
                .contains("\tno_path_retry 12\n").contains("\talias_prefix db\n").contains("\tpolling_interval 5\n")
                .contains("\t\talias oradata1\n").contains("\t\tlisten 127.0.0.1:10809\n");
        ConfigLoader.Result back = ConfigLoader.parse("printed", printed);
        assertThat(back.errors()).isEmpty();
    }

    @Test
    void showConfigOfAFileWithErrorsExitsOne() throws IOException {
        assertThat(run("show", "config", "-c", sample("typos.conf").toString())).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("typos.conf:4:11: error: failback must be");
    }

    @Test
    void helpSaysTheFileIsReadDirectly() {
        assertThat(run("show", "config", "--help")).isEqualTo(0);
        assertThat(out.toString()).contains("reads the file directly");
    }
}
