package io.mpath4j.lab.lu;

import io.mpath4j.scsi.ScsiStatus;
import io.mpath4j.scsi.sense.SenseData;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * What executing a {@link ScsiTask} produced: the status, the Data-In bytes (may be longer than
 * the initiator expects; the transport truncates and reports the residual) and, with CHECK
 * CONDITION, the sense data.
 */
public record TaskResult(ScsiStatus status, ByteBuffer dataIn, SenseData sense) {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    public TaskResult {
        Objects.requireNonNull(status, "status");
        dataIn = dataIn == null ? EMPTY : dataIn;
        if ((status == ScsiStatus.CHECK_CONDITION) != (sense != null)) {
            throw new IllegalArgumentException("sense data goes with CHECK CONDITION and only with it");
        }
    }

    public static TaskResult good() {
        return new TaskResult(ScsiStatus.GOOD, null, null);
    }

    public static TaskResult good(ByteBuffer dataIn) {
        return new TaskResult(ScsiStatus.GOOD, dataIn, null);
    }

    public static TaskResult checkCondition(SenseData sense) {
        return new TaskResult(ScsiStatus.CHECK_CONDITION, null, sense);
    }

    public static TaskResult status(ScsiStatus status) {
        return new TaskResult(status, null, null);
    }
}
