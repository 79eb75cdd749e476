package io.mpath4j.lab.target;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandWindowTest {

    @Test
    void deliversInCmdSNOrderAndSlides() {
        CommandWindow<String> w = new CommandWindow<>(10, 4);
        assertThat(w.maxCmdSN()).isEqualTo(13);
        assertThat(w.admit(11, false, "b").deliver()).isEmpty();
        assertThat(w.admit(13, false, "d").deliver()).isEmpty();
        assertThat(w.waiting()).isEqualTo(2);
        assertThat(w.admit(10, false, "a").deliver()).containsExactly("a", "b");
        assertThat(w.expCmdSN()).isEqualTo(12);
        assertThat(w.admit(12, false, "c").deliver()).containsExactly("c", "d");
        assertThat(w.expCmdSN()).isEqualTo(14);
        assertThat(w.maxCmdSN()).isEqualTo(17);
        assertThat(w.received(13)).isTrue();
        assertThat(w.received(14)).isFalse();
    }

    @Test
    void outsideTheWindowIsSilentlyDropped() {
        CommandWindow<String> w = new CommandWindow<>(10, 4);
        assertThat(w.admit(14, false, "too high").dropped()).isTrue(); // MaxCmdSN + 1 (iSCSICmdSnTooHigh)
        assertThat(w.admit(9, false, "too low").dropped()).isTrue(); // a duplicate below ExpCmdSN
        assertThat(w.admit(11, false, "x").dropped()).isFalse();
        assertThat(w.admit(11, false, "x again").dropped()).isTrue();
        assertThat(w.expCmdSN()).isEqualTo(10);
    }

    @Test
    void immediateCommandsPassAndDoNotMoveTheWindow() {
        CommandWindow<String> w = new CommandWindow<>(10, 4);
        assertThat(w.admit(10, true, "tmf").deliver()).containsExactly("tmf");
        assertThat(w.expCmdSN()).isEqualTo(10);
    }

    @Test
    void wrapsAround() {
        CommandWindow<String> w = new CommandWindow<>(-1, 8); // 0xffffffff
        assertThat(w.admit(0, false, "b").deliver()).isEmpty();
        assertThat(w.admit(-1, false, "a").deliver()).containsExactly("a", "b");
        assertThat(w.expCmdSN()).isEqualTo(1);
    }
}
