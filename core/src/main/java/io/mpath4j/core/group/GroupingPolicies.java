package io.mpath4j.core.group;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Maps the multipath.conf {@code path_grouping_policy} keyword to a policy. */
public final class GroupingPolicies {

    private GroupingPolicies() {}

    /**
     * Returns the policy for {@code keyword}, spelled exactly as in multipath.conf (which compares
     * keywords case-sensitively too).
     *
     * @throws IllegalArgumentException for an unknown keyword; the message lists the valid ones
     */
    public static PathGroupingPolicy byKeyword(String keyword) {
        String k = keyword == null ? "" : keyword.strip();
        for (StandardGroupingPolicy p : StandardGroupingPolicy.values()) {
            if (p.keyword().equals(k)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown path_grouping_policy '" + keyword + "'; valid: " + validKeywords());
    }

    /** The accepted keywords, comma separated, for messages and help texts. */
    public static String validKeywords() {
        return Arrays.stream(StandardGroupingPolicy.values())
                .map(StandardGroupingPolicy::keyword)
                .collect(Collectors.joining(", "));
    }
}
