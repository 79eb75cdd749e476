package io.mpath4j.iscsi.pdu;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;

/**
 * One PDU of every type as hand-written bytes, laid out field by field from the figures of
 * RFC 7143 §11 (not produced by the encoder), and the value each decodes to. '|' separates the
 * 4-byte words of the figures; the BHS is always 12 words.
 */
final class Vectors {

    private Vectors() {}

    record Vector(String name, String hex, Pdu value) {
        byte[] bytes() {
            return Vectors.hex(hex);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s|_]", ""));
    }

    static Bytes ascii(String s) {
        return Bytes.of(s.getBytes(StandardCharsets.UTF_8));
    }

    static final String Z4 = "00000000";
    static final String Z8 = Z4 + Z4;
    static final String Z12 = Z8 + Z4;
    static final String Z16 = Z8 + Z8;

    static final String SENSE_ILLEGAL_REQUEST = "70000500 0000000a 00000000 24000000 0000";
    static final String SENSE_ALUA_CHANGED = "70000600 0000000a 00000000 2a060000 0000";
    static final String NOP_OUT_BHS = "40800000|00000004|" + Z8 + "|00000001|ffffffff|0000000a|00000005|" + Z16;

    static final List<Vector> ALL = List.of(
            // §11.18 NOP-Out, I=1, ping with 4 data bytes
            new Vector("NOP-Out", NOP_OUT_BHS + "|70696e67",
                    new Pdu.NopOut(true, 0, 1, Pdu.RESERVED_TAG, 10, 5, ascii("ping"))),
            // §11.3 SCSI Command: F R, ATTR simple, LUN 1, READ(10) LBA 16, 8 blocks
            new Vector("SCSI Command READ(10)",
                    "01c10000|00000000|00010000|00000000|0000002a|00001000|0000000b|00000006"
                            + "|28000000|10000008|00000000|00000000",
                    new Pdu.ScsiCommand(false, true, true, false, Pdu.TaskAttribute.SIMPLE, 0x0001_0000_0000_0000L, 42,
                            4096, 11, 6, Bytes.fromHex("28000000100000080000000000000000"), OptionalInt.empty(),
                            Bytes.EMPTY)),
            // §11.3 with §11.3.5 Extended CDB AHS (32-byte CDB: AHSLength 17) and §11.3.6 bidi AHS,
            // TotalAHSLength 7 words, 3 bytes of immediate data padded to 4
            new Vector("SCSI Command 32-byte CDB, bidi, immediate data",
                    "41a20000|07000003|" + Z8 + "|00000007|00000200|0000000c|00000007"
                            + "|7f000000|00000018|000b0000|00000000"
                            + "|00110100|10111213|14151617|18191a1b|1c1d1e1f"
                            + "|00050200|00001000"
                            + "|aabbcc00",
                    new Pdu.ScsiCommand(true, true, false, true, Pdu.TaskAttribute.ORDERED, 0, 7, 512, 12, 7,
                            Bytes.fromHex("7f00000000000018000b000000000000101112131415161718191a1b1c1d1e1f"),
                            OptionalInt.of(4096), Bytes.fromHex("aabbcc"))),
            // §11.5 Task Management Function Request: ABORT TASK of ITT 0x2a, RefCmdSN 11
            new Vector("Task Management Request",
                    "42810000|00000000|00020000|00000000|00000030|0000002a|0000000d|00000008|0000000b|00000000|" + Z8,
                    new Pdu.TaskManagementRequest(true, Pdu.TaskFunction.ABORT_TASK, 0x0002_0000_0000_0000L, 0x30, 42,
                            13, 8, 11, 0)),
            // §11.12 Login Request: T, CSG 1, NSG 3, ISID 80 12 34 56 00 01, CID 1, text padded 18 -> 20
            new Vector("Login Request",
                    "43870000|00000012|80123456|00010000|00000000|00010000|00000001|00000000|" + Z16
                            + "|48656164|65724469|67657374|3d4e6f6e|65000000",
                    new Pdu.LoginRequest(true, false, 1, 3, 0, 0, 0x8012_3456_0001L, 0, 0, 1, 1, 0,
                            ascii("HeaderDigest=None\0"))),
            // §11.10 Text Request: F, SendTargets=All
            new Vector("Text Request",
                    "04800000|00000010|" + Z8 + "|00000005|ffffffff|00000002|00000001|" + Z16
                            + "|53656e64|54617267|6574733d|416c6c00",
                    new Pdu.TextRequest(false, true, false, 0, 5, Pdu.RESERVED_TAG, 2, 1, ascii("SendTargets=All\0"))),
            // §11.7 SCSI Data-Out: F, TTT from an R2T, DataSN 1, offset 0x2000
            new Vector("Data-Out",
                    "05800000|00000008|" + Z8 + "|00000007|11223344|00000000|00000009|00000000|00000001|00002000|00000000"
                            + "|01020304|05060708",
                    new Pdu.DataOut(true, 0, 7, 0x11223344, 9, 1, 0x2000, Bytes.fromHex("0102030405060708"))),
            // §11.14 Logout Request: I, reason 0 (close the session)
            new Vector("Logout Request",
                    "46800000|00000000|" + Z8 + "|00000040|00000000|00000010|0000000c|" + Z16,
                    new Pdu.LogoutRequest(true, Pdu.LogoutReason.CLOSE_SESSION, 0x40, 0, 16, 12)),
            // §11.16 SNACK Request: type 1 (status), BegRun 5, RunLength 2
            new Vector("SNACK Request",
                    "10810000|00000000|" + Z8 + "|ffffffff|00000000|00000000|0000000c|" + Z8 + "|00000005|00000002",
                    new Pdu.SnackRequest(1, 0, Pdu.RESERVED_TAG, 0, 12, 5, 2)),
            // §11.19 NOP-In: answer to the NOP-Out ping, echoing its data
            new Vector("NOP-In",
                    "20800000|00000004|" + Z8 + "|00000001|ffffffff|00000005|0000000b|0000002a|" + Z12 + "|70696e67",
                    new Pdu.NopIn(0, 1, Pdu.RESERVED_TAG, 5, 11, 42, ascii("ping"))),
            // §11.4 SCSI Response: U, CHECK CONDITION, residual 512, SenseLength 18 + fixed-format sense
            new Vector("SCSI Response with sense",
                    "21820002|00000014|" + Z8 + "|0000002a|00000000|00000006|0000000c|0000002b|00000000|00000000|00000200"
                            + "|0012" + SENSE_ILLEGAL_REQUEST,
                    new Pdu.ScsiResponse(false, false, false, true, Pdu.ScsiResponse.COMMAND_COMPLETED, 0x02, 42, 0, 6,
                            12, 43, 0, 0, 512, Bytes.fromHex(SENSE_ILLEGAL_REQUEST), Bytes.EMPTY)),
            // §11.4 SCSI Response: GOOD, bidi read overflow o and residual overflow O, no data
            new Vector("SCSI Response good, o and O",
                    "21940000|00000000|" + Z8 + "|0000002b|00000000|00000007|0000000c|0000002b|00000003|00000100|00000080",
                    new Pdu.ScsiResponse(true, false, true, false, 0, 0, 43, 0, 7, 12, 43, 3, 256, 128, Bytes.EMPTY,
                            Bytes.EMPTY)),
            // §11.6 Task Management Function Response: function complete
            new Vector("Task Management Response",
                    "22800000|00000000|" + Z8 + "|00000030|00000000|00000007|0000000e|0000002d|" + Z12,
                    new Pdu.TaskManagementResponse(Pdu.TaskManagementResponse.FUNCTION_COMPLETE, 0x30, 7, 14, 45)),
            // §11.13 Login Response: T, CSG 1 -> NSG 3, TSIH 0x0102, text 23 bytes padded to 24
            new Vector("Login Response",
                    "23870000|00000017|80123456|00010102|00000000|00000000|00000100|00000001|00000001|00000000|" + Z8
                            + "|54617267|6574506f|7274616c|47726f75|70546167|3d310000",
                    new Pdu.LoginResponse(true, false, 1, 3, 0, 0, 0x8012_3456_0001L, 0x0102, 0, 0x100, 1, 1, 0, 0,
                            ascii("TargetPortalGroupTag=1\0"))),
            // §11.13 Login Response: Status-Class 2, Status-Detail 1 (authentication failure)
            new Vector("Login Response failure",
                    "23000000|00000000|80123456|00010000|00000000|00000000|00000100|00000001|00000001|02010000|" + Z8,
                    new Pdu.LoginResponse(false, false, 0, 0, 0, 0, 0x8012_3456_0001L, 0, 0, 0x100, 1, 1, 2, 1,
                            Bytes.EMPTY)),
            // §11.11 Text Response: C (continued), TTT 0x99, a key cut in the middle
            new Vector("Text Response continued",
                    "24400000|00000008|" + Z8 + "|00000005|00000099|00000007|00000003|0000000a|" + Z12
                            + "|54617267|65744e61",
                    new Pdu.TextResponse(false, true, 0, 5, 0x99, 7, 3, 10, ascii("TargetNa"))),
            // §11.7 SCSI Data-In: F, U, S (status GOOD), residual 0x0e00, 5 bytes padded to 8
            new Vector("Data-In with status",
                    "25830000|00000005|00010000|00000000|0000002a|ffffffff|00000008|0000000c|0000002b|00000000|00000000|00000e00"
                            + "|68656c6c|6f000000",
                    new Pdu.DataIn(true, false, false, true, true, 0, 0x0001_0000_0000_0000L, 42, Pdu.RESERVED_TAG, 8, 12,
                            43, 0, 0, 0xe00, ascii("hello"))),
            // §11.7 SCSI Data-In: not final, no status, DataSN 2, offset 8
            new Vector("Data-In middle",
                    "25000000|00000004|" + Z8 + "|0000002a|ffffffff|00000000|0000000c|0000002b|00000002|00000008|00000000"
                            + "|deadbeef",
                    new Pdu.DataIn(false, false, false, false, false, 0, 0, 42, Pdu.RESERVED_TAG, 0, 12, 43, 2, 8, 0,
                            Bytes.fromHex("deadbeef"))),
            // §11.15 Logout Response: closed, Time2Wait 2, Time2Retain 20
            new Vector("Logout Response",
                    "26800000|00000000|" + Z8 + "|00000040|00000000|00000011|0000000d|0000002c|00000000|00020014|00000000",
                    new Pdu.LogoutResponse(0, 0x40, 17, 13, 44, 2, 20)),
            // §11.8 R2T: R2TSN 0, offset 4096, desired 65536
            new Vector("R2T",
                    "31800000|00000000|00010000|00000000|00000007|11223344|00000009|0000000c|0000002b|00000000|00001000|00010000",
                    new Pdu.R2T(0x0001_0000_0000_0000L, 7, 0x11223344, 9, 12, 43, 0, 4096, 65536)),
            // §11.9 Asynchronous Message: SCSI event, UNIT ATTENTION (ASC 0x2a/0x06) in the sense data
            new Vector("Async Message SCSI event",
                    "32800000|00000014|00010000|00000000|ffffffff|00000000|0000000a|0000000d|0000002c|00000000|00000000|00000000"
                            + "|0012" + SENSE_ALUA_CHANGED,
                    new Pdu.AsyncMessage(0x0001_0000_0000_0000L, 10, 13, 44, Pdu.AsyncEvent.SCSI_EVENT, 0, 0, 0, 0,
                            Bytes.fromHex(SENSE_ALUA_CHANGED), Bytes.EMPTY)),
            // §11.9 Asynchronous Message: connection 1 will be dropped, Time2Wait 2, Time2Retain 20
            new Vector("Async Message connection drop",
                    "32800000|00000000|" + Z8 + "|ffffffff|00000000|0000000b|0000000d|0000002c|02000001|00020014|00000000",
                    new Pdu.AsyncMessage(0, 11, 13, 44, Pdu.AsyncEvent.CONNECTION_DROP, 0, 1, 2, 20, Bytes.EMPTY,
                            Bytes.EMPTY)),
            // §11.17 Reject: reason 0x09 (invalid PDU field), the rejected BHS as data
            new Vector("Reject",
                    "3f800900|00000030|" + Z8 + "|ffffffff|00000000|0000000b|0000000d|0000002c|00000000|" + Z8
                            + "|" + NOP_OUT_BHS,
                    new Pdu.Reject(Pdu.Reject.INVALID_PDU_FIELD, 11, 13, 44, 0, Bytes.of(hex(NOP_OUT_BHS)))));
}
