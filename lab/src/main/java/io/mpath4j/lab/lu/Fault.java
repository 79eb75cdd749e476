package io.mpath4j.lab.lu;

import io.mpath4j.scsi.ScsiStatus;
import io.mpath4j.scsi.sense.SenseData;
import java.util.Objects;

/**
 * A fault injected into one logical unit: commands matching {@code opcode} (or any command, with
 * {@link #ANY_OPCODE}) fail with {@code result} instead of executing, {@code count} times or, with
 * {@link #FOREVER}, until cleared. How tests make a disk return MEDIUM ERROR, BUSY or an ALUA sense
 * without a broken disk.
 */
public record Fault(int opcode, long count, TaskResult result) {

    public static final int ANY_OPCODE = -1;
    public static final long FOREVER = -1;

    public Fault {
        if (opcode < ANY_OPCODE || opcode > 0xFF) {
            throw new IllegalArgumentException("opcode out of range: " + opcode);
        }
        if (count < FOREVER || count == 0) {
            throw new IllegalArgumentException("count must be ≥ 1 or FOREVER: " + count);
        }
        Objects.requireNonNull(result, "result");
        if (result.status() == ScsiStatus.GOOD) {
            throw new IllegalArgumentException("a fault must not answer GOOD");
        }
    }

    /** The next {@code n} commands, whatever they are, end in CHECK CONDITION with {@code sense}. */
    public static Fault nextCommands(long n, SenseData sense) {
        return new Fault(ANY_OPCODE, n, TaskResult.checkCondition(sense));
    }

    /** The next {@code n} commands end with {@code status} (BUSY, TASK SET FULL, RESERVATION CONFLICT…). */
    public static Fault nextCommands(long n, ScsiStatus status) {
        return new Fault(ANY_OPCODE, n, TaskResult.status(status));
    }

    /** Every command with this operation code ends in CHECK CONDITION with {@code sense}, until cleared. */
    public static Fault everyOpcode(int opcode, SenseData sense) {
        return new Fault(opcode, FOREVER, TaskResult.checkCondition(sense));
    }

    boolean matches(int op) {
        return opcode == ANY_OPCODE || opcode == op;
    }
}
