package io.mpath4j.scsi.classify;

import io.mpath4j.core.IoStatus;
import io.mpath4j.core.IoStatus.PathError;
import io.mpath4j.core.IoStatus.ReservationConflict;
import io.mpath4j.core.IoStatus.RetryLater;
import io.mpath4j.core.IoStatus.TargetError;
import io.mpath4j.core.IoStatus.TargetError.Kind;
import io.mpath4j.scsi.ScsiFormatException;
import io.mpath4j.scsi.ScsiStatus;
import io.mpath4j.scsi.sense.SenseData;
import java.time.Duration;
import java.util.Objects;

/**
 * Classifies the end of a SCSI command — its status byte and, for CHECK CONDITION, its sense data
 * — into the engine's {@link IoStatus} and a {@link TransportAction}. This is the one place where
 * sense data is interpreted (DESIGN.md: "every error is classified once, at the transport
 * boundary"). Errors below the SCSI layer (connection loss, command timeout, iSCSI response
 * codes) are the transport's to classify; a command that ended with a status byte has ended at
 * the target, so no {@link PathError} from here has {@code mayStillExecute} set.
 *
 * <p>The rows, first match wins ("x" is any value; delays are {@link Delays#DEFAULT}):
 *
 * <table>
 * <caption>SCSI status and sense classification</caption>
 * <tr><th>status</th><th>sense key</th><th>ASC/ASCQ</th><th>IoStatus</th><th>action</th><th>why</th></tr>
 * <tr><td>GOOD, CONDITION MET</td><td></td><td></td><td>Ok</td><td>NONE</td><td></td></tr>
 * <tr><td>CHECK CONDITION</td><td>no or unreadable sense</td><td></td><td>PathError</td><td>NONE</td><td>Linux wakes the error handler (scsi_decide_disposition: FAILED); we cannot tell what happened, another path can</td></tr>
 * <tr><td>CHECK CONDITION</td><td>deferred (71h/73h), any key</td><td>x</td><td>RetryLater(0)</td><td>REPORT_DEFERRED_ERROR</td><td>this command was not executed (SPC-4 §4.5.5); Linux NEEDS_RETRY</td></tr>
 * <tr><td>CHECK CONDITION</td><td>RECOVERED ERROR, COMPLETED</td><td>x</td><td>Ok</td><td>NONE</td><td>the command succeeded (Linux: soft error, SUCCESS)</td></tr>
 * <tr><td>CHECK CONDITION</td><td>NO SENSE</td><td>x</td><td>RetryLater(0)</td><td>NONE</td><td>no error reported but no GOOD either: resend</td></tr>
 * <tr><td>CHECK CONDITION</td><td>NOT READY, UNIT ATTENTION</td><td>04/0A</td><td>RetryLater(50 ms)</td><td>REFRESH_ALUA</td><td>ALUA transition (SPC-4 §5.15.2.5); scsi_dh_alua alua_check_sense: NEEDS_RETRY and RTPG</td></tr>
 * <tr><td>CHECK CONDITION</td><td>NOT READY</td><td>04/0B, 04/0C</td><td>PathError</td><td>REFRESH_ALUA</td><td>port in standby/unavailable: this path cannot do I/O (Linux alua_prep_fn fails such I/O with BLK_STS_IOERR, a path error for dm-multipath)</td></tr>
 * <tr><td>CHECK CONDITION</td><td>NOT READY</td><td>04/01, 04/04-09, 04/11, 04/14, 04/1A, 04/1B, 04/1D</td><td>RetryLater(500 ms)</td><td>NONE</td><td>becoming ready / operation in progress: Linux scsi_io_completion_action ACTION_DELAYED_RETRY</td></tr>
 * <tr><td>CHECK CONDITION</td><td>NOT READY</td><td>3A/x</td><td>TargetError OTHER</td><td>NONE</td><td>medium not present: the unit, not the path</td></tr>
 * <tr><td>CHECK CONDITION</td><td>NOT READY</td><td>other</td><td>PathError</td><td>NONE</td><td>Linux ACTION_FAIL with BLK_STS_IOERR, i.e. dm-multipath fails the path (a controller not ready while its peer is)</td></tr>
 * <tr><td>CHECK CONDITION</td><td>UNIT ATTENTION</td><td>29/x</td><td>RetryLater(0)</td><td>REFRESH_ALUA</td><td>reset: the UA is consumed, resend at once; a reset may have hidden an ALUA change (alua_check_sense re-checks on 29/00; we do on every 29/x)</td></tr>
 * <tr><td>CHECK CONDITION</td><td>UNIT ATTENTION</td><td>2A/06, 2A/07</td><td>RetryLater(0)</td><td>REFRESH_ALUA</td><td>ALUA state changed / implicit transition failed (alua_check_sense: ADD_TO_MLQUEUE and RTPG)</td></tr>
 * <tr><td>CHECK CONDITION</td><td>UNIT ATTENTION</td><td>2A/09</td><td>RetryLater(0)</td><td>CAPACITY_CHANGED</td><td>scsi_report_sense: SDEV_EVT_CAPACITY_CHANGE_REPORTED</td></tr>
 * <tr><td>CHECK CONDITION</td><td>UNIT ATTENTION</td><td>3F/0E</td><td>RetryLater(0)</td><td>RESCAN_LUNS</td><td>SDEV_EVT_LUN_CHANGE_REPORTED</td></tr>
 * <tr><td>CHECK CONDITION</td><td>UNIT ATTENTION</td><td>3F/03</td><td>RetryLater(0)</td><td>INQUIRY_CHANGED</td><td>SDEV_EVT_INQUIRY_CHANGE_REPORTED: the WWID may have changed</td></tr>
 * <tr><td>CHECK CONDITION</td><td>UNIT ATTENTION</td><td>other</td><td>RetryLater(0)</td><td>NONE</td><td>a UA is reported once per I_T nexus; the command was not executed (SAM-5 §5.14)</td></tr>
 * <tr><td>CHECK CONDITION</td><td>MEDIUM ERROR</td><td>x</td><td>TargetError MEDIUM_ERROR</td><td>NONE</td><td>the data is bad on every path (Linux BLK_STS_MEDIUM, not a path error)</td></tr>
 * <tr><td>CHECK CONDITION</td><td>HARDWARE ERROR</td><td>x</td><td>TargetError OTHER</td><td>NONE</td><td>scsi_check_sense marks it SCSIML_STAT_TGT_FAILURE (BLK_STS_TARGET), which blk_path_error() says is not a path error: dm-multipath does not fail the path</td></tr>
 * <tr><td>CHECK CONDITION</td><td>ILLEGAL REQUEST</td><td>25/x</td><td>PathError</td><td>NONE</td><td>LU not supported through this port (unmapped, or a LUN-masking change): 25h is not in Linux's target-failure list, so it ends as BLK_STS_IOERR and dm-multipath fails the path; another path may still see the unit</td></tr>
 * <tr><td>CHECK CONDITION</td><td>ILLEGAL REQUEST</td><td>27/x</td><td>TargetError WRITE_PROTECTED</td><td>NONE</td><td></td></tr>
 * <tr><td>CHECK CONDITION</td><td>ILLEGAL REQUEST</td><td>20/02</td><td>TargetError NOT_PERMITTED</td><td>NONE</td><td>access denied</td></tr>
 * <tr><td>CHECK CONDITION</td><td>ILLEGAL REQUEST</td><td>other</td><td>TargetError ILLEGAL_REQUEST</td><td>NONE</td><td>the request is wrong on every path</td></tr>
 * <tr><td>CHECK CONDITION</td><td>DATA PROTECT</td><td>27/07</td><td>TargetError NO_SPACE</td><td>NONE</td><td>thin pool exhausted (Linux SCSIML_STAT_NOSPC)</td></tr>
 * <tr><td>CHECK CONDITION</td><td>DATA PROTECT</td><td>other</td><td>TargetError WRITE_PROTECTED</td><td>NONE</td><td></td></tr>
 * <tr><td>CHECK CONDITION</td><td>ABORTED COMMAND</td><td>10/x</td><td>TargetError OTHER</td><td>NONE</td><td>protection information check failed (Linux BLK_STS_PROTECTION, not a path error)</td></tr>
 * <tr><td>CHECK CONDITION</td><td>ABORTED COMMAND</td><td>other</td><td>RetryLater(0)</td><td>NONE</td><td>transient (transport CRC, overlapped commands...): Linux NEEDS_RETRY</td></tr>
 * <tr><td>CHECK CONDITION</td><td>BLANK CHECK, COPY ABORTED, VOLUME OVERFLOW, MISCOMPARE, obsolete 0Ch</td><td>x</td><td>TargetError OTHER</td><td>NONE</td><td>Linux SCSIML_STAT_TGT_FAILURE</td></tr>
 * <tr><td>CHECK CONDITION</td><td>VENDOR SPECIFIC</td><td>x</td><td>PathError</td><td>NONE</td><td>unknown meaning; Linux ends it as BLK_STS_IOERR (a path error for dm-multipath)</td></tr>
 * <tr><td>BUSY, TASK SET FULL</td><td></td><td></td><td>RetryLater(10 ms × 2^attempt, at most 1 s)</td><td>NONE</td><td>Linux ADD_TO_MLQUEUE (requeue with the device blocked briefly)</td></tr>
 * <tr><td>RESERVATION CONFLICT</td><td></td><td></td><td>ReservationConflict</td><td>NONE</td><td>SCSIML_STAT_RESV_CONFLICT: never retried, not a path error</td></tr>
 * <tr><td>TASK ABORTED</td><td></td><td></td><td>RetryLater(0)</td><td>NONE</td><td>aborted by another I_T nexus (TAS=1); Linux retries (maybe_retry). A PREEMPT AND ABORT shows as RESERVATION CONFLICT on the retry</td></tr>
 * <tr><td>ACA ACTIVE</td><td></td><td></td><td>PathError</td><td>NONE</td><td>we never set NACA, so ACA on our nexus is unexpected; Linux ends it as BLK_STS_IOERR, a path error for dm-multipath; the checker reinstates the path</td></tr>
 * <tr><td>other (INTERMEDIATE, COMMAND TERMINATED, reserved)</td><td></td><td></td><td>PathError</td><td>NONE</td><td>obsolete or reserved: the target misbehaves on this nexus</td></tr>
 * </table>
 */
public final class ScsiClassifier {

    /**
     * Retry delays.
     *
     * @param transitioning after 04h/0Ah: short, because the REFRESH_ALUA that comes with it marks
     *     the path transitioning and the device then queues the retry until a check sees the
     *     transition end; a long delay would only hold I/O past the end of a short transition
     * @param becomingReady after NOT READY "in progress" codes
     * @param busyBase first back-off for BUSY and TASK SET FULL, doubled per attempt up to
     *     {@code busyMax}
     */
    public record Delays(Duration transitioning, Duration becomingReady, Duration busyBase, Duration busyMax) {
        public static final Delays DEFAULT = new Delays(
                Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofMillis(10), Duration.ofSeconds(1));

        public Delays {
            Objects.requireNonNull(transitioning, "transitioning");
            Objects.requireNonNull(becomingReady, "becomingReady");
            Objects.requireNonNull(busyBase, "busyBase");
            Objects.requireNonNull(busyMax, "busyMax");
        }
    }

    public static final ScsiClassifier DEFAULT = new ScsiClassifier(Delays.DEFAULT);

    private final Delays delays;

    public ScsiClassifier(Delays delays) {
        this.delays = Objects.requireNonNull(delays, "delays");
    }

    /**
     * Classifies raw status and sense bytes as the transport received them; unreadable sense is
     * treated like no sense.
     *
     * @param sense the sense bytes (may be {@code null} or empty)
     * @param attempt how many times this I/O was already retried for BUSY/TASK SET FULL (0 first)
     */
    public Classification classify(int status, byte[] sense, int attempt) {
        SenseData decoded = null;
        if (sense != null && sense.length > 0) {
            try {
                decoded = SenseData.decode(sense);
            } catch (ScsiFormatException e) {
                if (status == ScsiStatus.CHECK_CONDITION.code()) {
                    return path("CHECK CONDITION with unreadable sense data: " + e.getMessage());
                }
            }
        }
        return classify(status, decoded, attempt);
    }

    /** Classifies a status byte and decoded sense data ({@code null} when none came). */
    public Classification classify(int status, SenseData sense, int attempt) {
        ScsiStatus s = ScsiStatus.of(status);
        if (s == null) {
            return path(String.format("reserved SCSI status %02Xh", status));
        }
        return switch (s) {
            case GOOD, CONDITION_MET -> Classification.OK;
            case CHECK_CONDITION -> sense == null ? path("CHECK CONDITION without sense data") : checkCondition(sense);
            case BUSY -> retry(backoff(attempt), "BUSY");
            case TASK_SET_FULL -> retry(backoff(attempt), "TASK SET FULL");
            case RESERVATION_CONFLICT -> new Classification(new ReservationConflict("RESERVATION CONFLICT"), TransportAction.NONE);
            case TASK_ABORTED -> retry(Duration.ZERO, "TASK ABORTED (by another I_T nexus)");
            case ACA_ACTIVE -> path("ACA ACTIVE");
            case INTERMEDIATE, INTERMEDIATE_CONDITION_MET, COMMAND_TERMINATED -> path("unexpected SCSI status " + s);
        };
    }

    private Classification checkCondition(SenseData sense) {
        String text = "CHECK CONDITION: " + sense.describe()
                + (sense.information().isPresent() ? String.format(", information 0x%x", sense.information().getAsLong()) : "");
        if (sense.deferred()) {
            return new Classification(new RetryLater(Duration.ZERO, text), TransportAction.REPORT_DEFERRED_ERROR);
        }
        int asc = sense.asc();
        int ascq = sense.ascq();
        return switch (sense.key()) {
            case RECOVERED_ERROR, COMPLETED -> Classification.OK;
            case NO_SENSE -> retry(Duration.ZERO, text);
            case NOT_READY -> notReady(asc, ascq, text);
            case UNIT_ATTENTION -> unitAttention(asc, ascq, text);
            case MEDIUM_ERROR -> target(Kind.MEDIUM_ERROR, text);
            case HARDWARE_ERROR -> target(Kind.OTHER, text);
            case ILLEGAL_REQUEST -> asc == 0x25 ? path(text)
                    : asc == 0x27 ? target(Kind.WRITE_PROTECTED, text)
                    : asc == 0x20 && ascq == 0x02 ? target(Kind.NOT_PERMITTED, text)
                    : target(Kind.ILLEGAL_REQUEST, text);
            case DATA_PROTECT -> asc == 0x27 && ascq == 0x07 ? target(Kind.NO_SPACE, text) : target(Kind.WRITE_PROTECTED, text);
            case ABORTED_COMMAND -> asc == 0x10 ? target(Kind.OTHER, text) : retry(Duration.ZERO, text);
            case BLANK_CHECK, COPY_ABORTED, VOLUME_OVERFLOW, MISCOMPARE, OBSOLETE_C -> target(Kind.OTHER, text);
            case VENDOR_SPECIFIC -> path(text);
        };
    }

    private Classification notReady(int asc, int ascq, String text) {
        if (asc == 0x04) {
            switch (ascq) {
                case 0x0A:
                    return new Classification(new RetryLater(delays.transitioning(), text), TransportAction.REFRESH_ALUA);
                case 0x0B, 0x0C:
                    return new Classification(new PathError(text, false), TransportAction.REFRESH_ALUA);
                case 0x01, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x11, 0x14, 0x1A, 0x1B, 0x1D:
                    return retry(delays.becomingReady(), text);
                default:
                    return path(text);
            }
        }
        if (asc == 0x3A) {
            return target(Kind.OTHER, text);
        }
        return path(text);
    }

    private Classification unitAttention(int asc, int ascq, String text) {
        RetryLater now = new RetryLater(Duration.ZERO, text);
        if (asc == 0x04 && ascq == 0x0A) {
            return new Classification(new RetryLater(delays.transitioning(), text), TransportAction.REFRESH_ALUA);
        }
        if (asc == 0x29 || (asc == 0x2A && (ascq == 0x06 || ascq == 0x07))) {
            return new Classification(now, TransportAction.REFRESH_ALUA);
        }
        if (asc == 0x2A && ascq == 0x09) {
            return new Classification(now, TransportAction.CAPACITY_CHANGED);
        }
        if (asc == 0x3F && ascq == 0x0E) {
            return new Classification(now, TransportAction.RESCAN_LUNS);
        }
        if (asc == 0x3F && ascq == 0x03) {
            return new Classification(now, TransportAction.INQUIRY_CHANGED);
        }
        return new Classification(now, TransportAction.NONE);
    }

    /** {@code busyBase × 2^attempt}, at most {@code busyMax}. */
    Duration backoff(int attempt) {
        int shift = Math.clamp(attempt, 0, 30);
        long ms = delays.busyBase().toMillis() << shift;
        long max = delays.busyMax().toMillis();
        return Duration.ofMillis(ms < 0 || ms > max ? max : ms);
    }

    private static Classification retry(Duration d, String reason) {
        return new Classification(new RetryLater(d, reason), TransportAction.NONE);
    }

    private static Classification path(String reason) {
        return new Classification(new PathError(reason, false), TransportAction.NONE);
    }

    private static Classification target(Kind kind, String text) {
        return new Classification(new TargetError(kind, text), TransportAction.NONE);
    }
}
