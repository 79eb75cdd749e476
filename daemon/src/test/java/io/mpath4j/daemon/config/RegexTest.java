package io.mpath4j.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RegexTest {

    @Test
    void searchesAnywhereLikeRegexec() {
        assertThat(Regex.matches("LUN", "LUN C-Mode")).isTrue();
        assertThat(Regex.matches("^LUN$", "LUN C-Mode")).isFalse();
        assertThat(Regex.matches("^(RAID|DISK|VRAID)", "VRAID")).isTrue();
    }

    @Test
    void leadingBangNegates() {
        assertThat(Regex.matches("!^sd[a-z]", "sda")).isFalse();
        assertThat(Regex.matches("!^sd[a-z]", "nvme0n1")).isTrue();
    }

    @Test
    void posixBracketClasses() {
        assertThat(Regex.matches("^IBM[[:space:]]+2145", "IBM   2145")).isTrue();
        assertThat(Regex.matches("^[[:digit:]]+$", "3600")).isTrue();
        assertThat(Regex.matches("^[[:digit:]]+$", "36a0")).isFalse();
        assertThat(Regex.matches("^[[:upper:][:digit:]]+$", "DGC1")).isTrue();
    }

    @Test
    void invalidExpressionsSayWhere() {
        assertThatThrownBy(() -> Regex.check("*")).hasMessageStartingWith("invalid regular expression \"*\": Dangling meta character");
    }
}
