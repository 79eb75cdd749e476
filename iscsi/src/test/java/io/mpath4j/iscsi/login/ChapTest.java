package io.mpath4j.iscsi.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.iscsi.pdu.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChapTest {

    static final ChapCredentials INITIATOR = new ChapCredentials("iqn.2025-01.io.mpath4j:host1", bytes("chapsecret12"));
    static final ChapCredentials TARGET = new ChapCredentials("iqn.2025-01.io.mpath4j:disk1", bytes("targetsecret99"));

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * MD5(0x2a || "chapsecret12" || 00112233445566778899aabbccddeeff), computed outside Java with
     * {@code printf '\x2achapsecret12\x00\x11...\xff' | md5sum}.
     */
    @Test
    void responseVector() {
        byte[] r = Chap.response(0x2a, bytes("chapsecret12"), Bytes.fromHex("00112233445566778899aabbccddeeff").toByteArray());
        assertThat(Bytes.of(r)).isEqualTo(Bytes.fromHex("a5727af836a0f67184c1d9259f4932ce"));
        byte[] r2 = Chap.response(7, bytes("targetsecret99"), Bytes.fromHex("deadbeef").toByteArray());
        assertThat(Bytes.of(r2)).isEqualTo(Bytes.fromHex("05136fca494cb9b4bff00ccba9d51b5e"));
        assertThat(Chap.verify(7, bytes("targetsecret99"), Bytes.fromHex("deadbeef").toByteArray(), r2)).isTrue();
        r2[0] ^= 1;
        assertThat(Chap.verify(7, bytes("targetsecret99"), Bytes.fromHex("deadbeef").toByteArray(), r2)).isFalse();
    }

    static List<KeyValue> targetChallenge(String challenge) {
        return List.of(KeyValue.of("CHAP_A", "5"), KeyValue.of("CHAP_I", "42"), KeyValue.of("CHAP_C", challenge));
    }

    @Test
    void oneWay() throws Exception {
        var chap = new ChapInitiator(INITIATOR, null, new Random(1));
        assertThat(chap.algorithmOffer()).containsExactly(KeyValue.of("CHAP_A", "5"));
        List<KeyValue> answer = chap.onChallenge(targetChallenge("0x00112233445566778899aabbccddeeff"));
        assertThat(answer).containsExactly(KeyValue.of("CHAP_N", "iqn.2025-01.io.mpath4j:host1"),
                KeyValue.of("CHAP_R", "0xa5727af836a0f67184c1d9259f4932ce"));
        assertThat(chap.isComplete()).isTrue();
    }

    @Test
    void challengeInBase64() throws Exception {
        var chap = new ChapInitiator(INITIATOR, null, new Random(1));
        chap.algorithmOffer();
        // base64 of 00112233445566778899aabbccddeeff
        List<KeyValue> answer = chap.onChallenge(targetChallenge("0bABEiM0RVZneImaq7zN3u/w=="));
        assertThat(answer).contains(KeyValue.of("CHAP_R", "0xa5727af836a0f67184c1d9259f4932ce"));
    }

    @Test
    void mutual() throws Exception {
        var chap = new ChapInitiator(INITIATOR, TARGET, new Random(2));
        chap.algorithmOffer();
        List<KeyValue> answer = chap.onChallenge(targetChallenge("0x00112233445566778899aabbccddeeff"));
        assertThat(answer).hasSize(4);
        assertThat(answer.get(2)).isEqualTo(KeyValue.of("CHAP_I", Integer.toString(chap.ourIdentifier())));
        assertThat(answer.get(3)).isEqualTo(KeyValue.of("CHAP_C", TextValues.hex(chap.ourChallenge())));
        assertThat(chap.isComplete()).isFalse();
        // the target answers our challenge with its secret
        byte[] r = Chap.response(chap.ourIdentifier(), bytes("targetsecret99"), chap.ourChallenge());
        chap.onTargetResponse(List.of(KeyValue.of("CHAP_N", TARGET.name()), KeyValue.of("CHAP_R", TextValues.hex(r))));
        assertThat(chap.isComplete()).isTrue();
    }

    @Test
    void mutualWithAWrongTargetResponseOrName() throws Exception {
        var chap = new ChapInitiator(INITIATOR, TARGET, new Random(3));
        chap.algorithmOffer();
        chap.onChallenge(targetChallenge("0x0102030405060708"));
        // the response made with our own secret, as a reflecting impostor would
        byte[] wrong = Chap.response(chap.ourIdentifier(), bytes("chapsecret12"), chap.ourChallenge());
        assertThatThrownBy(() -> chap.onTargetResponse(List.of(KeyValue.of("CHAP_N", TARGET.name()),
                KeyValue.of("CHAP_R", TextValues.hex(wrong))))).isInstanceOf(ChapException.class)
                .hasMessageContaining("CHAP_R");
        assertThat(chap.isComplete()).isFalse();

        var named = new ChapInitiator(INITIATOR, TARGET, new Random(3));
        named.algorithmOffer();
        named.onChallenge(targetChallenge("0x0102030405060708"));
        byte[] right = Chap.response(named.ourIdentifier(), bytes("targetsecret99"), named.ourChallenge());
        assertThatThrownBy(() -> named.onTargetResponse(List.of(KeyValue.of("CHAP_N", "iqn.other"),
                KeyValue.of("CHAP_R", TextValues.hex(right))))).hasMessageContaining("CHAP_N");
    }

    @Test
    void aReflectedChallengeIsRefused() throws Exception {
        var chap = new ChapInitiator(INITIATOR, TARGET, new Random(4));
        chap.algorithmOffer();
        assertThatThrownBy(() -> chap.onChallenge(targetChallenge(TextValues.hex(chap.ourChallenge()))))
                .isInstanceOf(ChapException.class).hasMessageContaining("reflection");
    }

    @Test
    void weakOrSharedSecretsAreRefused() {
        var shortSecret = new ChapCredentials("i", bytes("elevenchars"));
        assertThatThrownBy(() -> new ChapInitiator(shortSecret, null, new Random(5))).hasMessageContaining("12");
        var sameSecret = new ChapCredentials("t", bytes("chapsecret12"));
        assertThatThrownBy(() -> new ChapInitiator(INITIATOR, sameSecret, new Random(5))).hasMessageContaining("same secret");
    }

    @Test
    void badChallenges() throws Exception {
        for (List<KeyValue> bad : List.of(
                List.of(KeyValue.of("CHAP_A", "7"), KeyValue.of("CHAP_I", "1"), KeyValue.of("CHAP_C", "0x01")),
                List.of(KeyValue.of("CHAP_A", "5"), KeyValue.of("CHAP_I", "256"), KeyValue.of("CHAP_C", "0x01")),
                List.of(KeyValue.of("CHAP_A", "5"), KeyValue.of("CHAP_C", "0x01")),
                List.of(KeyValue.of("CHAP_A", "5"), KeyValue.of("CHAP_I", "1"), KeyValue.of("CHAP_C", "12")),
                List.of(KeyValue.of("CHAP_A", "5"), KeyValue.of("CHAP_I", "1"), KeyValue.of("CHAP_C", "0x" + "00".repeat(1025))),
                List.of(KeyValue.of("CHAP_A", "5"), KeyValue.of("CHAP_I", "1"), KeyValue.of("CHAP_I", "2"),
                        KeyValue.of("CHAP_C", "0x01")))) {
            var chap = new ChapInitiator(INITIATOR, null, new Random(6));
            chap.algorithmOffer();
            assertThatThrownBy(() -> chap.onChallenge(bad)).as(bad.toString()).isInstanceOf(ChapException.class);
        }
    }

    @Test
    void stepsOutOfOrderAreProgrammerErrors() throws Exception {
        var chap = new ChapInitiator(INITIATOR, null, new Random(7));
        assertThatThrownBy(() -> chap.onChallenge(targetChallenge("0x01"))).isInstanceOf(IllegalStateException.class);
        assertThat(INITIATOR.toString()).doesNotContain("chapsecret12");
    }
}
