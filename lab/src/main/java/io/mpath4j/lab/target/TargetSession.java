package io.mpath4j.lab.target;

import io.mpath4j.iscsi.login.SessionParameters;
import io.mpath4j.iscsi.pdu.Pdu;
import io.mpath4j.lab.lu.Nexus;
import io.mpath4j.lab.lu.ScsiTask;
import io.mpath4j.lab.lu.TaskResult;
import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.sense.SenseKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One normal session of the lab target (MaxConnections=1, ErrorRecoveryLevel 0): its I_T nexus,
 * command window and tasks. Commands execute on virtual threads of their own, so a slow command
 * (or one held by a fault) never stops the connection's reader. The session ends with its
 * connection (ERL 0 has no connection recovery), on logout, on reinstatement, or on a target
 * cold reset; ending aborts its tasks, waits for those already executing, then tells the logical
 * units the nexus is gone.
 */
final class TargetSession {

    private static final System.Logger LOG = System.getLogger(TargetSession.class.getName());

    final SessionKey key;
    final int tsih;
    final Nexus nexus;
    final TargetNode node;
    final SessionParameters params;
    final CommandWindow<Pdu.InitiatorPdu> window;
    final Portal portal;
    private final SessionTable table;
    private final Duration drainTimeout;
    private final Map<Integer, TargetTask> tasks = new ConcurrentHashMap<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile Connection connection;

    TargetSession(SessionKey key, int tsih, TargetNode node, SessionParameters params, int expCmdSN, int windowSize,
            Portal portal, SessionTable table, Duration drainTimeout) {
        this.key = key;
        this.tsih = tsih;
        this.node = node;
        this.params = params;
        this.portal = portal;
        this.table = table;
        this.drainTimeout = drainTimeout;
        this.window = new CommandWindow<>(expCmdSN, windowSize);
        this.nexus = new Nexus(key.initiatorPort(), key.targetPort(), portal.spec().relativeTargetPortId(),
                portal.spec().targetPortGroupId());
    }

    void attach(Connection c) {
        this.connection = c;
    }

    boolean isEnded() {
        return ended.get();
    }

    int outstanding() {
        return tasks.size();
    }

    // ------------------------------------------------------------------ tasks

    TargetTask task(int itt) {
        return tasks.get(itt);
    }

    /** Registers a new task; false if its ITT is taken by a task still in progress. */
    boolean register(TargetTask t) {
        return tasks.putIfAbsent(t.itt(), t) == null;
    }

    /** Ends a task that is still collecting Data-Out, without executing it; false if it was not collecting. */
    boolean fail(TargetTask t) {
        boolean collecting = t.state() == TargetTask.State.COLLECTING && t.abort();
        tasks.remove(t.itt(), t);
        return collecting;
    }

    /** Hands a task whose Data-Out is all in to a worker. */
    void execute(TargetTask t) {
        t.dataComplete();
        Thread.ofVirtual().name("lab-task " + Integer.toHexString(t.itt())).start(() -> run(t));
    }

    private void run(TargetTask t) {
        PortalFaults faults = portal.faults();
        try {
            long delay = faults.commandDelayNanos();
            if (delay > 0) {
                TimeUnit.NANOSECONDS.sleep(delay);
            }
            PortalFaults.HeldWrite held = t.cmd.write() ? faults.takeHeldWrite(t.cmd.cdb().toByteArray()) : null;
            if (held != null) {
                if (held.fencing() == PortalFaults.HeldWrite.Fencing.IGNORED) {
                    // a rogue write: nothing waits for it, it lands whatever happens meanwhile
                    tasks.remove(t.itt(), t);
                    t.finished.complete(null);
                }
                LOG.log(System.Logger.Level.INFO, "holding write ITT {0} for {1} ms ({2})",
                        Integer.toHexString(t.itt()), held.hold().toMillis(), held.fencing());
                Thread.sleep(held.hold());
                if (held.fencing() == PortalFaults.HeldWrite.Fencing.WAITED_FOR && t.isAborted()) {
                    return; // aborted while held: it never reaches the unit
                }
            } else if (t.isAborted()) {
                return;
            }
            TaskResult result = executeOnUnit(t);
            if (!t.startResponding()) {
                return;
            }
            Connection c = connection;
            if (c == null || !c.isOpen()) {
                return;
            }
            ResponsePlan.Planned plan = ResponsePlan.plan(t.cmd, result, dataOutLength(t),
                    t.collector == null ? 0 : t.collector.r2tCount(), params.initiatorMaxRecvDataSegmentLength(),
                    params.maxBurstLength());
            try {
                c.channel().sendResponse(plan, window);
            } catch (IOException e) {
                c.close("sending the status of ITT " + Integer.toHexString(t.itt()) + " failed: " + e.getMessage(), false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            tasks.remove(t.itt(), t);
            t.finish();
        }
    }

    private TaskResult executeOnUnit(TargetTask t) {
        ByteBuffer dataOut = null;
        if (t.collector != null) {
            long tl = dataOutLength(t);
            int n = (int) (tl < 0 ? t.collector.received() : Math.min(tl, t.collector.received()));
            dataOut = ByteBuffer.wrap(t.collector.buffer(), 0, n);
        }
        int expectedIn = t.cmd.read() ? t.cmd.expectedDataTransferLength() : 0;
        ScsiTask task = new ScsiTask(nexus, t.lun, t.cmd.cdb().toByteArray(), dataOut, Math.max(0, expectedIn));
        try {
            return node.executor().execute(task);
        } catch (RuntimeException e) {
            // the units broke, not the initiator: HARDWARE ERROR / INTERNAL TARGET FAILURE, and keep going
            LOG.log(System.Logger.Level.WARNING, "logical unit failed on CDB " + t.cmd.cdb(), e);
            return TaskResult.checkCondition(SenseData.of(SenseKey.HARDWARE_ERROR, 0x44, 0x00));
        }
    }

    private long dataOutLength(TargetTask t) {
        if (!t.cmd.write()) {
            return -1;
        }
        try {
            return node.executor().dataOutLength(t.lun, t.cmd.cdb().toByteArray());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ task management (RFC 7143 §11.5)

    /** ABORT TASK: the response code of §11.6.1. */
    int abortTask(int referencedItt, int refCmdSN) {
        TargetTask t = tasks.get(referencedItt);
        if (t == null) {
            // §11.5.1: a task never received (RefCmdSN not yet in) counts as aborted
            return window.received(refCmdSN) ? Pdu.TaskManagementResponse.TASK_DOES_NOT_EXIST
                    : Pdu.TaskManagementResponse.FUNCTION_COMPLETE;
        }
        boolean aborted = t.abort();
        await(List.of(t));
        return aborted ? Pdu.TaskManagementResponse.FUNCTION_COMPLETE : Pdu.TaskManagementResponse.TASK_DOES_NOT_EXIST;
    }

    /** Aborts every task of the session and waits for those executing (logout). */
    void abortAll() {
        List<TargetTask> all = new ArrayList<>(tasks.values());
        all.forEach(TargetTask::abort);
        await(all);
    }

    /** ABORT TASK SET and CLEAR TASK SET: this session's tasks of the LUN. */
    void abortTaskSet(long lun) {
        List<TargetTask> hit = new ArrayList<>();
        for (TargetTask t : tasks.values()) {
            if (t.lun == lun) {
                t.abort();
                hit.add(t);
            }
        }
        await(hit);
    }

    /**
     * LOGICAL UNIT RESET: aborts this session's tasks of the LUN, waits for every session's tasks
     * of the LUN that are executing (the units cannot stop a command midway), then resets the unit.
     */
    void logicalUnitReset(long lun) {
        abortTaskSet(lun);
        List<TargetTask> others = new ArrayList<>();
        for (TargetSession s : table.of(node)) {
            for (TargetTask t : s.tasks.values()) {
                if (t.lun == lun) {
                    others.add(t);
                }
            }
        }
        await(others);
        node.executor().logicalUnitReset(lun, nexus);
    }

    private void await(Collection<TargetTask> list) {
        try {
            CompletableFuture.allOf(list.stream().map(t -> t.finished).toArray(CompletableFuture[]::new))
                    .get(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "tasks still executing after {0} ms", drainTimeout.toMillis());
        }
    }

    // ------------------------------------------------------------------ end

    /**
     * Ends the session: closes its connection, aborts its tasks; the future completes once the
     * tasks that were executing have finished and the units heard {@code nexusLost}. Idempotent.
     */
    CompletableFuture<Void> end(String reason) {
        if (!ended.compareAndSet(false, true)) {
            return drained;
        }
        LOG.log(System.Logger.Level.DEBUG, "session {0} TSIH {1} ends: {2}", key.initiatorPort(), tsih, reason);
        Connection c = connection;
        if (c != null) {
            c.close(reason, false);
        }
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (TargetTask t : tasks.values()) {
            t.abort();
            waits.add(t.finished);
        }
        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            try {
                node.executor().nexusLost(nexus);
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "nexusLost failed", ex);
            }
            table.remove(this);
            drained.complete(null);
        });
        return drained;
    }
}
