package io.mpath4j.iscsi.pdu;

import java.nio.ByteBuffer;

/**
 * The data segment shape shared by SCSI Response (§11.4.7) and Asynchronous Message (§11.9.1):
 * SenseLength (2 bytes, big-endian), sense data, then response or event data to the end of the
 * segment. An empty segment means both parts are empty.
 */
final class SenseSegment {

    private SenseSegment() {}

    record Parts(Bytes sense, Bytes rest) {}

    static Bytes encode(Bytes sense, Bytes rest) {
        if (sense.isEmpty() && rest.isEmpty()) {
            return Bytes.EMPTY;
        }
        ByteBuffer b = ByteBuffer.allocate(2 + sense.length() + rest.length());
        b.putShort((short) sense.length());
        sense.writeTo(b);
        rest.writeTo(b);
        return Bytes.wrap(b.array());
    }

    static Parts decode(ByteBuffer segment, String pdu) throws IscsiProtocolException {
        int len = segment.remaining();
        if (len == 0) {
            return new Parts(Bytes.EMPTY, Bytes.EMPTY);
        }
        if (len < 2) {
            throw new IscsiProtocolException(pdu + " data segment of " + len + " byte is shorter than its 2-byte SenseLength");
        }
        int p = segment.position();
        int senseLength = segment.getShort(p) & 0xffff;
        if (senseLength > len - 2) {
            throw new IscsiProtocolException(pdu + " SenseLength " + senseLength
                    + " overruns the data segment of " + len + " bytes");
        }
        Bytes sense = Bytes.of(segment.slice(p + 2, senseLength));
        Bytes rest = Bytes.of(segment.slice(p + 2 + senseLength, len - 2 - senseLength));
        return new Parts(sense, rest);
    }
}
