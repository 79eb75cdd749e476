package io.mpath4j.nbd.protocol;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * One message as hand-written bytes (laid out from proto.md, not produced by the encoder), the
 * value they decode to, the decoder for the phase, and the encoder.
 */
record Vector(String name, byte[] bytes, Object value, Decoder decoder, Encoder encoder) {

    @FunctionalInterface
    interface Decoder {
        Object decode(ByteBuffer in) throws NbdProtocolException;
    }

    @FunctionalInterface
    interface Encoder {
        ByteBuffer encode(Object value);
    }

    /** Bytes from hex; spaces, newlines and '|' separate fields for readability. */
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("[\\s|_]", ""));
    }

    @Override
    public String toString() {
        return name;
    }
}
