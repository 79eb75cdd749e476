package io.mpath4j.iscsi.login;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of Login and Text PDUs (RFC 7143 §6.1): UTF-8 {@code key=value} pairs, each followed by
 * one NUL, the whole text possibly spanning several PDUs (put together by {@link TextAssembler}).
 */
public final class TextCodec {

    /**
     * Longest value accepted. §6.1 limits ordinary values to 255 bytes and iSCSI names to 223, but
     * large-binary values (a CHAP challenge of up to 1024 bytes in hex, §12.1.3) and the value lists
     * of some targets are longer, so decoding allows more and leaves per-key limits to the keys.
     */
    public static final int MAX_VALUE_LENGTH = 8192;

    private TextCodec() {}

    public static byte[] encode(List<KeyValue> pairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (KeyValue kv : pairs) {
            out.writeBytes(kv.key().getBytes(StandardCharsets.UTF_8));
            out.write('=');
            out.writeBytes(kv.value().getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    /**
     * The pairs of a complete text. Every pair must end with a NUL (§6.1: "every key=value pair,
     * including the last or only pair ... MUST be followed by one null"); NULs after the last pair
     * are tolerated, as some targets pad the text with them. Duplicate keys are kept in order (a
     * SendTargets response repeats TargetName and TargetAddress).
     */
    public static List<KeyValue> decode(byte[] text) throws NegotiationException {
        List<KeyValue> pairs = new ArrayList<>();
        int start = 0;
        while (start < text.length) {
            int end = start;
            while (end < text.length && text[end] != 0) {
                end++;
            }
            if (end == text.length) {
                throw new NegotiationException("text does not end with a NUL after its last pair");
            }
            if (end == start) {
                // a NUL where a pair should start: only trailing padding is tolerated
                for (int i = start; i < text.length; i++) {
                    if (text[i] != 0) {
                        throw new NegotiationException("empty key=value pair at byte " + start);
                    }
                }
                break;
            }
            String pair = utf8(text, start, end - start);
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new NegotiationException("pair " + KeyValue.quoted(pair) + " has no '='");
            }
            String key = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            String problem = KeyValue.keyProblem(key);
            if (problem != null) {
                throw new NegotiationException(problem);
            }
            if (value.length() > MAX_VALUE_LENGTH) {
                throw new NegotiationException("value of " + key + " is longer than " + MAX_VALUE_LENGTH + " bytes");
            }
            pairs.add(new KeyValue(key, value));
            start = end + 1;
        }
        return pairs;
    }

    private static String utf8(byte[] b, int off, int len) throws NegotiationException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, off, len))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new NegotiationException("text is not valid UTF-8 at bytes " + off + ".." + (off + len));
        }
    }
}
