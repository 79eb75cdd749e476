package io.mpath4j.lab.target;

import io.mpath4j.lab.lu.TaskExecutor;
import java.util.List;
import java.util.Objects;

/**
 * One iSCSI target node of the lab target: its name, alias, the logical units behind it and the
 * LUN numbers they answer at (for URIs and task management; REPORT LUNS is the units' business).
 */
record TargetNode(String iqn, String alias, TaskExecutor executor, List<Integer> luns) {
    TargetNode {
        Objects.requireNonNull(iqn, "iqn");
        Objects.requireNonNull(executor, "executor");
        luns = List.copyOf(luns);
        if (iqn.isEmpty() || iqn.length() > 223) {
            throw new IllegalArgumentException("bad iSCSI name " + iqn);
        }
    }
}
