package io.mpath4j.iscsi.session;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One SCSI command for {@link IscsiSession#execute}. Buffers are used from their position to their
 * limit with absolute access (never repositioned), so the same command can be resent.
 *
 * @param lun the 8-byte SAM LUN field
 * @param cdb the CDB
 * @param dataIn where read data goes ({@code remaining()} is the expected length), or null
 * @param dataOut the data to write ({@code remaining()} bytes), or null
 */
public record ScsiCommand(long lun, byte[] cdb, ByteBuffer dataIn, ByteBuffer dataOut) {

    public ScsiCommand {
        Objects.requireNonNull(cdb, "cdb");
        if (dataIn != null && dataOut != null) {
            throw new IllegalArgumentException("bidirectional commands are not supported");
        }
        if (dataIn != null && dataIn.isReadOnly()) {
            throw new IllegalArgumentException("read buffer is read-only");
        }
    }

    public static ScsiCommand none(long lun, byte[] cdb) {
        return new ScsiCommand(lun, cdb, null, null);
    }

    public static ScsiCommand read(long lun, byte[] cdb, ByteBuffer into) {
        return new ScsiCommand(lun, cdb, into, null);
    }

    public static ScsiCommand write(long lun, byte[] cdb, ByteBuffer from) {
        return new ScsiCommand(lun, cdb, null, from);
    }

    /** Bytes expected to move (ExpectedDataTransferLength, §11.3.4). */
    public int expectedLength() {
        return dataIn != null ? dataIn.remaining() : dataOut != null ? dataOut.remaining() : 0;
    }
}
