package io.mpath4j.lab.target;

import io.mpath4j.scsi.ScsiFormatException;
import io.mpath4j.scsi.cdb.Cdb;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Faults of one portal, changed at run time from any thread; every connection of the portal reads
 * them on each command and PDU. What each one looks like to an initiator:
 *
 * <ul>
 *   <li>{@link #latency}: every SCSI command waits {@code base + uniform(0, jitter)} before it
 *       executes — a slow path.
 *   <li>{@link #blackhole}: the portal's connections stop reading and stop sending, and keep their
 *       TCP connections open: a silent path loss, found only by a NOP or command timeout. Turning
 *       it off lets everything held flow again, as a healed network would.
 *   <li>{@link #reset}: every connection of the portal is reset now, and new
 *       ones are optionally refused until {@link #acceptNew()}.
 *   <li>{@link #holdNextWrite}: the next write that touches an LBA range waits a given time before
 *       it executes — the write reaches the logical unit after the delay even if the initiator has
 *       given up on it, for ghost-write tests. {@link HeldWrite.Fencing} says whether session
 *       reinstatement and task management wait for it (a conforming target) or not (a broken one).
 * </ul>
 */
public final class PortalFaults {

    /** A write to hold: the first write touching LBAs {@code firstLba..lastLba} waits {@code hold}. */
    public record HeldWrite(long firstLba, long lastLba, Duration hold, Fencing fencing) {
        /** Whether the held write counts as a task still executing. */
        public enum Fencing {
            /**
             * Like a conforming target: a session reinstatement, LOGICAL UNIT RESET or ABORT TASK
             * answers only once the held write has landed (or, if it was still held when aborted,
             * drops it: it never lands).
             */
            WAITED_FOR,
            /** A rogue write: it lands after the delay whatever happened, and nothing waits for it. */
            IGNORED
        }

        public HeldWrite {
            Objects.requireNonNull(hold, "hold");
            Objects.requireNonNull(fencing, "fencing");
            if (firstLba < 0 || lastLba < firstLba) {
                throw new IllegalArgumentException("LBA range " + firstLba + ".." + lastLba);
            }
        }

        boolean matches(long lba, long blocks) {
            return blocks > 0 && lba <= lastLba && lba + blocks - 1 >= firstLba;
        }
    }

    private final Portal portal;
    private volatile long latencyNanos;
    private volatile long jitterNanos;
    private volatile boolean blackholed;
    private HeldWrite held; // guarded by this

    PortalFaults(Portal portal) {
        this.portal = portal;
    }

    /**
     * Resets every connection of the portal now (TCP RST); their sessions end. With {@code
     * refuseNew} the portal also stops listening, so new connections are refused, until {@link
     * #acceptNew()}.
     */
    public void reset(boolean refuseNew) {
        portal.reset(refuseNew);
    }

    /**
     * Asks every initiator logged in through the portal to log out within {@code within} (an
     * Asynchronous Message, AsyncEvent 1 "logout requested", RFC 7143 §11.9.1) and drops the
     * connections still open after that time: a portal taken down politely.
     *
     * @return the connections asked
     */
    public int requestLogout(Duration within) {
        return portal.requestLogout(within);
    }

    /**
     * Tells every initiator on the portal that the target drops its session (AsyncEvent 3, with
     * DefaultTime2Wait {@code time2Wait} s before reconnecting), then closes the connections a second
     * later.
     *
     * @return the connections told
     */
    public int dropSessions(int time2Wait) {
        return portal.dropSessions(time2Wait);
    }

    /** Listens again after {@code reset(true)}. */
    public void acceptNew() throws java.io.IOException {
        portal.acceptNew();
    }

    /** True while the portal accepts connections. */
    public boolean isListening() {
        return portal.isListening();
    }

    /** Connections open on the portal now. */
    public int connections() {
        return portal.connectionCount();
    }

    /** Adds {@code base + uniform(0, jitter)} before every SCSI command executes; zero for none. */
    public void latency(Duration base, Duration jitter) {
        if (base.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("negative latency");
        }
        this.latencyNanos = base.toNanos();
        this.jitterNanos = jitter.toNanos();
    }

    /** Stops (true) or resumes (false) all reading and sending on the portal's connections. */
    public void blackhole(boolean on) {
        this.blackholed = on;
    }

    public boolean isBlackholed() {
        return blackholed;
    }

    /** Holds the next write touching {@code firstLba..lastLba} (logical blocks of any LUN) for {@code hold}. */
    public synchronized void holdNextWrite(long firstLba, long lastLba, Duration hold, HeldWrite.Fencing fencing) {
        this.held = new HeldWrite(firstLba, lastLba, hold, fencing);
    }

    /** True while a held write is armed and has not met its write yet. */
    public synchronized boolean holdArmed() {
        return held != null;
    }

    /** Clears latency, blackhole and any armed held write. */
    public void clear() {
        latency(Duration.ZERO, Duration.ZERO);
        blackhole(false);
        synchronized (this) {
            held = null;
        }
    }

    /** The delay for the next command. */
    long commandDelayNanos() {
        long j = jitterNanos;
        return latencyNanos + (j > 0 ? ThreadLocalRandom.current().nextLong(j + 1) : 0);
    }

    /** The armed held write if this CDB is a write it matches (disarming it), else null. */
    synchronized HeldWrite takeHeldWrite(byte[] cdb) {
        if (held == null) {
            return null;
        }
        long lba;
        long blocks;
        try {
            switch (Cdb.decode(cdb)) {
                case Cdb.Write10 w -> {
                    lba = w.lba();
                    blocks = w.blocks();
                }
                case Cdb.Write16 w -> {
                    lba = w.lba();
                    blocks = w.blocks();
                }
                default -> {
                    return null;
                }
            }
        } catch (ScsiFormatException e) {
            return null;
        }
        if (!held.matches(lba, blocks)) {
            return null;
        }
        HeldWrite h = held;
        held = null;
        return h;
    }

    /** Waits while the portal is blackholed, or until {@code stillWanted} turns false. */
    void awaitOpen(java.util.function.BooleanSupplier stillWanted) throws InterruptedException {
        while (blackholed && stillWanted.getAsBoolean()) {
            Thread.sleep(5);
        }
    }
}
