package io.mpath4j.lab.target;

import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.Pdu;
import io.mpath4j.lab.lu.TaskResult;
import io.mpath4j.scsi.ScsiStatus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * How one executed command goes back to the initiator (RFC 7143 §11.4, §11.7): its Data-In PDUs
 * and its status. Pure; the connection stamps and sends the result.
 *
 * <p><b>Data-In.</b> Only a command with the R bit gets Data-In, at most its Expected Data
 * Transfer Length (EDTL), in PDUs of at most the initiator's MaxRecvDataSegmentLength; every
 * MaxBurstLength bytes end a sequence (F bit, §13.13). DataSN counts the command's Data-In PDUs
 * from 0.
 *
 * <p><b>Status.</b> With GOOD status and at least one Data-In, the status travels in the last
 * Data-In (S bit, "phase collapse", §11.7.4); otherwise in a SCSI Response carrying the sense data
 * (§11.4.7), with ExpDataSN = the Data-In and R2T PDUs sent for the command (§11.4.8).
 *
 * <p><b>Residuals</b> (§11.4.5), what iscsi-test-cu's Residuals suite checks byte for byte: for a
 * command without the W bit, the data the logical unit produced against the EDTL (the EDTL counts
 * as 0 without the R bit): more is an overflow of the difference, less an underflow; for a write,
 * the SCSI transfer length the CDB asks for (when the unit can tell, {@link
 * io.mpath4j.lab.lu.TaskExecutor#dataOutLength}) against the EDTL.
 */
final class ResponsePlan {

    /** Residual flags and count of one command. */
    record Residual(boolean overflow, boolean underflow, int count) {
        static final Residual NONE = new Residual(false, false, 0);

        /** The initiator expected {@code expected} bytes; the command wanted {@code actual}. */
        static Residual of(long expected, long actual) {
            if (actual > expected) {
                return new Residual(true, false, (int) Math.min(actual - expected, 0xffff_ffffL));
            }
            if (actual < expected) {
                return new Residual(false, true, (int) (expected - actual));
            }
            return NONE;
        }
    }

    /**
     * A Data-In whose data segment goes out straight from the unit's buffer ({@code payload}); the
     * {@code header} carries an empty data segment.
     */
    record DataInFrame(Pdu.DataIn header, ByteBuffer payload) {
        /** The whole PDU, data copied in (for connections with data digests). */
        Pdu.DataIn withData() {
            Pdu.DataIn h = header;
            return new Pdu.DataIn(h.finalPdu(), h.acknowledge(), h.residualOverflow(), h.residualUnderflow(),
                    h.statusPresent(), h.status(), h.lun(), h.initiatorTaskTag(), h.targetTransferTag(), h.statSN(),
                    h.expCmdSN(), h.maxCmdSN(), h.dataSN(), h.bufferOffset(), h.residualCount(), Bytes.of(payload));
        }
    }

    /** A {@link DataInFrame} waiting for its sequence numbers, like {@link Stamped}. */
    @FunctionalInterface
    interface StampedDataIn {
        DataInFrame build(int statSN, int expCmdSN, int maxCmdSN);
    }

    /**
     * @param data Data-In PDUs without status (StatSN not advanced)
     * @param collapsed the last Data-In with the status (S bit), or null
     * @param response the SCSI Response, when there is no {@code collapsed}
     */
    record Planned(List<StampedDataIn> data, StampedDataIn collapsed, Stamped response) {}

    private ResponsePlan() {}

    static Residual residual(boolean read, boolean write, int edtl, int dataInLength, long dataOutLength) {
        long expected = Integer.toUnsignedLong(edtl);
        if (write) {
            return dataOutLength < 0 ? Residual.NONE : Residual.of(expected, dataOutLength);
        }
        return Residual.of(read ? expected : 0, dataInLength);
    }

    /**
     * @param r2ts R2Ts sent for the command
     * @param maxRecvDataSegmentLength the initiator's
     */
    static Planned plan(Pdu.ScsiCommand cmd, TaskResult result, long dataOutLength, int r2ts,
            int maxRecvDataSegmentLength, int maxBurstLength) {
        ByteBuffer dataIn = result.dataIn().duplicate();
        int produced = dataIn.remaining();
        Residual res = residual(cmd.read(), cmd.write(), cmd.expectedDataTransferLength(), produced, dataOutLength);
        int toSend = cmd.read() ? (int) Math.min(produced, Integer.toUnsignedLong(cmd.expectedDataTransferLength())) : 0;
        int status = result.status().code();
        boolean collapse = toSend > 0 && result.status() == ScsiStatus.GOOD;
        long lun = cmd.lun();
        int itt = cmd.initiatorTaskTag();
        List<StampedDataIn> data = new ArrayList<>();
        int offset = 0;
        int dataSN = 0;
        int burstLeft = maxBurstLength;
        int base = dataIn.position();
        StampedDataIn last = null;
        while (offset < toSend) {
            int len = Math.min(Math.min(maxRecvDataSegmentLength, toSend - offset), burstLeft);
            ByteBuffer chunk = dataIn.slice(base + offset, len).asReadOnlyBuffer();
            int at = offset;
            int sn = dataSN++;
            offset += len;
            burstLeft -= len;
            boolean endOfBurst = burstLeft == 0 || offset == toSend;
            if (burstLeft == 0) {
                burstLeft = maxBurstLength;
            }
            if (collapse && offset == toSend) {
                last = (statSN, exp, max) -> new DataInFrame(new Pdu.DataIn(true, false, res.overflow(), res.underflow(),
                        true, status, lun, itt, Pdu.RESERVED_TAG, statSN, exp, max, sn, at, res.count(), Bytes.EMPTY), chunk);
            } else {
                boolean f = endOfBurst;
                data.add((statSN, exp, max) -> new DataInFrame(new Pdu.DataIn(f, false, false, false, false, 0, 0, itt,
                        Pdu.RESERVED_TAG, statSN, exp, max, sn, at, 0, Bytes.EMPTY), chunk));
            }
        }
        if (last != null) {
            return new Planned(data, last, null);
        }
        Bytes sense = result.sense() == null ? Bytes.EMPTY : Bytes.of(result.sense().encode());
        int expDataSN = dataSN + r2ts;
        Stamped response = (statSN, exp, max) -> new Pdu.ScsiResponse(false, false, res.overflow(), res.underflow(),
                Pdu.ScsiResponse.COMMAND_COMPLETED, status, itt, 0, statSN, exp, max, expDataSN, 0, res.count(), sense,
                Bytes.EMPTY);
        return new Planned(data, null, response);
    }
}
