package io.mpath4j.core.device;

import java.util.List;

/**
 * One path group in a topology snapshot.
 *
 * @param priority average priority of the group's non-failed paths (multipath-tools' rule), 0 if none
 * @param status active: I/O goes here; enabled: usable but not in use; disabled: no usable path
 */
public record GroupView(int priority, Status status, List<PathView> paths) {

    public GroupView {
        paths = List.copyOf(paths);
    }

    public enum Status {
        ACTIVE,
        ENABLED,
        DISABLED;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    public long usablePaths() {
        return paths.stream().filter(PathView::usable).count();
    }
}
