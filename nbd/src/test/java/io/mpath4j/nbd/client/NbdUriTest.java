package io.mpath4j.nbd.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NbdUriTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "nbd://127.0.0.1:10810/export | 127.0.0.1 | 10810 | export",
        "nbd://127.0.0.1/export       | 127.0.0.1 | 10809 | export",
        "NBD://localhost              | localhost | 10809 | ''",
        "nbd://localhost/             | localhost | 10809 | ''",
        "nbd://[::1]:2000/disk        | ::1       | 2000  | disk",
        "nbd://[::1]/                 | ::1       | 10809 | ''",
        "nbd://host.example-1.org:1/a/b%20c%2Fd | host.example-1.org | 1 | a/b c/d",
        "nbd://h/%C3%A9t%C3%A9        | h         | 10809 | été",
    })
    void parses(String text, String host, int port, String export) {
        NbdUri u = NbdUri.parse(text);
        assertThat(u.host()).isEqualTo(host);
        assertThat(u.port()).isEqualTo(port);
        assertThat(u.export()).isEqualTo(export);
        assertThat(NbdUri.parse(u.toString())).as("canonical form round-trips").isEqualTo(u);
    }

    @Test
    void canonicalForm() {
        assertThat(NbdUri.parse("nbd://127.0.0.1/export").toString()).isEqualTo("nbd://127.0.0.1:10809/export");
        assertThat(NbdUri.parse("nbd://[::1]/a b".replace(" ", "%20")).toString()).isEqualTo("nbd://[::1]:10809/a%20b");
        assertThat(NbdUri.parse("nbd://[::1]:7/x").authority()).isEqualTo("[::1]:7");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "http://h/x             | the scheme is http",
        "127.0.0.1:10809/x      | does not start with nbd://",
        "nbds://h/x             | TLS",
        "nbd+unix:///x?socket=/s | only TCP",
        "nbd://                 | host is missing",
        "nbd://:10809/x         | host is missing",
        "nbd://h:0/x            | not in 1..65535",
        "nbd://h:65536/x        | not in 1..65535",
        "nbd://h:abc/x          | is not a number",
        "nbd://h:/x             | is not a number",
        "nbd://::1/x            | must be written in brackets",
        "nbd://[::1/x           | closing ]",
        "nbd://[zz]/x           | not an IPv6 address",
        "nbd://[::1]x/y         | after the IPv6 address",
        "nbd://user@h/x         | user information",
        "nbd://h/x?tls=on       | query parameters",
        "nbd://h/x#frag         | a fragment",
        "nbd://h/x%2            | bad percent escape",
        "nbd://h/x%zz           | bad percent escape",
        "nbd://h/%ff            | not valid UTF-8",
        "nbd://h/a%00b          | NUL",
        "nbd://h h/x            | contains ' '",
    })
    void rejectsWithTheUriAndTheReason(String text, String why) {
        assertThatThrownBy(() -> NbdUri.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining(why);
    }
}
