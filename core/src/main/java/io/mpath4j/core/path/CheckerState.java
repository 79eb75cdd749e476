package io.mpath4j.core.path;

/** Result states of a path checker, named as multipath-tools names them. */
public enum CheckerState {
    /** The path answers and accepts I/O. */
    READY("ready"),
    /** The path does not answer or reports an error. */
    FAULTY("faulty"),
    /** The path answers but does not accept I/O (standby, unavailable, transitioning). */
    GHOST("ghost"),
    /** The checker did not finish within its time budget. */
    TIMEOUT("timeout"),
    /** Not checked yet. */
    UNCHECKED("undef");

    private final String label;

    CheckerState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
