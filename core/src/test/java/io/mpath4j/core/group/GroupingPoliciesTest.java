package io.mpath4j.core.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.core.path.PathIdentity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GroupingPoliciesTest {

    /** name, serial, target node, tpg; priorities in PRIO. Listed out of name order on purpose. */
    private static final List<PathIdentity> PATHS = List.of(
            path("c", "S1", "tgtA", 1),
            path("f", "S3", "tgtB", 3),
            path("a", "S1", "tgtA", 1),
            path("e", "", "tgtC", -1),
            path("d", "S2", "tgtA", 3),
            path("b", "S2", "tgtB", 2));

    private static final Map<String, Integer> PRIO = Map.of("a", 50, "c", 50, "f", 50, "b", 10, "d", 10, "e", 1);

    private static PathIdentity path(String name, String serial, String node, int tpg) {
        return new PathIdentity(name, "wwid-1", "V", "P", "1", serial, tpg, node);
    }

    private static List<List<String>> groupNames(String keyword, List<PathIdentity> paths, Map<String, Integer> prio) {
        List<List<PathIdentity>> groups = GroupingPolicies.byKeyword(keyword)
                .group(paths, Function.identity(), p -> prio.get(p.name()));
        return groups.stream().map(g -> g.stream().map(PathIdentity::name).toList()).toList();
    }

    @Test
    void failoverPutsEachPathInItsOwnGroupByPriorityThenName() {
        assertThat(groupNames("failover", PATHS, PRIO))
                .containsExactly(List.of("a"), List.of("c"), List.of("f"), List.of("b"), List.of("d"), List.of("e"));
    }

    @Test
    void multibusPutsAllPathsInOneGroupByName() {
        assertThat(groupNames("multibus", PATHS, PRIO)).containsExactly(List.of("a", "b", "c", "d", "e", "f"));
    }

    @Test
    void groupByPrioGroupsEqualPriorities() {
        assertThat(groupNames("group_by_prio", PATHS, PRIO))
                .containsExactly(List.of("a", "c", "f"), List.of("b", "d"), List.of("e"));
    }

    @Test
    void groupBySerialGroupsEqualSerialsAndBreaksPriorityTiesByFirstName() {
        // S1 {a,c} and S3 {f} both average 50: a < f decides.
        assertThat(groupNames("group_by_serial", PATHS, PRIO))
                .containsExactly(List.of("a", "c"), List.of("f"), List.of("b", "d"), List.of("e"));
    }

    @Test
    void groupByNodeNameOrdersByAveragePriority() {
        // tgtA {a,c,d} averages 36.7, tgtB {b,f} 30, tgtC {e} 1.
        assertThat(groupNames("group_by_node_name", PATHS, PRIO))
                .containsExactly(List.of("a", "c", "d"), List.of("b", "f"), List.of("e"));
    }

    @Test
    void groupByTpgGroupsByPortGroupAndUnknownTogether() {
        List<PathIdentity> paths = new ArrayList<>(PATHS);
        paths.add(path("g", "S9", "tgtC", -1));
        Map<String, Integer> prio = new HashMap<>(PRIO);
        prio.put("g", 1);
        // tpg1 {a,c}=50, tpg3 {d,f}=30, tpg2 {b}=10, unknown {e,g}=1.
        assertThat(groupNames("group_by_tpg", paths, prio))
                .containsExactly(List.of("a", "c"), List.of("d", "f"), List.of("b"), List.of("e", "g"));
    }

    @Test
    void groupPriorityIsTheExactAverageNotATruncatedOne() {
        // Integer division would give both groups 10 and put "a-node" first by name.
        List<PathIdentity> paths = List.of(path("a1", "", "node-y", 1), path("z1", "", "node-x", 1),
                path("z2", "", "node-x", 1));
        Map<String, Integer> prio = Map.of("a1", 10, "z1", 10, "z2", 11);
        assertThat(groupNames("group_by_node_name", paths, prio))
                .containsExactly(List.of("z1", "z2"), List.of("a1"));
    }

    @ParameterizedTest
    @EnumSource(StandardGroupingPolicy.class)
    void resultDoesNotDependOnInputOrderAndAsksEachPriorityOnce(StandardGroupingPolicy policy) {
        List<List<String>> reference = groupNames(policy.keyword(), PATHS, PRIO);
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            List<PathIdentity> shuffled = new ArrayList<>(PATHS);
            Collections.shuffle(shuffled, random);
            Map<String, Integer> calls = new HashMap<>();
            List<List<PathIdentity>> groups = policy.group(shuffled, Function.identity(), p -> {
                calls.merge(p.name(), 1, Integer::sum);
                return PRIO.get(p.name());
            });
            assertThat(groups.stream().map(g -> g.stream().map(PathIdentity::name).toList()).toList())
                    .isEqualTo(reference);
            assertThat(calls).hasSize(PATHS.size()).allSatisfy((name, n) -> assertThat(n).isEqualTo(1));
        }
    }

    @Test
    void emptyInputGivesNoGroups() {
        for (StandardGroupingPolicy p : StandardGroupingPolicy.values()) {
            assertThat(p.group(List.<PathIdentity>of(), Function.identity(), x -> 1)).isEmpty();
        }
    }

    @Test
    void byKeywordKnowsEveryMultipathConfKeyword() {
        assertThat(GroupingPolicies.byKeyword("failover")).isSameAs(StandardGroupingPolicy.FAILOVER);
        assertThat(GroupingPolicies.byKeyword("multibus")).isSameAs(StandardGroupingPolicy.MULTIBUS);
        assertThat(GroupingPolicies.byKeyword("group_by_prio")).isSameAs(StandardGroupingPolicy.GROUP_BY_PRIO);
        assertThat(GroupingPolicies.byKeyword("group_by_serial")).isSameAs(StandardGroupingPolicy.GROUP_BY_SERIAL);
        assertThat(GroupingPolicies.byKeyword("group_by_node_name"))
                .isSameAs(StandardGroupingPolicy.GROUP_BY_NODE_NAME);
        assertThat(GroupingPolicies.byKeyword(" group_by_tpg ")).isSameAs(StandardGroupingPolicy.GROUP_BY_TPG);
        assertThat(GroupingPolicies.byKeyword("group_by_tpg").keyword()).isEqualTo("group_by_tpg");
    }

    @Test
    void byKeywordRejectsUnknownKeywordsListingTheValidOnes() {
        assertThatThrownBy(() -> GroupingPolicies.byKeyword("round-robin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("round-robin")
                .hasMessageContaining("failover, multibus, group_by_prio, group_by_serial, group_by_node_name, group_by_tpg");
        assertThatThrownBy(() -> GroupingPolicies.byKeyword("Multibus")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GroupingPolicies.byKeyword(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
