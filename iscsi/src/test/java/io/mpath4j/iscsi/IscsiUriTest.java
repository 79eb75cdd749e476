package io.mpath4j.iscsi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IscsiUriTest {

    @Test
    void fullForm() {
        IscsiUri u = IscsiUri.parse("iscsi://bob%s3cret@10.0.0.1:3261/iqn.2026-11.io.x:t/3");
        assertThat(u.user()).isEqualTo("bob");
        assertThat(u.password()).isEqualTo("s3cret");
        assertThat(u.host()).isEqualTo("10.0.0.1");
        assertThat(u.port()).isEqualTo(3261);
        assertThat(u.target()).isEqualTo("iqn.2026-11.io.x:t");
        assertThat(u.lun()).isEqualTo(3);
        assertThat(u.toString()).isEqualTo("iscsi://bob%***@10.0.0.1:3261/iqn.2026-11.io.x:t/3").doesNotContain("s3cret");
        assertThat(u.name()).isEqualTo("iscsi://10.0.0.1:3261/iqn.2026-11.io.x:t/3");
    }

    @Test
    void defaultsAndDiscovery() {
        IscsiUri u = IscsiUri.parse("iscsi://host/iqn.a:b/0");
        assertThat(u.port()).isEqualTo(3260);
        assertThat(u.hasCredentials()).isFalse();
        IscsiUri d = IscsiUri.parse("iscsi://[::1]:3262");
        assertThat(d.isDiscovery()).isTrue();
        assertThat(d.host()).isEqualTo("::1");
        assertThat(d.authority()).isEqualTo("[::1]:3262");
        assertThat(IscsiUri.parse("iscsi://127.0.0.1/").isDiscovery()).isTrue();
    }

    @Test
    void errorsNameTheProblemAndNeverThePassword() {
        assertThatThrownBy(() -> IscsiUri.parse("nbd://h/x/1")).hasMessageContaining("scheme");
        assertThatThrownBy(() -> IscsiUri.parse("iscsi://h/iqn.a:b")).hasMessageContaining("LUN");
        assertThatThrownBy(() -> IscsiUri.parse("iscsi://h:99999/iqn.a:b/1")).hasMessageContaining("port");
        assertThatThrownBy(() -> IscsiUri.parse("iscsi://h/iqn.a:b/x")).hasMessageContaining("LUN 'x'");
        assertThatThrownBy(() -> IscsiUri.parse("iscsi://u%topsecret@h:x/iqn.a:b/1"))
                .hasMessageContaining("u%***@").hasMessageNotContaining("topsecret");
    }

    @Test
    void digestParametersAsLibiscsiSpellsThem() {
        IscsiUri u = IscsiUri.parse("iscsi://u%pw@h:3261/iqn.a:b/2?header_digest=crc32c-none&data_digest=CRC32C");
        assertThat(u.headerDigest()).contains(io.mpath4j.iscsi.login.DigestOffer.PREFERRED);
        assertThat(u.dataDigest()).contains(io.mpath4j.iscsi.login.DigestOffer.REQUIRED);
        assertThat(u.lun()).isEqualTo(2);
        assertThat(u.name()).isEqualTo("iscsi://h:3261/iqn.a:b/2");
        assertThat(u.toString()).isEqualTo("iscsi://u%***@h:3261/iqn.a:b/2?header_digest=crc32c-none&data_digest=crc32c");
        assertThat(u.withPortal("h2", 3260).dataDigest()).contains(io.mpath4j.iscsi.login.DigestOffer.REQUIRED);
        assertThat(IscsiUri.parse("iscsi://h/iqn.a:b/2").dataDigest()).isEmpty();
        assertThatThrownBy(() -> IscsiUri.parse("iscsi://h/iqn.a:b/2?data_digest=md5"))
                .hasMessageContaining("data_digest=md5").hasMessageContaining("crc32c-none");
        assertThatThrownBy(() -> IscsiUri.parse("iscsi://h/iqn.a:b/2?digest=crc32c"))
                .hasMessageContaining("unknown query parameter 'digest'");
    }
}
