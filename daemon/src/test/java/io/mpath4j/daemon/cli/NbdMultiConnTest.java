package io.mpath4j.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.nbd.client.NbdUri;
import java.util.List;
import org.junit.jupiter.api.Test;

class NbdMultiConnTest {

    private final NbdUri a = NbdUri.parse("nbd://127.0.0.1:10809/a");
    private final NbdUri b = NbdUri.parse("nbd://127.0.0.2:10809/b");

    @Test
    void eachUriIsRepeatedInPlaceSoItsConnectionsAreNamedUriThenHash2AndSoOn() {
        assertThat(NbdMultiConn.expand(List.of(a, b), 3)).containsExactly(a, a, a, b, b, b);
        assertThat(NbdMultiConn.expand(List.of(a, b), 1)).containsExactly(a, b);
    }

    @Test
    void aConnectionCountBelowOneIsRefusedWithTheOptionName() {
        assertThatThrownBy(() -> NbdMultiConn.expand(List.of(a), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--connections must be positive, got 0");
    }
}
