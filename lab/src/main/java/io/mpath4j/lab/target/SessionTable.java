package io.mpath4j.lab.target;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * The normal sessions of one lab target, by {@link SessionKey}, and the TSIH counter. A leading
 * login whose key matches a live session reinstates it (RFC 7143 §6.3.5): the old session ends —
 * its connection is closed, its tasks are aborted and their execution awaited, the logical units
 * hear {@code nexusLost} — before the new one exists, so no task of the old session can still
 * execute once the new login has succeeded.
 */
final class SessionTable {

    private final Map<SessionKey, TargetSession> sessions = new ConcurrentHashMap<>();
    private int nextTsih = 1; // guarded by this

    /** A TSIH for a new session, never 0 (§11.12.6). */
    synchronized int newTsih() {
        int t = nextTsih;
        nextTsih = nextTsih == 0xffff ? 1 : nextTsih + 1;
        return t;
    }

    /**
     * Opens a session for {@code key}, reinstating an existing one.
     *
     * @param maker makes the session from its TSIH
     * @throws LoginRefused the old session did not end within {@code drain}
     */
    TargetSession open(SessionKey key, IntFunction<TargetSession> maker, Duration drain) throws LoginRefused {
        for (int attempt = 0; attempt < 8; attempt++) {
            TargetSession old = sessions.get(key);
            if (old != null) {
                try {
                    old.end("reinstated by a new login with the same ISID").get(drain.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LoginRefused(LoginRefused.TARGET_ERROR, "interrupted during session reinstatement");
                } catch (ExecutionException | TimeoutException e) {
                    throw new LoginRefused(LoginRefused.TARGET_ERROR, "the session to reinstate did not end in "
                            + drain.toMillis() + " ms");
                }
                sessions.remove(key, old);
            }
            TargetSession fresh = maker.apply(newTsih());
            if (sessions.putIfAbsent(key, fresh) == null) {
                return fresh;
            }
            // another login with the same key won the race: reinstate that one in turn
        }
        throw new LoginRefused(LoginRefused.TARGET_ERROR, "session reinstatement kept racing");
    }

    void remove(TargetSession s) {
        sessions.remove(s.key, s);
    }

    List<TargetSession> of(TargetNode node) {
        List<TargetSession> out = new ArrayList<>();
        for (TargetSession s : sessions.values()) {
            if (s.node == node) {
                out.add(s);
            }
        }
        return out;
    }

    List<TargetSession> all() {
        return List.copyOf(sessions.values());
    }
}
