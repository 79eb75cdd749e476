package io.mpath4j.lab.proof;

import io.mpath4j.core.device.MultipathDevice;
import io.mpath4j.core.device.PathView;
import io.mpath4j.core.path.Path;
import java.util.List;

/** Which of a device's paths carries its I/O now, and how many are usable: the proofs aim faults with it. */
final class ActivePath {

    private ActivePath() {
    }

    /** The index in {@code paths} of the first usable path of the active group. */
    static int index(MultipathDevice device, List<? extends Path> paths) {
        var t = device.topology();
        String name = t.groups().get(t.activeGroup()).paths().stream().filter(PathView::usable)
                .findFirst().orElseThrow().name();
        for (int i = 0; i < paths.size(); i++) {
            if (paths.get(i).identity().name().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("no path named " + name);
    }

    static long usable(MultipathDevice device) {
        return device.topology().paths().stream().filter(PathView::usable).count();
    }
}
