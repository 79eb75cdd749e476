package io.mpath4j.iscsi.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.iscsi.pdu.Digests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class InitiatorNegotiationTest {

    static Map<Key, String> offers() {
        Map<Key, String> m = new LinkedHashMap<>();
        m.put(Key.HEADER_DIGEST, "CRC32C,None");
        m.put(Key.DATA_DIGEST, "None");
        m.put(Key.INITIAL_R2T, "No");
        m.put(Key.IMMEDIATE_DATA, "Yes");
        m.put(Key.MAX_BURST_LENGTH, "1048576");
        m.put(Key.FIRST_BURST_LENGTH, "262144");
        m.put(Key.MAX_OUTSTANDING_R2T, "4");
        return m;
    }

    static Map<Key, String> declarations() {
        Map<Key, String> m = new LinkedHashMap<>();
        m.put(Key.INITIATOR_NAME, "iqn.2025-01.io.mpath4j:host1");
        m.put(Key.TARGET_NAME, "iqn.2025-01.io.mpath4j:disk1");
        m.put(Key.SESSION_TYPE, "Normal");
        m.put(Key.MAX_RECV_DATA_SEGMENT_LENGTH, "262144");
        return m;
    }

    @Test
    void defaultsAreThoseOfSection13() {
        SessionParameters d = SessionParameters.defaults();
        assertThat(d.digests()).isEqualTo(Digests.NONE);
        assertThat(d.maxConnections()).isEqualTo(1);
        assertThat(d.initialR2T()).isTrue();
        assertThat(d.immediateData()).isTrue();
        assertThat(d.initiatorMaxRecvDataSegmentLength()).isEqualTo(8192);
        assertThat(d.targetMaxRecvDataSegmentLength()).isEqualTo(8192);
        assertThat(d.maxBurstLength()).isEqualTo(262144);
        assertThat(d.firstBurstLength()).isEqualTo(65536);
        assertThat(d.defaultTime2Wait()).isEqualTo(2);
        assertThat(d.defaultTime2Retain()).isEqualTo(20);
        assertThat(d.maxOutstandingR2T()).isEqualTo(1);
        assertThat(d.dataPDUInOrder()).isTrue();
        assertThat(d.dataSequenceInOrder()).isTrue();
        assertThat(d.errorRecoveryLevel()).isZero();
        assertThat(d.discovery()).isFalse();
    }

    @Test
    void aTypicalLoginNegotiation() throws Exception {
        var n = new InitiatorNegotiation(offers(), declarations());
        assertThat(n.firstMessage()).startsWith(KeyValue.of("InitiatorName", "iqn.2025-01.io.mpath4j:host1"))
                .contains(KeyValue.of("MaxBurstLength", "1048576"));
        // the answer arrives over two Login Responses
        List<KeyValue> replies = n.accept(List.of(KeyValue.of("HeaderDigest", "CRC32C"), KeyValue.of("DataDigest", "None"),
                KeyValue.of("InitialR2T", "Yes"), KeyValue.of("MaxRecvDataSegmentLength", "65536"),
                KeyValue.of("TargetPortalGroupTag", "1"), KeyValue.of("TargetAlias", "disk one")));
        assertThat(replies).isEmpty();
        assertThat(n.unanswered()).contains(Key.MAX_BURST_LENGTH, Key.IMMEDIATE_DATA);
        replies = n.accept(List.of(KeyValue.of("ImmediateData", "Yes"), KeyValue.of("MaxBurstLength", "262144"),
                KeyValue.of("FirstBurstLength", "65536"), KeyValue.of("MaxOutstandingR2T", "1"),
                // the target offers a key of its own, and one we do not know
                KeyValue.of("DefaultTime2Wait", "0"), KeyValue.of("X-com.example.Frob", "7")));
        assertThat(replies).containsExactly(KeyValue.of("DefaultTime2Wait", "2"),
                KeyValue.of("X-com.example.Frob", "NotUnderstood"));
        assertThat(n.unanswered()).isEmpty();
        SessionParameters p = n.parameters();
        assertThat(p.digests()).isEqualTo(Digests.HEADER_ONLY);
        assertThat(p.initialR2T()).isTrue();
        assertThat(p.immediateData()).isTrue();
        assertThat(p.maxBurstLength()).isEqualTo(262144);
        assertThat(p.firstBurstLength()).isEqualTo(65536);
        assertThat(p.maxOutstandingR2T()).isEqualTo(1);
        assertThat(p.defaultTime2Wait()).isEqualTo(2);
        // declarative and per direction: ours for what we receive, the target's for what we send
        assertThat(p.initiatorMaxRecvDataSegmentLength()).isEqualTo(262144);
        assertThat(p.targetMaxRecvDataSegmentLength()).isEqualTo(65536);
        assertThat(p.targetPortalGroupTag()).isEqualTo(OptionalInt.of(1));
        assertThat(p.targetAlias()).isEqualTo("disk one");
        assertThat(p.targetName()).isEqualTo("iqn.2025-01.io.mpath4j:disk1");
        assertThat(n.notUnderstood()).containsExactly("X-com.example.Frob");
    }

    @Test
    void unansweredKeysKeepDefaultsUnlessTheOfferDecides() throws Exception {
        Map<Key, String> o = new LinkedHashMap<>();
        o.put(Key.IMMEDIATE_DATA, "No");  // AND with No: No whatever the answer
        o.put(Key.INITIAL_R2T, "No");     // OR with No: needs an answer
        o.put(Key.MAX_BURST_LENGTH, "65536");
        var n = new InitiatorNegotiation(o, Map.of());
        n.accept(List.of());
        SessionParameters p = n.parameters();
        assertThat(p.immediateData()).isFalse();
        assertThat(p.initialR2T()).isTrue();
        assertThat(p.maxBurstLength()).isEqualTo(262144);
    }

    @Test
    void illegalAnswersEndTheNegotiation() throws Exception {
        assertThatThrownBy(() -> new InitiatorNegotiation(offers(), declarations())
                .accept(List.of(KeyValue.of("MaxBurstLength", "2097152")))).isInstanceOf(NegotiationException.class);
        assertThatThrownBy(() -> new InitiatorNegotiation(offers(), declarations())
                .accept(List.of(KeyValue.of("MaxRecvDataSegmentLength", "100")))).isInstanceOf(NegotiationException.class);
        assertThatThrownBy(() -> new InitiatorNegotiation(offers(), declarations())
                .accept(List.of(KeyValue.of("InitiatorName", "iqn.x")))).hasMessageContaining("initiator");
        var twice = new InitiatorNegotiation(offers(), declarations());
        twice.accept(List.of(KeyValue.of("HeaderDigest", "None")));
        assertThatThrownBy(() -> twice.accept(List.of(KeyValue.of("HeaderDigest", "None")))).hasMessageContaining("twice");
    }

    @Test
    void firstBurstOverMaxBurstIsRefusedWhereItMatters() throws Exception {
        var n = new InitiatorNegotiation(offers(), declarations());
        n.accept(List.of(KeyValue.of("MaxBurstLength", "4096"), KeyValue.of("FirstBurstLength", "8192"),
                KeyValue.of("InitialR2T", "No")));
        assertThatThrownBy(n::parameters).hasMessageContaining("FirstBurstLength");
        // with InitialR2T=Yes and ImmediateData=No, FirstBurstLength is irrelevant (§13.14)
        Map<Key, String> r = Map.of(Key.MAX_BURST_LENGTH, "4096", Key.FIRST_BURST_LENGTH, "8192",
                Key.IMMEDIATE_DATA, "No");
        assertThat(SessionParameters.from(r, Map.of(), Map.of()).firstBurstLength()).isEqualTo(8192);
    }

    @Test
    void discoverySession() throws Exception {
        var n = new InitiatorNegotiation(Map.of(), Map.of(Key.SESSION_TYPE, "Discovery", Key.INITIATOR_NAME, "iqn.i"));
        n.accept(List.of());
        assertThat(n.parameters().discovery()).isTrue();
    }
}
