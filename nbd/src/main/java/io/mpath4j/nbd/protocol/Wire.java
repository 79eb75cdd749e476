package io.mpath4j.nbd.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** Wire-level helpers shared by the values, the encoder and the decoders. */
final class Wire {

    private Wire() {}

    /**
     * proto.md "Conventions": a string is UTF-8, not NUL-terminated, MUST NOT contain NUL, SHOULD
     * be no longer than 256 bytes and MUST be no longer than 4096 bytes.
     */
    static final int MAX_STRING_BYTES = 4096;

    static final byte[] EMPTY = new byte[0];

    /** UTF-8 bytes of a string value, checking the spec's rules; for value constructors. */
    static byte[] utf8(String what, String s) {
        if (s == null) {
            throw new NullPointerException(what);
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains NUL");
        }
        byte[] b;
        try {
            ByteBuffer bb = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            b = Arrays.copyOfRange(bb.array(), bb.arrayOffset() + bb.position(), bb.arrayOffset() + bb.limit());
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not encodable as UTF-8 (unpaired surrogate)");
        }
        if (b.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(what + " is " + b.length + " bytes in UTF-8, over the spec's "
                    + MAX_STRING_BYTES);
        }
        return b;
    }

    /** Checks a string value for a record constructor. */
    static String checkString(String what, String s) {
        utf8(what, s);
        return s;
    }

    /**
     * Reads {@code len} bytes from {@code in} as a string, enforcing UTF-8 validity, no NUL and the
     * length limit. The caller has checked that {@code len <= in.remaining()}.
     */
    static String readString(ByteBuffer in, int len, int maxLen, String what) throws NbdProtocolException {
        if (len > maxLen) {
            throw new NbdProtocolException(what + " length " + len + " is over the limit of " + maxLen + " bytes");
        }
        ByteBuffer slice = in.slice(in.position(), len);
        in.position(in.position() + len);
        for (int i = 0; i < len; i++) {
            if (slice.get(i) == 0) {
                throw new NbdProtocolException(what + " contains a NUL byte at " + i);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new NbdProtocolException(what + " is not valid UTF-8");
        }
    }

    static byte[] readBytes(ByteBuffer in, int len) {
        byte[] b = new byte[len];
        in.get(b);
        return b;
    }

    static void checkU16(String what, int v) {
        if ((v & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(what + " " + v + " does not fit in 16 bits");
        }
    }

    static void checkU32(String what, long v) {
        if ((v & ~0xFFFF_FFFFL) != 0) {
            throw new IllegalArgumentException(what + " " + v + " does not fit in 32 unsigned bits");
        }
    }

    static String hex(byte[] b) {
        if (b.length <= 32) {
            return HexFormat.of().formatHex(b);
        }
        return HexFormat.of().formatHex(b, 0, 32) + "...(" + b.length + " bytes)";
    }

    static String hex32(int v) {
        return "0x" + HexFormat.of().toHexDigits(v);
    }

    static String hex64(long v) {
        return "0x" + HexFormat.of().toHexDigits(v);
    }
}
