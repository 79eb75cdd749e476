package io.mpath4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CompletionBurstTest {

    @AfterEach
    void detach() {
        CompletionBurst b = CompletionBurst.current();
        if (b != null) {
            b.close();
        }
    }

    @Test
    void eachSinkGetsItsItemsInOrderOncePerEnd() {
        List<List<String>> a = new ArrayList<>();
        List<List<String>> b = new ArrayList<>();
        CompletionBurst.Sink<String> sa = items -> a.add(List.copyOf(items));
        CompletionBurst.Sink<String> sb = items -> b.add(List.copyOf(items));
        CompletionBurst burst = CompletionBurst.begin();
        assertThat(CompletionBurst.current()).isSameAs(burst);
        burst.hold(sa, "1");
        burst.hold(sb, "x");
        burst.hold(sa, "2");
        assertThat(a).isEmpty();
        burst.end();
        assertThat(a).containsExactly(List.of("1", "2"));
        assertThat(b).containsExactly(List.of("x"));
        assertThat(burst.isEmpty()).isTrue();
        burst.end(); // nothing held: no call
        burst.hold(sa, "3");
        burst.close();
        assertThat(a).containsExactly(List.of("1", "2"), List.of("3"));
        assertThat(CompletionBurst.current()).isNull();
    }

    @Test
    void manySinksAndItemsHeldWhileFlushingGoOutInTheSameEnd() {
        CompletionBurst burst = CompletionBurst.begin();
        List<String> seen = new ArrayList<>();
        List<CompletionBurst.Sink<String>> sinks = new ArrayList<>();
        for (int i = 0; i < 9; i++) { // more than the initial room
            sinks.add(seen::addAll);
        }
        CompletionBurst.Sink<String> reentrant = items -> {
            seen.addAll(items);
            if (items.contains("first")) {
                burst.hold(sinks.get(0), "held while flushing");
            }
        };
        for (int i = 0; i < sinks.size(); i++) {
            burst.hold(sinks.get(i), "s" + i);
        }
        burst.hold(reentrant, "first");
        burst.end();
        assertThat(seen).containsExactly("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "first",
                "held while flushing");
    }

    @Test
    void aThrowingSinkDoesNotKeepTheOthersFromTheirItems() {
        CompletionBurst burst = CompletionBurst.begin();
        List<String> seen = new ArrayList<>();
        burst.hold(items -> {
            throw new IllegalStateException("broken sink");
        }, "a");
        burst.hold(seen::addAll, "b");
        assertThatThrownBy(burst::end).hasMessage("broken sink");
        assertThat(seen).containsExactly("b");
        assertThat(burst.isEmpty()).isTrue();
    }

    @Test
    void otherThreadsHaveNoBurst() throws Exception {
        CompletionBurst.begin();
        AtomicReference<CompletionBurst> there = new AtomicReference<>(CompletionBurst.begin());
        Thread t = Thread.ofVirtual().start(() -> there.set(CompletionBurst.current()));
        t.join();
        assertThat(there.get()).isNull();
    }
}
