package io.mpath4j.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BindingsTest {

    @TempDir
    Path dir;

    @Test
    void suffixesFollowMultipathToolsSequence() {
        assertThat(Bindings.suffix(1)).isEqualTo("a");
        assertThat(Bindings.suffix(26)).isEqualTo("z");
        assertThat(Bindings.suffix(27)).isEqualTo("aa");
        assertThat(Bindings.suffix(52)).isEqualTo("az");
        assertThat(Bindings.suffix(53)).isEqualTo("ba");
        assertThat(Bindings.suffix(702)).isEqualTo("zz");
        assertThat(Bindings.suffix(703)).isEqualTo("aaa");
    }

    @Test
    void namesAreStableAcrossRestartsWhateverTheOrderUnitsAppear() throws IOException {
        Path file = dir.resolve("etc/bindings");
        Bindings first = Bindings.load(file);
        assertThat(first.allocate("wwid-1", "mpath", Set.of())).isEqualTo("mpatha");
        assertThat(first.allocate("wwid-2", "mpath", Set.of())).isEqualTo("mpathb");
        assertThat(first.allocate("wwid-1", "mpath", Set.of())).isEqualTo("mpatha");

        Bindings restarted = Bindings.load(file);
        assertThat(restarted.allocate("wwid-2", "mpath", Set.of())).isEqualTo("mpathb");
        assertThat(restarted.allocate("wwid-3", "mpath", Set.of())).isEqualTo("mpathc");
        assertThat(restarted.allocate("wwid-1", "mpath", Set.of())).isEqualTo("mpatha");
        assertThat(Files.readAllLines(file)).filteredOn(l -> !l.startsWith("#"))
                .containsExactly("mpatha wwid-1", "mpathb wwid-2", "mpathc wwid-3");
    }

    @Test
    void readsMultipathToolsFilesFillsGapsAndSkipsReservedNames() throws IOException {
        Path file = dir.resolve("bindings");
        Files.writeString(file, """
                # Multipath bindings, Version : 1.0
                # NOTE: this file is automatically maintained by the multipath program.
                mpatha 3600a098038303053453f463045727431
                mpathc 3600a098038303053453f463045727433   # comment
                mpathz 3600a098038303053453f46304572743z""");
        Bindings b = Bindings.load(file);
        assertThat(b.alias("3600a098038303053453f463045727433")).contains("mpathc");
        assertThat(b.allocate("new-1", "mpath", Set.of("mpathb"))).isEqualTo("mpathd");
        assertThat(b.allocate("new-2", "mpath", Set.of())).isEqualTo("mpathb");
        assertThat(b.allocate("new-3", "db", Set.of())).isEqualTo("dba");
        // appended after the last line, which had no newline
        assertThat(Files.readString(file)).endsWith("mpathz 3600a098038303053453f46304572743z\nmpathd new-1\nmpathb new-2\ndba new-3\n");
        assertThat(Bindings.load(file).aliasesByWwid()).hasSize(6);
    }

    @Test
    void malformedAndConflictingLinesAreReportedAndKept() throws IOException {
        Path file = dir.resolve("bindings");
        String text = "mpatha w1\nmpathb\nmpatha w2\nmpathc w1\nmpathd w4 extra\n";
        Files.writeString(file, text);
        Bindings b = Bindings.load(file);
        assertThat(b.problems()).extracting(Diagnostic::toString).containsExactly(
                file + ":2: warning: binding \"mpathb\" has no WWID; line ignored",
                file + ":3: warning: alias mpatha is already bound to w1; this binding is ignored",
                file + ":4: warning: wwid w1 is already bound to mpatha; this binding is ignored",
                file + ":5: warning: extra data after the WWID ignored");
        assertThat(b.alias("w2")).isEmpty();
        assertThat(b.allocate("w2", "mpath", Set.of())).isEqualTo("mpathb");
        assertThat(Files.readString(file)).isEqualTo(text + "mpathb w2\n");
    }

    @Test
    void mapNamingPrefersAliasThenBindingThenWwid() throws IOException {
        ConfigLoader.Result r = ConfigLoader.parse("n.conf", """
                defaults {
                	user_friendly_names yes
                }
                devices {
                	device {
                		vendor "ACME"
                		product "Plain"
                		user_friendly_names no
                	}
                }
                multipaths {
                	multipath {
                		wwid w-alias
                		alias mpatha
                	}
                }
                """);
        assertThat(r.errors()).isEmpty();
        MapNaming naming = new MapNaming(new ConfigResolver(r.config()), Bindings.load(dir.resolve("b")));
        assertThat(naming.name("w-alias", "ACME", "Box", "")).isEqualTo("mpatha");
        assertThat(naming.name("w-other", "ACME", "Box", "")).isEqualTo("mpathb"); // mpatha is a configured alias
        assertThat(naming.name("w-plain", "ACME", "Plain", "")).isEqualTo("w-plain");
        assertThat(naming.name("w-netapp", "NETAPP", "LUN", "")).isEqualTo("w-netapp"); // hwtable: user_friendly_names no
    }
}
