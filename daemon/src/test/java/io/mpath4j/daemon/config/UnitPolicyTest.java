package io.mpath4j.daemon.config;

import static io.mpath4j.daemon.config.RealWorldConfigTest.path;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.daemon.config.UnitPolicy.Handling;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitPolicyTest {

    private static UnitPolicy policy(String text) {
        ConfigLoader.Result r = ConfigLoader.parse("u.conf", text);
        assertThat(r.errors()).isEmpty();
        return new UnitPolicy(new ConfigResolver(r.config()));
    }

    private static final PathFacts A1 = path("iscsi://10.0.0.1:3260/iqn.2003-01.org.x:t/1", "wa", "ACME", "Box");
    private static final PathFacts A2 = path("iscsi://10.0.0.2:3260/iqn.2003-01.org.x:t/1", "wa", "ACME", "Box");

    @Test
    void findMultipathsOnNeedsTwoPathsOrAMultipathsEntry() {
        UnitPolicy on = policy("defaults {\n\tfind_multipaths on\n}\n");
        assertThat(on.decide("wa", List.of(A1, A2)).handling()).isEqualTo(Handling.MULTIPATHED);
        UnitPolicy.Decision single = on.decide("wa", List.of(A1));
        assertThat(single.handling()).isEqualTo(Handling.SINGLE_PATH);
        assertThat(single.reason()).isEqualTo("one path, find_multipaths on and the wwid is not listed in multipaths");
        UnitPolicy listed = policy("multipaths {\n\tmultipath {\n\t\twwid wa\n\t}\n}\n");
        assertThat(listed.decide("wa", List.of(A1)).reason()).isEqualTo("listed in multipaths at u.conf:2:2");
    }

    @Test
    void strictGreedyOffAndSmart() {
        assertThat(policy("defaults {\n\tfind_multipaths strict\n}\n").decide("wa", List.of(A1, A2)).handling())
                .isEqualTo(Handling.SINGLE_PATH);
        for (String v : List.of("off", "no", "greedy")) {
            assertThat(policy("defaults {\n\tfind_multipaths " + v + "\n}\n").decide("wa", List.of(A1)).handling())
                    .as(v).isEqualTo(Handling.MULTIPATHED);
        }
        ConfigLoader.Result smart = ConfigLoader.parse("u.conf", "defaults {\n\tfind_multipaths smart\n}\n");
        assertThat(smart.warnings()).hasSize(1);
        UnitPolicy p = new UnitPolicy(new ConfigResolver(smart.config()));
        assertThat(p.decide("wa", List.of(A1)).handling()).isEqualTo(Handling.SINGLE_PATH);
        assertThat(p.decide("wa", List.of(A1, A2)).handling()).isEqualTo(Handling.MULTIPATHED);
    }

    @Test
    void blacklistCategoriesAndTheirExceptions() {
        UnitPolicy p = policy("""
                blacklist {
                	devnode "10\\.0\\.0\\.2"
                	wwid "^bad"
                	protocol "nbd"
                	device {
                		vendor "ACME"
                		product "Tape"
                	}
                }
                blacklist_exceptions {
                	wwid "^bad-but-wanted$"
                }
                """);
        UnitPolicy.Decision d = p.decide("wa", List.of(A1, A2));
        assertThat(d.handling()).isEqualTo(Handling.SINGLE_PATH);
        assertThat(d.paths()).containsExactly(A1);
        assertThat(d.reason()).contains("iscsi://10.0.0.2:3260/iqn.2003-01.org.x:t/1 blacklisted by devnode \"10\\.0\\.0\\.2\" at u.conf:2:10");
        assertThat(p.excludedBy(path("iscsi://h/iqn.2003-01.org.x:t/1", "bad-1", "ACME", "Box"))).isPresent();
        assertThat(p.excludedBy(path("iscsi://h/iqn.2003-01.org.x:t/1", "bad-but-wanted", "ACME", "Box"))).isEmpty();
        assertThat(p.excludedBy(path("nbd://h/e", "w", "", ""))).map(BlacklistRule::kind).contains(BlacklistRule.Kind.PROTOCOL);
        assertThat(p.excludedBy(path("iscsi://h/iqn.2003-01.org.x:t/1", "w", "ACME", "Tape"))).map(BlacklistRule::kind)
                .contains(BlacklistRule.Kind.DEVICE);
        UnitPolicy.Decision ignored = p.decide("bad-1", List.of(path("iscsi://h/iqn.2003-01.org.x:t/1", "bad-1", "ACME", "Box")));
        assertThat(ignored.handling()).isEqualTo(Handling.IGNORED);
        assertThat(ignored.paths()).isEmpty();
    }

    @Test
    void productBlacklistOfTheDeviceTableExcludesGatekeeperLuns() {
        UnitPolicy p = policy("");
        PathFacts lunz = path("iscsi://h/iqn.1992-04.com.emc:x/0", "w", "DGC", "LUNZ");
        assertThat(p.excludedBy(lunz)).map(BlacklistRule::toString).hasValueSatisfying(s -> assertThat(s).contains("LUNZ"));
        assertThat(policy("blacklist_exceptions {\n\tdevice {\n\t\tvendor DGC\n\t}\n}\n").excludedBy(lunz)).isEmpty();
    }

    @Test
    void pathFactsFromTheEngineIdentity() {
        PathFacts f = PathFacts.of(new PathIdentity("nbd://127.0.0.1:10809/e", "w", "", "", "", "", -1, ""));
        assertThat(f.protocol()).isEqualTo("nbd");
        assertThat(f.vendor()).isEmpty();
    }
}
