package io.mpath4j.iscsi.pdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SerialNumberTest {

    static final int MAX = 0xffffffff; // 2^32 - 1

    @Test
    void ordinaryOrder() {
        assertThat(SerialNumber.lessThan(1, 2)).isTrue();
        assertThat(SerialNumber.greaterThan(2, 1)).isTrue();
        assertThat(SerialNumber.lessThan(2, 2)).isFalse();
        assertThat(SerialNumber.lessOrEqual(2, 2)).isTrue();
    }

    @Test
    void wrapAround() {
        // 2^32 - 1 < 0 < 1 in serial order (RFC 1982 §3.2)
        assertThat(SerialNumber.lessThan(MAX, 0)).isTrue();
        assertThat(SerialNumber.greaterThan(0, MAX)).isTrue();
        assertThat(SerialNumber.lessThan(0xfffffff0, 5)).isTrue();
        assertThat(SerialNumber.add(MAX, 1)).isZero();
        assertThat(SerialNumber.add(0xfffffffe, 4)).isEqualTo(2);
        assertThat(SerialNumber.distance(0xfffffffe, 2)).isEqualTo(4);
        // signed int overflow is not serial overflow
        assertThat(SerialNumber.lessThan(Integer.MAX_VALUE, Integer.MIN_VALUE)).isTrue();
    }

    @Test
    void halfwayIsUndefined() {
        int a = 7;
        int b = a + (1 << 31);
        assertThat(SerialNumber.isUndefined(a, b)).isTrue();
        assertThat(SerialNumber.lessThan(a, b)).isFalse();
        assertThat(SerialNumber.greaterThan(a, b)).isFalse();
        assertThat(SerialNumber.lessThan(a, a + Integer.MAX_VALUE)).isTrue();
    }

    @Test
    void addRejectsIncrementsOverHalfTheSpace() {
        assertThat(SerialNumber.add(0, SerialNumber.MAX_ADD)).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> SerialNumber.add(0, SerialNumber.MAX_ADD + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SerialNumber.add(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void windowAcrossTheWrap() {
        assertThat(SerialNumber.inWindow(0, 0xfffffffe, 3)).isTrue();
        assertThat(SerialNumber.inWindow(MAX, 0xfffffffe, 3)).isTrue();
        assertThat(SerialNumber.inWindow(3, 0xfffffffe, 3)).isTrue();
        assertThat(SerialNumber.inWindow(4, 0xfffffffe, 3)).isFalse();
        assertThat(SerialNumber.inWindow(0xfffffffd, 0xfffffffe, 3)).isFalse();
    }

    @Test
    void commandWindowSize() {
        // RFC 7143 §4.2.2.1: MaxCmdSN - ExpCmdSN + 1; MaxCmdSN = ExpCmdSN - 1 closes the window
        assertThat(SerialNumber.windowSize(10, 10)).isEqualTo(1);
        assertThat(SerialNumber.windowSize(10, 41)).isEqualTo(32);
        assertThat(SerialNumber.windowSize(10, 9)).isZero();
        assertThat(SerialNumber.windowSize(0, MAX)).isZero();
        assertThat(SerialNumber.windowSize(MAX, 30)).isEqualTo(32);
        assertThat(SerialNumber.windowSize(0xfffffff0, 0x0f)).isEqualTo(32);
        assertThat(SerialNumber.windowSize(10, 8)).isEqualTo(-1);
        assertThat(SerialNumber.windowSize(5, 5 + (1 << 31))).isEqualTo(-1);
    }
}
