package io.mpath4j.core.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathSelectorsTest {

    @ParameterizedTest
    @CsvSource({
        "round-robin 0, RoundRobinSelector",
        "queue-length 0, QueueLengthSelector",
        "service-time 0, ServiceTimeSelector",
        "historical-service-time 0, HistoricalServiceTimeSelector",
        "latency 0, LatencyErrorSelector",
    })
    void eachNameRoundTripsThroughDescribe(String spec, String type) {
        PathSelector s = PathSelectors.parse(spec, 1, false);
        assertThat(s.getClass().getSimpleName()).isEqualTo(type);
        assertThat(s.describe()).isEqualTo(spec);
        assertThat(PathSelectors.parse(s.describe(), 1, false).describe()).isEqualTo(spec);
    }

    @Test
    void countIsOptionalAndWhitespaceIsFree() {
        assertThat(PathSelectors.parse("queue-length", 1, false).describe()).isEqualTo("queue-length 0");
        assertThat(PathSelectors.parse("  service-time\t0 ", 1, false).describe()).isEqualTo("service-time 0");
    }

    @Test
    void roundRobinGetsRrMinIoRqAndRrWeight() {
        PathSelector s = PathSelectors.parse("round-robin 0", 2, true);
        PathStats[] p = {new PathStats("a"), new PathStats("b")};
        p[1].setWeight(2);
        int[] seq = new int[6];
        for (int k = 0; k < seq.length; k++) {
            seq[k] = s.select(p, 1, k);
        }
        assertThat(seq).containsExactly(0, 0, 1, 1, 1, 1);
    }

    @Test
    void kernelArgumentsOfHistoricalServiceTimeAreAccepted() {
        assertThat(PathSelectors.parse("historical-service-time 2 972 3", 1, false).describe())
                .isEqualTo("historical-service-time 0");
        assertThatThrownBy(() -> PathSelectors.parse("historical-service-time 1 1024", 1, false))
                .hasMessageContaining("base_weight");
        assertThatThrownBy(() -> PathSelectors.parse("historical-service-time 3 1 2 3", 1, false))
                .hasMessageContaining("at most 2");
    }

    @Test
    void latencyTakesAnErrorPenalty() {
        assertThat(PathSelectors.parse("latency 1 4", 1, false).describe()).isEqualTo("latency 1 4");
        assertThat(PathSelectors.parse("latency 1 16", 1, false).describe()).isEqualTo("latency 0");
    }

    @Test
    void unknownNameListsTheValidOnes() {
        assertThatThrownBy(() -> PathSelectors.parse("fastest 0", 1, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"fastest\"")
                .hasMessageContainingAll("round-robin", "queue-length", "service-time", "historical-service-time", "latency");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Round-Robin 0", "QUEUE-LENGTH 0", "service_time 0"})
    void namesAreCaseSensitive(String spec) {
        assertThatThrownBy(() -> PathSelectors.parse(spec, 1, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("valid names");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "round-robin 1", "round-robin x", "queue-length 1 5", "service-time -1", "latency 2 1 2"})
    void malformedSpecsAreRejected(String spec) {
        assertThatThrownBy(() -> PathSelectors.parse(spec, 1, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullSpecIsRejected() {
        assertThatThrownBy(() -> PathSelectors.parse(null, 1, false)).isInstanceOf(IllegalArgumentException.class);
    }
}
