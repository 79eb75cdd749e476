package io.mpath4j.lab.lu;

import io.mpath4j.scsi.ScsiStatus;
import io.mpath4j.scsi.sense.SenseData;

/**
 * Thrown inside command execution to end the task with a status other than GOOD; the logical
 * unit turns it into the {@link TaskResult}. An exception keeps the many "check this field, else
 * INVALID FIELD IN CDB" steps of a command one line each. No stack trace: it is control flow.
 */
final class TaskFailure extends RuntimeException {

    private final transient TaskResult result;

    private TaskFailure(TaskResult result) {
        super(result.sense() != null ? result.sense().describe() : result.status().name(), null, false, false);
        this.result = result;
    }

    static TaskFailure check(SenseData sense) {
        return new TaskFailure(TaskResult.checkCondition(sense));
    }

    static TaskFailure status(ScsiStatus status) {
        return new TaskFailure(TaskResult.status(status));
    }

    static TaskFailure reservationConflict() {
        return status(ScsiStatus.RESERVATION_CONFLICT);
    }

    static TaskFailure invalidFieldInCdb() {
        return check(Sense.INVALID_FIELD_IN_CDB);
    }

    /** INVALID FIELD IN CDB pointing at the offending byte. */
    static TaskFailure invalidFieldInCdb(int byteOffset) {
        return check(Sense.invalidFieldInCdb(byteOffset));
    }

    TaskResult result() {
        return result;
    }
}
