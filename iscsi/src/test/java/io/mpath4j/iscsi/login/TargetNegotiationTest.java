package io.mpath4j.iscsi.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link TargetNegotiation} answering our own initiator's offers, and the protocol errors of §6.2. */
class TargetNegotiationTest {

    static TargetNegotiation target() {
        return new TargetNegotiation(Map.of(Key.HEADER_DIGEST, "CRC32C,None", Key.DATA_DIGEST, "CRC32C,None",
                Key.MAX_BURST_LENGTH, "1048576", Key.FIRST_BURST_LENGTH, "262144", Key.MAX_OUTSTANDING_R2T, "4",
                Key.INITIAL_R2T, "No", Key.IMMEDIATE_DATA, "Yes", Key.ERROR_RECOVERY_LEVEL, "0",
                Key.MAX_CONNECTIONS, "1"),
                Map.of(Key.MAX_RECV_DATA_SEGMENT_LENGTH, "65536", Key.TARGET_PORTAL_GROUP_TAG, "7"));
    }

    @Test
    void answersAnInitiatorAndBothSidesAgree() throws Exception {
        InitiatorNegotiation i = new InitiatorNegotiation(
                Map.of(Key.HEADER_DIGEST, "None,CRC32C", Key.DATA_DIGEST, "CRC32C", Key.MAX_BURST_LENGTH, "16776192",
                        Key.FIRST_BURST_LENGTH, "262144", Key.INITIAL_R2T, "No", Key.IMMEDIATE_DATA, "Yes",
                        Key.MAX_OUTSTANDING_R2T, "16", Key.ERROR_RECOVERY_LEVEL, "2", Key.MAX_CONNECTIONS, "4"),
                Map.of(Key.MAX_RECV_DATA_SEGMENT_LENGTH, "262144", Key.INITIATOR_NAME, "iqn.x:i",
                        Key.SESSION_TYPE, "Normal", Key.TARGET_NAME, "iqn.x:t"));
        TargetNegotiation t = target();
        List<KeyValue> answers = t.accept(i.firstMessage());
        List<KeyValue> all = new java.util.ArrayList<>(answers);
        all.addAll(t.declaration(Key.MAX_RECV_DATA_SEGMENT_LENGTH));
        all.addAll(t.declaration(Key.TARGET_PORTAL_GROUP_TAG));
        List<KeyValue> back = i.accept(all);
        assertThat(back).isEmpty();
        SessionParameters ip = i.parameters();
        SessionParameters tp = t.parameters();
        assertThat(tp).isEqualTo(ip);
        assertThat(tp.headerDigest()).isFalse(); // the initiator's first choice that we accept
        assertThat(tp.dataDigest()).isTrue();
        assertThat(tp.maxBurstLength()).isEqualTo(1048576);
        assertThat(tp.maxOutstandingR2T()).isEqualTo(4);
        assertThat(tp.errorRecoveryLevel()).isZero();
        assertThat(tp.maxConnections()).isEqualTo(1);
        assertThat(tp.initialR2T()).isFalse();
        assertThat(tp.initiatorMaxRecvDataSegmentLength()).isEqualTo(262144);
        assertThat(tp.targetMaxRecvDataSegmentLength()).isEqualTo(65536);
        assertThat(tp.targetPortalGroupTag()).hasValue(7);
        assertThat(tp.initiatorName()).isEqualTo("iqn.x:i");
        assertThat(tp.targetName()).isEqualTo("iqn.x:t");
    }

    @Test
    void firstBurstIsCappedByTheAgreedMaxBurst() throws Exception {
        TargetNegotiation t = target();
        List<KeyValue> a = t.accept(List.of(KeyValue.of("MaxBurstLength", "4096"), KeyValue.of("FirstBurstLength", "65536")));
        assertThat(a).containsExactly(KeyValue.of("MaxBurstLength", "4096"), KeyValue.of("FirstBurstLength", "4096"));
        assertThat(t.parameters().firstBurstLength()).isEqualTo(4096);
    }

    @Test
    void unknownAndObsoleteKeys() throws Exception {
        TargetNegotiation t = target();
        assertThat(t.accept(List.of(KeyValue.of("X-com.example.Foo", "1"), KeyValue.of("IFMarker", "No"),
                KeyValue.of("HeaderDigest", "MD5")))).containsExactly(KeyValue.of("X-com.example.Foo", "NotUnderstood"),
                KeyValue.of("IFMarker", "No"), KeyValue.of("HeaderDigest", "Reject"));
        assertThat(t.parameters().headerDigest()).isFalse();
    }

    @Test
    void protocolErrors() throws Exception {
        TargetNegotiation t = target();
        t.accept(List.of(KeyValue.of("MaxBurstLength", "4096")));
        assertThatThrownBy(() -> t.accept(List.of(KeyValue.of("MaxBurstLength", "8192")))).hasMessageContaining("twice");
        assertThatThrownBy(() -> target().accept(List.of(KeyValue.of("TargetAlias", "x")))).hasMessageContaining("target");
        assertThatThrownBy(() -> target().accept(List.of(KeyValue.of("SessionType", "Weird")))).isInstanceOf(NegotiationException.class);
        assertThatThrownBy(() -> target().accept(List.of(KeyValue.of("MaxRecvDataSegmentLength", "12"))))
                .isInstanceOf(NegotiationException.class);
    }

    @Test
    void discoveryDeclarations() throws Exception {
        TargetNegotiation t = target();
        t.accept(List.of(KeyValue.of("InitiatorName", "iqn.x:i"), KeyValue.of("SessionType", "Discovery"),
                KeyValue.of("AuthMethod", "None")));
        assertThat(t.isDiscovery()).isTrue();
        assertThat(t.initiatorDeclared()).containsEntry(Key.INITIATOR_NAME, "iqn.x:i");
        assertThat(t.parameters().discovery()).isTrue();
    }
}
