package io.mpath4j.core.group;

import io.mpath4j.core.path.AccessState;
import io.mpath4j.core.path.PathIdentity;
import io.mpath4j.core.select.PathStats;

/** {@code prio const}: every path gets 1, as multipath-tools' const prioritizer returns. */
public final class ConstPrioritizer implements Prioritizer {

    public static final ConstPrioritizer INSTANCE = new ConstPrioritizer();

    public static final int PRIORITY = 1;

    private ConstPrioritizer() {}

    @Override
    public int priority(PathIdentity identity, AccessState accessState, PathStats stats) {
        return PRIORITY;
    }

    @Override
    public String describe() {
        return "const";
    }

    @Override
    public String toString() {
        return describe();
    }
}
