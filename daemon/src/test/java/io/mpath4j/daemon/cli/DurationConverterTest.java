package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    private final DurationConverter c = new DurationConverter();

    @Test
    void acceptsSecondsMinutesHoursAndCombinations() {
        assertThat(c.convert("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.convert("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(c.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.convert("2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.convert("45")).as("a bare number is seconds").isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void rejectsWhatIsNotADurationWithExamples() {
        for (String bad : new String[] {"", "m", "10x", "1.5m", "-5s", "10 m", "1d"}) {
            assertThatThrownBy(() -> c.convert(bad)).as(bad).isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("60s, 10m, 1h");
        }
    }
}
