package io.mpath4j.iscsi.login;

import io.mpath4j.iscsi.pdu.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random text, fed to the text decoder, the negotiation and the discovery parsers: only results or
 * {@link NegotiationException}. Seeded; the seed is printed.
 */
class LoginFuzzTest {

    static final String[] KEYS = {"HeaderDigest", "MaxBurstLength", "InitialR2T", "TargetAddress", "TargetName",
        "MaxRecvDataSegmentLength", "TargetPortalGroupTag", "DefaultTime2Wait", "X-x", "SessionType", "FirstBurstLength"};
    static final String[] VALUES = {"None", "CRC32C", "Yes", "No", "0", "512", "0x200", "262144", "99999999999",
        "Reject", "Irrelevant", "NotUnderstood", "[::1]:3260,1", "1.2.3.4", "h:1,2", "", ",", "0b", "0x"};

    @Test
    void randomTextGivesOnlyResultsOrNegotiationExceptions() {
        long seed = Seeds.seed("LoginFuzzTest.randomText");
        Random rnd = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            byte[] text;
            if (rnd.nextBoolean()) {
                text = new byte[rnd.nextInt(40)];
                rnd.nextBytes(text);
            } else {
                StringBuilder sb = new StringBuilder();
                for (int k = rnd.nextInt(6); k > 0; k--) {
                    sb.append(KEYS[rnd.nextInt(KEYS.length)]).append('=').append(VALUES[rnd.nextInt(VALUES.length)]);
                    sb.append(rnd.nextInt(10) == 0 ? "" : "\0");
                }
                text = sb.toString().getBytes(StandardCharsets.UTF_8);
            }
            check(text, seed);
        }
    }

    /** The oracle: results, or NegotiationException with a message; nothing else. */
    static void check(byte[] text, long seed) {
        try {
            List<KeyValue> pairs = TextCodec.decode(text);
            try {
                SendTargets.parse(pairs);
            } catch (NegotiationException expected) {
                // fine
            }
            var n = new InitiatorNegotiation(Map.of(Key.MAX_BURST_LENGTH, "65536", Key.INITIAL_R2T, "No",
                    Key.HEADER_DIGEST, "CRC32C,None"), Map.of());
            n.accept(pairs);
            n.parameters();
        } catch (NegotiationException expected) {
            // fine
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed + ", text " + io.mpath4j.iscsi.pdu.Bytes.of(text).toHex(), e);
        }
    }
}
