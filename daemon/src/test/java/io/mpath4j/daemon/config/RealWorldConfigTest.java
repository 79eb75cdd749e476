package io.mpath4j.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.device.FailbackPolicy;
import io.mpath4j.core.device.NoPathRetry;
import io.mpath4j.core.group.StandardGroupingPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** multipath.conf files in the shapes found on real hosts, read as their authors meant them. */
class RealWorldConfigTest {

    static ConfigLoader.Result load(String name) throws IOException {
        try (InputStream in = RealWorldConfigTest.class.getResourceAsStream("/config/" + name)) {
            return ConfigLoader.parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static List<String> lines(List<Diagnostic> ds) {
        return ds.stream().map(Diagnostic::toString).toList();
    }

    @Test
    void debianDefault() throws IOException {
        ConfigLoader.Result r = load("debian-default.conf");
        assertThat(r.errors()).isEmpty();
        assertThat(lines(r.warnings())).extracting(s -> s.substring(0, s.indexOf(": warning")))
                .containsExactly("debian-default.conf:10:2", "debian-default.conf:11:2", "debian-default.conf:12:2");
        ConfigResolver resolver = new ConfigResolver(r.config());
        assertThat(resolver.base().value("user_friendly_names")).contains("yes");
        assertThat(resolver.base().value("find_multipaths")).contains("yes");
        assertThat(resolver.monitorConfig().pollingInterval()).isEqualTo(Duration.ofSeconds(10));
        // "!" inside the quotes is part of the expression, not a comment
        assertThat(r.config().blacklist()).extracting(BlacklistRule::regex)
                .containsExactly("^(ram|raw|loop|fd|md|dm-|sr|scd|st)[0-9]*", "^hd[a-z]", "^cciss!c[0-9]d[0-9]*");
    }

    @Test
    void netappRecommended() throws IOException {
        ConfigLoader.Result r = load("netapp-recommended.conf");
        assertThat(r.errors()).isEmpty();
        assertThat(lines(r.warnings())).extracting(s -> s.substring(0, s.indexOf(": warning")))
                .containsExactly("netapp-recommended.conf:4:2", // path_checker readsector0
                        "netapp-recommended.conf:13:13", // features pg_init_retries 50
                        "netapp-recommended.conf:15:3", // path_checker tur
                        "netapp-recommended.conf:18:3", // hardware_handler
                        "netapp-recommended.conf:20:3", // rr_min_io
                        "netapp-recommended.conf:21:3"); // dev_loss_tmo
        ConfigResolver resolver = new ConfigResolver(r.config());
        // the user's "LUN.*" entry is not the built-in "LUN" one: both match, the user's applies last
        assertThat(resolver.matching("NETAPP", "LUN C-Mode", "9800")).extracting(DeviceEntry::product)
                .containsExactly("LUN", "LUN.*");
        var config = resolver.deviceConfig("3600a0980", "NETAPP", "LUN C-Mode", "9800", true);
        assertThat(config.grouping()).isEqualTo(StandardGroupingPolicy.GROUP_BY_PRIO);
        assertThat(config.failback()).isEqualTo(new FailbackPolicy.Immediate());
        assertThat(config.prioritizer().toString()).startsWith("alua");
        assertThat(config.selector().get().getClass().getSimpleName()).isEqualTo("RoundRobinSelector");
        // no_path_retry: defaults say fail, but the built-in NETAPP LUN entry (a layer above defaults) says
        // queue, and the user's device entry sets none: queue, exactly as multipath-tools resolves this file
        assertThat(config.noPathRetry()).isEqualTo(new NoPathRetry.Queue());
        assertThat(resolver.resolve("3600a0980", "NETAPP", "LUN C-Mode", "9800").get("no_path_retry").orElseThrow().layer())
                .isEqualTo(Layer.HWTABLE);
    }

    @Test
    void blacklistExceptionsAliasesAndOwnSections() throws IOException {
        ConfigLoader.Result r = load("exceptions-aliases.conf");
        assertThat(lines(r.diagnostics())).isEmpty();
        MpathConfig c = r.config();
        assertThat(c.multipaths()).extracting(m -> m.alias().orElse("-"))
                .containsExactly("oradata1", "oraredo1", "-", "scratch");
        assertThat(c.initiatorName()).contains("iqn.2026-01.com.example:db1");
        assertThat(c.portals()).extracting(p -> p.address().toString()).containsExactly("10.0.0.1:3260", "[fd00::2]:3260");
        assertThat(c.portals().getFirst().chapSecretFile()).map(Object::toString).contains("/etc/mpath4j/chap-db1");
        assertThat(c.nbdEndpoints()).extracting(e -> e.uri().port()).containsExactly(10809, 10809);
        assertThat(c.nbdListeners()).extracting(l -> l.listen().toString()).containsExactly("127.0.0.1:10809");

        ConfigResolver resolver = new ConfigResolver(c);
        var redo = resolver.deviceConfig("3600a098038303053453f463045727432", "NETAPP", "LUN", "", false);
        assertThat(redo.grouping()).isEqualTo(StandardGroupingPolicy.MULTIBUS);
        assertThat(redo.failback()).isEqualTo(new FailbackPolicy.Deferred(Duration.ofSeconds(30)));
        // defaults < built-in device table: the NETAPP LUN entry's "queue" wins over defaults' 12, as in
        // multipath-tools; a unit no built-in entry matches gets the 12
        assertThat(redo.noPathRetry()).isEqualTo(new NoPathRetry.Queue());
        assertThat(resolver.deviceConfig("36001405deadbeef0000000000000001", "ACME", "Box", "", false).noPathRetry())
                .isEqualTo(new NoPathRetry.Retries(12));

        UnitPolicy policy = new UnitPolicy(resolver);
        var oradata = path("iscsi://10.0.0.1:3260/iqn.1992-08.com.netapp:sn.4082367f/1", "3600a098038303053453f463045727431", "NETAPP", "LUN");
        var oradata2 = path("iscsi://[fd00::2]:3260/iqn.1992-08.com.netapp:sn.4082367f/1", "3600a098038303053453f463045727431", "NETAPP", "LUN");
        assertThat(policy.decide(oradata.wwid(), List.of(oradata, oradata2)).handling()).isEqualTo(UnitPolicy.Handling.MULTIPATHED);
        var other = path("iscsi://10.0.0.1:3260/iqn.1992-08.com.netapp:sn.4082367f/9", "3600a0980aaaaaaaaaaaaaaaaaaaaaaaa", "NETAPP", "LUN");
        var otherDecision = policy.decide(other.wwid(), List.of(other));
        assertThat(otherDecision.handling()).isEqualTo(UnitPolicy.Handling.IGNORED);
        assertThat(otherDecision.reason()).contains("wwid \".*\" at exceptions-aliases.conf:14:7");
        var scratch1 = path("nbd://10.0.1.5:10809/scratch", "nbd-scratch-1", "", "");
        var scratch2 = path("nbd://10.0.1.6:10809/scratch", "nbd-scratch-1", "", "");
        assertThat(policy.decide("nbd-scratch-1", List.of(scratch1, scratch2)).handling())
                .isEqualTo(UnitPolicy.Handling.MULTIPATHED);
    }

    @Test
    void typosAreAllReportedWithTheirLines() throws IOException {
        ConfigLoader.Result r = load("typos.conf");
        assertThat(lines(r.errors())).containsExactly(
                "typos.conf:3:2: error: unknown keyword 'path_selctor' in section 'defaults'; did you mean 'path_selector'?",
                "typos.conf:4:11: error: failback must be immediate, manual, followover or a number of seconds, not 'immediatly'",
                "typos.conf:5:16: error: no_path_retry must be fail, queue or a positive number, not 'qeue'",
                "typos.conf:6:2: error: unknown keyword 'user_friendly_name' in section 'defaults'; did you mean 'user_friendly_names'?",
                "typos.conf:7:28: error: extra data '0' after the value of 'path_selector'; quote a value of several words: path_selector \"round-robin 0\"",
                "typos.conf:8:7: error: unknown prio 'alau'; valid: const, alua, ana, weightedpath, path_latency",
                "typos.conf:12:11: error: 'vendor' after 'device {': write one statement per line (multipath-tools would ignore the rest of this line)",
                "typos.conf:13:2: error: device entry without product: both are needed to match units",
                "typos.conf:19:2: error: multipath entry without wwid",
                "typos.conf:24:10: error: invalid regular expression \"^(sd[a-z]\": Unclosed group near index 9",
                "typos.conf:26:1: error: section 'export' is not closed: missing '}' before the end of typos.conf (line 29)",
                "typos.conf:28:10: error: \"127.0.0.1:99999\": port 99999 is not in 1..65535");
    }

    static PathFacts path(String name, String wwid, String vendor, String product) {
        return new PathFacts(name, wwid, vendor, product, "", PathFacts.protocolOf(name));
    }
}
