package io.mpath4j.lab.target;

import java.util.ArrayList;
import java.util.List;

/** What a test opened, closed in reverse order at its end, each close best effort. */
final class Closers implements AutoCloseable {

    private final List<AutoCloseable> opened = new ArrayList<>();

    synchronized <T extends AutoCloseable> T add(T c) {
        opened.add(c);
        return c;
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : opened.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort: the next one still gets closed
            }
        }
        opened.clear();
    }
}
