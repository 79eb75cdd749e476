package io.mpath4j.lab.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.iscsi.login.Key;
import io.mpath4j.iscsi.login.SessionParameters;
import io.mpath4j.iscsi.pdu.Bytes;
import io.mpath4j.iscsi.pdu.Pdu;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DataOutCollectorTest {

    static SessionParameters params(String initialR2T, int first, int maxBurst, int outstanding) throws Exception {
        return SessionParameters.from(Map.of(Key.INITIAL_R2T, initialR2T, Key.FIRST_BURST_LENGTH, Integer.toString(first),
                Key.MAX_BURST_LENGTH, Integer.toString(maxBurst), Key.MAX_OUTSTANDING_R2T, Integer.toString(outstanding)),
                Map.of(), Map.of());
    }

    static Bytes bytes(int n, int fill) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) fill);
        return Bytes.of(b);
    }

    static Pdu.DataOut out(boolean f, int ttt, int dataSN, int offset, Bytes data) {
        return new Pdu.DataOut(f, 0, 7, ttt, 0, dataSN, offset, data);
    }

    @Test
    void immediateThenUnsolicitedThenR2TsWithinMaxOutstanding() throws Exception {
        AtomicInteger ttt = new AtomicInteger(100);
        // 10 KiB: 1 KiB immediate, 1 KiB unsolicited (first burst 2 KiB), then 2 KiB bursts, 2 outstanding
        DataOutCollector c = new DataOutCollector(10240, false, bytes(1024, 1), params("No", 2048, 2048, 2), ttt::getAndIncrement);
        assertThat(c.grants()).as("no R2T while unsolicited data may come").isEmpty();
        List<DataOutCollector.R2TGrant> g = c.accept(out(true, Pdu.RESERVED_TAG, 0, 1024, bytes(1024, 2)));
        assertThat(g).containsExactly(new DataOutCollector.R2TGrant(100, 0, 2048, 2048),
                new DataOutCollector.R2TGrant(101, 1, 4096, 2048));
        assertThat(c.accept(out(false, 100, 0, 2048, bytes(1024, 3)))).isEmpty();
        assertThat(c.accept(out(true, 100, 1, 3072, bytes(1024, 3)))).containsExactly(new DataOutCollector.R2TGrant(102, 2, 6144, 2048));
        c.accept(out(true, 101, 0, 4096, bytes(2048, 4)));
        c.accept(out(true, 102, 0, 6144, bytes(2048, 5)));
        assertThat(c.complete()).isFalse();
        c.accept(out(true, 103, 0, 8192, bytes(2048, 6)));
        assertThat(c.complete()).isTrue();
        assertThat(c.r2tCount()).isEqualTo(4);
        assertThat(c.buffer()[0]).isEqualTo((byte) 1);
        assertThat(c.buffer()[1024]).isEqualTo((byte) 2);
        assertThat(c.buffer()[10239]).isEqualTo((byte) 6);
    }

    @Test
    void sequenceErrorsCarryTheirSense() throws Exception {
        AtomicInteger ttt = new AtomicInteger(1);
        DataOutCollector c = new DataOutCollector(2048, true, Bytes.EMPTY, params("Yes", 512, 4096, 1), ttt::getAndIncrement);
        assertThat(c.grants()).containsExactly(new DataOutCollector.R2TGrant(1, 0, 0, 2048));
        assertThatThrownBy(() -> c.accept(out(false, 1, 27, 0, bytes(512, 0))))
                .isInstanceOfSatisfying(ProtocolViolation.class, e -> assertThat(e.sense()).isEqualTo(ProtocolViolation.DATA_PHASE_ERROR));
        assertThatThrownBy(() -> c.accept(out(false, 1, 0, 512, bytes(512, 0))))
                .isInstanceOfSatisfying(ProtocolViolation.class, e -> assertThat(e.sense()).isEqualTo(ProtocolViolation.DATA_OFFSET_ERROR));
        assertThatThrownBy(() -> c.accept(out(true, 1, 0, 0, bytes(512, 0)))).as("F before the end of the burst")
                .isInstanceOfSatisfying(ProtocolViolation.class, e -> assertThat(e.sense()).isNotNull());
        assertThatThrownBy(() -> c.accept(out(true, 99, 0, 0, bytes(512, 0)))).as("unknown TTT ends the connection")
                .isInstanceOfSatisfying(ProtocolViolation.class, e -> assertThat(e.sense()).isNull());
        assertThatThrownBy(() -> c.accept(out(true, Pdu.RESERVED_TAG, 0, 0, bytes(512, 0))))
                .isInstanceOfSatisfying(ProtocolViolation.class,
                        e -> assertThat(e.sense()).isEqualTo(ProtocolViolation.UNEXPECTED_UNSOLICITED_DATA));
    }

    @Test
    void unsolicitedDataIsRefusedUnderInitialR2T() throws Exception {
        assertThatThrownBy(() -> new DataOutCollector(4096, false, Bytes.EMPTY, params("Yes", 1024, 4096, 1), () -> 1))
                .isInstanceOf(ProtocolViolation.class);
        assertThatThrownBy(() -> new DataOutCollector(4096, true, bytes(2048, 0), params("No", 1024, 4096, 1), () -> 1))
                .as("immediate data beyond the first burst").isInstanceOf(ProtocolViolation.class);
    }
}
