package io.mpath4j.iscsi.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ChapTarget} against our own {@link ChapInitiator}: both sides of RFC 7143 §12.1.3. */
class ChapTargetTest {

    static final ChapCredentials INITIATOR = new ChapCredentials("iqn.2026-11.io.mpath4j:host", bytes("initiatorsecret1"));
    static final ChapCredentials TARGET = new ChapCredentials("iqn.2026-11.io.mpath4j:lab", bytes("targetsecret123"));

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void oneWayRoundTrip() throws Exception {
        ChapInitiator i = new ChapInitiator(INITIATOR, null, new Random(1));
        ChapTarget t = new ChapTarget(INITIATOR, null, new Random(2));
        List<KeyValue> challenge = t.onAlgorithms(List.of(KeyValue.of("CHAP_A", "7,5")));
        assertThat(challenge).first().isEqualTo(KeyValue.of("CHAP_A", "5"));
        i.algorithmOffer();
        List<KeyValue> response = i.onChallenge(challenge);
        assertThat(t.onResponse(response)).isEmpty();
        assertThat(t.isComplete()).isTrue();
    }

    @Test
    void mutualRoundTrip() throws Exception {
        ChapInitiator i = new ChapInitiator(INITIATOR, TARGET, new Random(3));
        ChapTarget t = new ChapTarget(INITIATOR, TARGET, new Random(4));
        List<KeyValue> challenge = t.onAlgorithms(i.algorithmOffer());
        List<KeyValue> answer = t.onResponse(i.onChallenge(challenge));
        assertThat(answer).extracting(KeyValue::key).containsExactly("CHAP_N", "CHAP_R");
        i.onTargetResponse(answer); // throws if the target's response were wrong
        assertThat(i.isComplete()).isTrue();
    }

    @Test
    void wrongSecretFails() throws Exception {
        ChapCredentials liar = new ChapCredentials(INITIATOR.name(), bytes("notthesecret!"));
        ChapInitiator i = new ChapInitiator(liar, null, new Random(5));
        ChapTarget t = new ChapTarget(INITIATOR, null, new Random(6));
        List<KeyValue> challenge = t.onAlgorithms(i.algorithmOffer());
        List<KeyValue> response = i.onChallenge(challenge);
        assertThatThrownBy(() -> t.onResponse(response)).isInstanceOf(ChapException.class)
                .hasMessageContaining("authentication failed");
    }

    @Test
    void wrongNameFails() throws Exception {
        ChapCredentials other = new ChapCredentials("someone-else", bytes("initiatorsecret1"));
        ChapInitiator i = new ChapInitiator(other, null, new Random(5));
        ChapTarget t = new ChapTarget(INITIATOR, null, new Random(6));
        List<KeyValue> response = i.onChallenge(t.onAlgorithms(i.algorithmOffer()));
        assertThatThrownBy(() -> t.onResponse(response)).isInstanceOf(ChapException.class);
    }

    @Test
    void mutualWithoutTargetSecretFails() throws Exception {
        ChapInitiator i = new ChapInitiator(INITIATOR, TARGET, new Random(7));
        ChapTarget t = new ChapTarget(INITIATOR, null, new Random(8));
        List<KeyValue> response = i.onChallenge(t.onAlgorithms(i.algorithmOffer()));
        assertThatThrownBy(() -> t.onResponse(response)).isInstanceOf(ChapException.class)
                .hasMessageContaining("no CHAP secret");
    }

    @Test
    void reflectedChallengeFails() throws Exception {
        ChapInitiator i = new ChapInitiator(INITIATOR, null, new Random(9));
        ChapTarget t = new ChapTarget(INITIATOR, TARGET, new Random(10));
        List<KeyValue> challenge = t.onAlgorithms(i.algorithmOffer());
        List<KeyValue> response = new ArrayList<>(i.onChallenge(challenge));
        response.add(KeyValue.of("CHAP_I", "1"));
        response.add(KeyValue.of("CHAP_C", TextValues.hex(t.challenge())));
        assertThatThrownBy(() -> t.onResponse(response)).hasMessageContaining("reflection");
    }

    @Test
    void noMd5Fails() {
        ChapTarget t = new ChapTarget(INITIATOR, null, new Random(11));
        assertThatThrownBy(() -> t.onAlgorithms(List.of(KeyValue.of("CHAP_A", "6,7")))).isInstanceOf(ChapException.class);
        assertThatThrownBy(() -> t.onResponse(List.of())).hasMessageContaining("out of order");
    }
}
