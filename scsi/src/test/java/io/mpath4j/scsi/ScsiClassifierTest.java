package io.mpath4j.scsi;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.IoStatus;
import io.mpath4j.core.IoStatus.TargetError.Kind;
import io.mpath4j.scsi.classify.Classification;
import io.mpath4j.scsi.classify.ScsiClassifier;
import io.mpath4j.scsi.classify.TransportAction;
import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.sense.SenseKey;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The classification table of {@link ScsiClassifier}, row by row. */
class ScsiClassifierTest {

    static final int GOOD = 0x00, CHECK = 0x02, CONDITION_MET = 0x04, BUSY = 0x08, RESV = 0x18, TERMINATED = 0x22,
            TASK_SET_FULL = 0x28, ACA = 0x30, ABORTED = 0x40;

    /** What a row expects: the IoStatus class, the kind for target errors, the delay for retries, the action. */
    record Expect(Class<? extends IoStatus> type, Kind kind, Duration delay, TransportAction action) {
        static Expect ok() {
            return new Expect(IoStatus.Ok.class, null, null, TransportAction.NONE);
        }

        static Expect path(TransportAction a) {
            return new Expect(IoStatus.PathError.class, null, null, a);
        }

        static Expect target(Kind k) {
            return new Expect(IoStatus.TargetError.class, k, null, TransportAction.NONE);
        }

        static Expect retry(long ms, TransportAction a) {
            return new Expect(IoStatus.RetryLater.class, null, Duration.ofMillis(ms), a);
        }
    }

    static SenseData sense(SenseKey k, int asc, int ascq) {
        return SenseData.of(k, asc, ascq);
    }

    static Stream<Arguments> rows() {
        TransportAction none = TransportAction.NONE;
        TransportAction alua = TransportAction.REFRESH_ALUA;
        return Stream.of(
                Arguments.of("GOOD", GOOD, null, Expect.ok()),
                Arguments.of("CONDITION MET", CONDITION_MET, null, Expect.ok()),
                Arguments.of("CHECK CONDITION without sense", CHECK, null, Expect.path(none)),
                Arguments.of("deferred error", CHECK, sense(SenseKey.MEDIUM_ERROR, 0x0C, 0).asDeferred(true),
                        Expect.retry(0, TransportAction.REPORT_DEFERRED_ERROR)),
                Arguments.of("RECOVERED ERROR", CHECK, sense(SenseKey.RECOVERED_ERROR, 0x17, 0x01), Expect.ok()),
                Arguments.of("COMPLETED", CHECK, sense(SenseKey.COMPLETED, 0, 0), Expect.ok()),
                Arguments.of("NO SENSE", CHECK, sense(SenseKey.NO_SENSE, 0, 0), Expect.retry(0, none)),
                Arguments.of("NOT READY 04/0A transitioning", CHECK, sense(SenseKey.NOT_READY, 0x04, 0x0A), Expect.retry(50, alua)),
                Arguments.of("UNIT ATTENTION 04/0A transitioning", CHECK, sense(SenseKey.UNIT_ATTENTION, 0x04, 0x0A), Expect.retry(50, alua)),
                Arguments.of("NOT READY 04/0B standby", CHECK, sense(SenseKey.NOT_READY, 0x04, 0x0B), Expect.path(alua)),
                Arguments.of("NOT READY 04/0C unavailable", CHECK, sense(SenseKey.NOT_READY, 0x04, 0x0C), Expect.path(alua)),
                Arguments.of("NOT READY 04/01 becoming ready", CHECK, sense(SenseKey.NOT_READY, 0x04, 0x01), Expect.retry(500, none)),
                Arguments.of("NOT READY 04/07 operation in progress", CHECK, sense(SenseKey.NOT_READY, 0x04, 0x07), Expect.retry(500, none)),
                Arguments.of("NOT READY 04/1B sanitize", CHECK, sense(SenseKey.NOT_READY, 0x04, 0x1B), Expect.retry(500, none)),
                Arguments.of("NOT READY 3A/00 medium not present", CHECK, sense(SenseKey.NOT_READY, 0x3A, 0x00), Expect.target(Kind.OTHER)),
                Arguments.of("NOT READY 04/03 manual intervention", CHECK, sense(SenseKey.NOT_READY, 0x04, 0x03), Expect.path(none)),
                Arguments.of("NOT READY 04/02 initializing command required", CHECK, sense(SenseKey.NOT_READY, 0x04, 0x02), Expect.path(none)),
                Arguments.of("NOT READY 08/00", CHECK, sense(SenseKey.NOT_READY, 0x08, 0x00), Expect.path(none)),
                Arguments.of("UA 29/00 reset", CHECK, sense(SenseKey.UNIT_ATTENTION, 0x29, 0x00), Expect.retry(0, alua)),
                Arguments.of("UA 29/07 I_T nexus loss", CHECK, sense(SenseKey.UNIT_ATTENTION, 0x29, 0x07), Expect.retry(0, alua)),
                Arguments.of("UA 2A/06 ALUA changed", CHECK, sense(SenseKey.UNIT_ATTENTION, 0x2A, 0x06), Expect.retry(0, alua)),
                Arguments.of("UA 2A/07 implicit transition failed", CHECK, sense(SenseKey.UNIT_ATTENTION, 0x2A, 0x07), Expect.retry(0, alua)),
                Arguments.of("UA 2A/09 capacity changed", CHECK, sense(SenseKey.UNIT_ATTENTION, 0x2A, 0x09),
                        Expect.retry(0, TransportAction.CAPACITY_CHANGED)),
                Arguments.of("UA 3F/0E LUNs changed", CHECK, sense(SenseKey.UNIT_ATTENTION, 0x3F, 0x0E),
                        Expect.retry(0, TransportAction.RESCAN_LUNS)),
                Arguments.of("UA 3F/03 inquiry changed", CHECK, sense(SenseKey.UNIT_ATTENTION, 0x3F, 0x03),
                        Expect.retry(0, TransportAction.INQUIRY_CHANGED)),
                Arguments.of("UA 2A/01 mode parameters changed", CHECK, sense(SenseKey.UNIT_ATTENTION, 0x2A, 0x01), Expect.retry(0, none)),
                Arguments.of("UA 2A/03 reservations preempted", CHECK, sense(SenseKey.UNIT_ATTENTION, 0x2A, 0x03), Expect.retry(0, none)),
                Arguments.of("MEDIUM ERROR 11/00", CHECK, sense(SenseKey.MEDIUM_ERROR, 0x11, 0x00), Expect.target(Kind.MEDIUM_ERROR)),
                Arguments.of("MEDIUM ERROR 0C/00 write error", CHECK, sense(SenseKey.MEDIUM_ERROR, 0x0C, 0x00), Expect.target(Kind.MEDIUM_ERROR)),
                Arguments.of("HARDWARE ERROR 44/00", CHECK, sense(SenseKey.HARDWARE_ERROR, 0x44, 0x00), Expect.target(Kind.OTHER)),
                Arguments.of("ILLEGAL REQUEST 25/00 LU not supported", CHECK, sense(SenseKey.ILLEGAL_REQUEST, 0x25, 0x00), Expect.path(none)),
                Arguments.of("ILLEGAL REQUEST 20/00", CHECK, sense(SenseKey.ILLEGAL_REQUEST, 0x20, 0x00), Expect.target(Kind.ILLEGAL_REQUEST)),
                Arguments.of("ILLEGAL REQUEST 21/00", CHECK, sense(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00), Expect.target(Kind.ILLEGAL_REQUEST)),
                Arguments.of("ILLEGAL REQUEST 24/00", CHECK, sense(SenseKey.ILLEGAL_REQUEST, 0x24, 0x00), Expect.target(Kind.ILLEGAL_REQUEST)),
                Arguments.of("ILLEGAL REQUEST 55/03", CHECK, sense(SenseKey.ILLEGAL_REQUEST, 0x55, 0x03), Expect.target(Kind.ILLEGAL_REQUEST)),
                Arguments.of("ILLEGAL REQUEST 27/00", CHECK, sense(SenseKey.ILLEGAL_REQUEST, 0x27, 0x00), Expect.target(Kind.WRITE_PROTECTED)),
                Arguments.of("ILLEGAL REQUEST 20/02 access denied", CHECK, sense(SenseKey.ILLEGAL_REQUEST, 0x20, 0x02), Expect.target(Kind.NOT_PERMITTED)),
                Arguments.of("DATA PROTECT 27/00", CHECK, sense(SenseKey.DATA_PROTECT, 0x27, 0x00), Expect.target(Kind.WRITE_PROTECTED)),
                Arguments.of("DATA PROTECT 27/07 space allocation failed", CHECK, sense(SenseKey.DATA_PROTECT, 0x27, 0x07), Expect.target(Kind.NO_SPACE)),
                Arguments.of("ABORTED COMMAND 47/03", CHECK, sense(SenseKey.ABORTED_COMMAND, 0x47, 0x03), Expect.retry(0, none)),
                Arguments.of("ABORTED COMMAND 10/01 guard check", CHECK, sense(SenseKey.ABORTED_COMMAND, 0x10, 0x01), Expect.target(Kind.OTHER)),
                Arguments.of("MISCOMPARE", CHECK, sense(SenseKey.MISCOMPARE, 0x1D, 0x00), Expect.target(Kind.OTHER)),
                Arguments.of("BLANK CHECK", CHECK, sense(SenseKey.BLANK_CHECK, 0, 0), Expect.target(Kind.OTHER)),
                Arguments.of("COPY ABORTED", CHECK, sense(SenseKey.COPY_ABORTED, 0, 0), Expect.target(Kind.OTHER)),
                Arguments.of("VOLUME OVERFLOW", CHECK, sense(SenseKey.VOLUME_OVERFLOW, 0, 0), Expect.target(Kind.OTHER)),
                Arguments.of("VENDOR SPECIFIC", CHECK, sense(SenseKey.VENDOR_SPECIFIC, 0x80, 0), Expect.path(none)),
                Arguments.of("BUSY", BUSY, null, Expect.retry(10, none)),
                Arguments.of("TASK SET FULL", TASK_SET_FULL, null, Expect.retry(10, none)),
                Arguments.of("RESERVATION CONFLICT", RESV, null,
                        new Expect(IoStatus.ReservationConflict.class, null, null, TransportAction.NONE)),
                Arguments.of("TASK ABORTED", ABORTED, null, Expect.retry(0, none)),
                Arguments.of("ACA ACTIVE", ACA, null, Expect.path(none)),
                Arguments.of("COMMAND TERMINATED (obsolete)", TERMINATED, null, Expect.path(none)),
                Arguments.of("reserved status 0x3c", 0x3C, null, Expect.path(none)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void row(String name, int status, SenseData sense, Expect e) {
        Classification c = ScsiClassifier.DEFAULT.classify(status, sense, 0);
        assertThat(c.status()).as(name).isInstanceOf(e.type());
        assertThat(c.action()).as(name).isEqualTo(e.action());
        switch (c.status()) {
            case IoStatus.TargetError t -> {
                assertThat(t.kind()).isEqualTo(e.kind());
                assertThat(t.decodedStatus()).contains(sense.key().label());
            }
            case IoStatus.RetryLater r -> assertThat(r.delay()).isEqualTo(e.delay());
            case IoStatus.PathError p -> assertThat(p.mayStillExecute()).isFalse();
            default -> {}
        }
        // the same answer from the raw sense bytes, in both formats
        if (sense != null) {
            assertThat(ScsiClassifier.DEFAULT.classify(status, sense.encodeFixed(), 0)).isEqualTo(c);
            assertThat(ScsiClassifier.DEFAULT.classify(status, sense.encodeDescriptor(), 0)).isEqualTo(c);
        }
    }

    /**
     * Status and sense bytes exactly as tgt 1.0.85 (bs=rdwr) sent them in SCSI Response PDUs,
     * captured by the iscsi module's {@code RealSenseCaptureIT} (it prints each one as a "VECTOR"
     * line and classifies it live) on 2026-11-22. tgt answers in fixed format (70h), additional
     * sense length 0Ah, no information field.
     */
    static Stream<Arguments> realTgtResponses() {
        TransportAction none = TransportAction.NONE;
        return Stream.of(
                Arguments.of("tgt: READ(16) at LBA = capacity: ILLEGAL REQUEST, LBA out of range 21/00",
                        CHECK, "70 00 05 00 00 00 00 0a 00 00 00 00 21 00 00 00 00 00",
                        Expect.target(Kind.ILLEGAL_REQUEST)),
                Arguments.of("tgt: opcode EAh: ILLEGAL REQUEST, invalid command operation code 20/00",
                        CHECK, "70 00 05 00 00 00 00 0a 00 00 00 00 20 00 00 00 00 00",
                        Expect.target(Kind.ILLEGAL_REQUEST)),
                Arguments.of("tgt: WRITE(10) under another I_T nexus's WRITE EXCLUSIVE reservation",
                        RESV, "", new Expect(IoStatus.ReservationConflict.class, null, null, none)),
                Arguments.of("tgt: first command of a new I_T nexus, and after another nexus's LOGICAL UNIT RESET:"
                        + " UNIT ATTENTION 29/00", CHECK, "70 00 06 00 00 00 00 0a 00 00 00 00 29 00 00 00 00 00",
                        Expect.retry(0, TransportAction.REFRESH_ALUA)),
                Arguments.of("tgt: after tgtadm added LUN 2: UNIT ATTENTION, reported LUNs data has changed 3F/0E",
                        CHECK, "70 00 06 00 00 00 00 0a 00 00 00 00 3f 0e 00 00 00 00",
                        Expect.retry(0, TransportAction.RESCAN_LUNS)),
                Arguments.of("tgt: WRITE(10) after tgtadm readonly=1: DATA PROTECT, write protected 27/00",
                        CHECK, "70 00 07 00 00 00 00 0a 00 00 00 00 27 00 00 00 00 00",
                        Expect.target(Kind.WRITE_PROTECTED)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realTgtResponses")
    void realTgtResponse(String name, int status, String senseHex, Expect e) {
        byte[] sense = senseHex.isEmpty() ? new byte[0] : Hex.b(senseHex);
        Classification c = ScsiClassifier.DEFAULT.classify(status, sense, 0);
        assertThat(c.status()).as(name).isInstanceOf(e.type());
        assertThat(c.action()).as(name).isEqualTo(e.action());
        switch (c.status()) {
            case IoStatus.TargetError t -> assertThat(t.kind()).as(name).isEqualTo(e.kind());
            case IoStatus.RetryLater r -> assertThat(r.delay()).as(name).isEqualTo(e.delay());
            default -> {}
        }
    }

    @Test
    void busyBacksOffExponentiallyUpToTheCap() {
        long[] expected = {10, 20, 40, 80, 160, 320, 640, 1000, 1000};
        for (int attempt = 0; attempt < expected.length; attempt++) {
            var c = ScsiClassifier.DEFAULT.classify(BUSY, (SenseData) null, attempt);
            assertThat(((IoStatus.RetryLater) c.status()).delay()).isEqualTo(Duration.ofMillis(expected[attempt]));
        }
        var far = ScsiClassifier.DEFAULT.classify(TASK_SET_FULL, (SenseData) null, Integer.MAX_VALUE);
        assertThat(((IoStatus.RetryLater) far.status()).delay()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void unreadableSenseIsAPathErrorAndTheTextNamesTheSense() {
        var c = ScsiClassifier.DEFAULT.classify(CHECK, Hex.b("70 00 03"), 0);
        assertThat(c.status()).isInstanceOf(IoStatus.PathError.class);
        assertThat(((IoStatus.PathError) c.status()).reason()).contains("unreadable sense");
        var m = ScsiClassifier.DEFAULT.classify(CHECK, SenseData.of(SenseKey.MEDIUM_ERROR, 0x11, 0).withInformation(0x42).encode(), 0);
        assertThat(((IoStatus.TargetError) m.status()).decodedStatus())
                .isEqualTo("CHECK CONDITION: MEDIUM ERROR, UNRECOVERED READ ERROR (11h/00h), information 0x42");
        // sense bytes with GOOD status are ignored
        assertThat(ScsiClassifier.DEFAULT.classify(GOOD, Hex.b("70 00"), 0)).isEqualTo(Classification.OK);
    }

    @Test
    void everySenseKeyAndEveryStatusByteHasARow() {
        for (SenseKey k : SenseKey.values()) {
            for (int asc : new int[] {0x00, 0x04, 0x10, 0x25, 0x27, 0x29, 0x2A, 0x3A, 0x3F, 0x80}) {
                assertThat(ScsiClassifier.DEFAULT.classify(CHECK, SenseData.of(k, asc, 0x0A), 0)).isNotNull();
            }
        }
        for (int s = 0; s < 256; s++) {
            assertThat(ScsiClassifier.DEFAULT.classify(s, (byte[]) null, 0)).isNotNull();
        }
    }
}
