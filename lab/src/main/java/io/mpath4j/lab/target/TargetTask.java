package io.mpath4j.lab.target;

import io.mpath4j.iscsi.pdu.Pdu;
import java.util.concurrent.CompletableFuture;

/**
 * One SCSI command of a session, from its arrival to its status (or its abort). States: COLLECTING
 * (waiting for Data-Out), EXECUTING (handed to a worker: waiting for the latency fault, a held
 * write, or the logical unit), RESPONDING (its status is being sent; too late to abort), DONE.
 * {@link #finished} completes when the task is DONE or dropped, so task management and session
 * reinstatement can wait for it.
 */
final class TargetTask {

    enum State { COLLECTING, EXECUTING, RESPONDING, DONE }

    final Pdu.ScsiCommand cmd;
    final long lun;
    final DataOutCollector collector; // null without the W bit
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    private State state;
    private boolean aborted;

    TargetTask(Pdu.ScsiCommand cmd, long lun, DataOutCollector collector) {
        this.cmd = cmd;
        this.lun = lun;
        this.collector = collector;
        this.state = collector == null || collector.complete() ? State.EXECUTING : State.COLLECTING;
    }

    int itt() {
        return cmd.initiatorTaskTag();
    }

    synchronized State state() {
        return state;
    }

    synchronized boolean isAborted() {
        return aborted;
    }

    /** All Data-Out is in: the task goes to a worker. */
    synchronized void dataComplete() {
        if (state == State.COLLECTING) {
            state = State.EXECUTING;
        }
    }

    /**
     * Aborts the task unless its status is already on its way.
     *
     * @return true if it will send no status (a task still collecting data is done at once; one
     *     executing finishes its execution first, see {@link #finished}); false if too late
     */
    synchronized boolean abort() {
        if (state == State.RESPONDING || state == State.DONE) {
            return false;
        }
        aborted = true;
        if (state == State.COLLECTING) {
            finish();
        }
        return true;
    }

    /** After execution: true if the status is to be sent (the task was not aborted meanwhile). */
    synchronized boolean startResponding() {
        if (aborted) {
            finish();
            return false;
        }
        state = State.RESPONDING;
        return true;
    }

    synchronized void finish() {
        state = State.DONE;
        finished.complete(null);
    }
}
