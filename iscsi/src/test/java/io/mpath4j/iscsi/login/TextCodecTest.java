package io.mpath4j.iscsi.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.iscsi.pdu.Bytes;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextCodecTest {

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
    }

    @Test
    void pairsAreNulTerminatedUtf8() throws Exception {
        // "HeaderDigest=None\0MaxBurstLength=262144\0" written out by hand
        byte[] wire = hex("486561646572446967657374 3d 4e6f6e65 00 4d61784275727374 4c656e677468 3d 323632313434 00");
        List<KeyValue> pairs = List.of(KeyValue.of("HeaderDigest", "None"), KeyValue.of("MaxBurstLength", "262144"));
        assertThat(TextCodec.decode(wire)).isEqualTo(pairs);
        assertThat(TextCodec.encode(pairs)).isEqualTo(wire);
        assertThat(TextCodec.decode(new byte[0])).isEmpty();
    }

    @Test
    void valuesMayBeEmptyOrContainEquals() throws Exception {
        assertThat(TextCodec.decode("TargetAlias=\0X-a=b=c\0".getBytes())).containsExactly(KeyValue.of("TargetAlias", ""),
                KeyValue.of("X-a", "b=c"));
    }

    @Test
    void utf8ValuesRoundTrip() throws Exception {
        List<KeyValue> pairs = List.of(KeyValue.of("InitiatorAlias", "häst-ÿ"));
        assertThat(TextCodec.decode(TextCodec.encode(pairs))).isEqualTo(pairs);
    }

    @Test
    void trailingNulsAreTolerated() throws Exception {
        assertThat(TextCodec.decode("a=b\0\0\0".getBytes())).containsExactly(KeyValue.of("a", "b"));
    }

    @Test
    void malformedText() {
        assertThatThrownBy(() -> TextCodec.decode("a=b".getBytes())).isInstanceOf(NegotiationException.class)
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> TextCodec.decode("ab\0".getBytes())).hasMessageContaining("no '='");
        assertThatThrownBy(() -> TextCodec.decode("=b\0".getBytes())).hasMessageContaining("empty key");
        assertThatThrownBy(() -> TextCodec.decode("a b=c\0".getBytes())).hasMessageContaining("character");
        assertThatThrownBy(() -> TextCodec.decode("a=b\0\0c=d\0".getBytes())).hasMessageContaining("empty key=value");
        assertThatThrownBy(() -> TextCodec.decode(hex("613dff00"))).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> TextCodec.decode(("k".repeat(64) + "=v\0").getBytes())).hasMessageContaining("63");
    }

    @Test
    void numbers() throws Exception {
        assertThat(TextValues.number("k", "8192")).isEqualTo(8192);
        assertThat(TextValues.number("k", "0x2000")).isEqualTo(8192);
        assertThat(TextValues.number("k", "0X2000")).isEqualTo(8192);
        for (String bad : new String[] {"", "-1", "0x", "12a", "0xg", "99999999999999999999", " 1"}) {
            assertThatThrownBy(() -> TextValues.number("k", bad)).as(bad).isInstanceOf(NegotiationException.class);
        }
        assertThatThrownBy(() -> TextValues.number("k", "511", 512, 1024)).hasMessageContaining("outside");
    }

    @Test
    void booleans() throws Exception {
        assertThat(TextValues.bool("k", "Yes")).isTrue();
        assertThat(TextValues.bool("k", "No")).isFalse();
        assertThatThrownBy(() -> TextValues.bool("k", "yes")).isInstanceOf(NegotiationException.class);
    }

    @Test
    void binaryInHexAndBase64() throws Exception {
        assertThat(Bytes.of(TextValues.binary("k", "0x00ff10"))).isEqualTo(Bytes.fromHex("00ff10"));
        assertThat(Bytes.of(TextValues.binary("k", "0xfff"))).isEqualTo(Bytes.fromHex("0fff"));
        assertThat(Bytes.of(TextValues.binary("k", "0bAP8Q"))).isEqualTo(Bytes.fromHex("00ff10"));
        assertThat(TextValues.hex(hex("00ff10"))).isEqualTo("0x00ff10");
        assertThat(TextValues.base64(hex("00ff10"))).isEqualTo("0bAP8Q");
        assertThatThrownBy(() -> TextValues.binary("k", "00ff")).isInstanceOf(NegotiationException.class);
        assertThatThrownBy(() -> TextValues.binary("k", "0xzz")).isInstanceOf(NegotiationException.class);
        assertThatThrownBy(() -> TextValues.binary("k", "0b!!")).isInstanceOf(NegotiationException.class);
        assertThatThrownBy(() -> TextValues.binary("k", "0x" + "00".repeat(1100))).hasMessageContaining("1024");
    }

    @Test
    void assemblerJoinsAPairSplitAcrossPdus() throws Exception {
        TextAssembler a = new TextAssembler();
        assertThat(a.append(Bytes.of("TargetName=iqn.2001-04.com.exa".getBytes()), true)).isNull();
        assertThat(a.isPending()).isTrue();
        assertThat(a.append(Bytes.of("mple:disk\0TargetAddress=10.0.0.1:3260,1\0".getBytes()), false))
                .containsExactly(KeyValue.of("TargetName", "iqn.2001-04.com.example:disk"),
                        KeyValue.of("TargetAddress", "10.0.0.1:3260,1"));
        assertThat(a.isPending()).isFalse();
    }

    @Test
    void assemblerTakesLoginAndTextPdus() throws Exception {
        TextAssembler a = new TextAssembler();
        var first = new io.mpath4j.iscsi.pdu.Pdu.TextResponse(false, true, 0, 1, 9, 1, 1, 1, Bytes.of("a=".getBytes()));
        var last = new io.mpath4j.iscsi.pdu.Pdu.TextResponse(true, false, 0, 1, -1, 2, 1, 1, Bytes.of("b\0".getBytes()));
        assertThat(a.append(first)).isNull();
        assertThat(a.append(last)).containsExactly(KeyValue.of("a", "b"));
    }

    @Test
    void assemblerCapsTheText() throws Exception {
        TextAssembler a = new TextAssembler(10);
        assertThat(a.append(Bytes.of("abcdefgh".getBytes()), true)).isNull();
        assertThatThrownBy(() -> a.append(Bytes.of("ijk".getBytes()), true)).isInstanceOf(NegotiationException.class)
                .hasMessageContaining("limit");
        assertThat(a.isPending()).isFalse();
    }
}
