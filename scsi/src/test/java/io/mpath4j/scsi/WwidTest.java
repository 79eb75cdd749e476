package io.mpath4j.scsi;

import static io.mpath4j.scsi.Hex.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.scsi.vpd.Wwid;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * WWID vectors, per multipath-tools' parse_vpd_pg83() (libmultipath/discovery.c). Pages are built
 * by hand: {@link #page} adds the 4-byte header to designation descriptors written out byte by
 * byte (byte 0 protocol/code set, byte 1 PIV/association/type, byte 3 length).
 */
class WwidTest {

    static byte[] page(String descriptors) {
        byte[] d = b(descriptors);
        byte[] p = new byte[4 + d.length];
        p[1] = (byte) 0x83;
        p[2] = (byte) (d.length >>> 8);
        p[3] = (byte) d.length;
        System.arraycopy(d, 0, p, 4, d.length);
        return p;
    }

    static Optional<String> wwid(String descriptors) throws ScsiFormatException {
        return Wwid.fromVpd83(page(descriptors));
    }

    static final String NAA6 = "01 03 00 10 60 01 40 5a bc de f0 12 34 56 78 9a bc de f0 12";
    static final String NAA5 = "01 03 00 08 50 00 c5 00 30 11 cb 2b";
    static final String NAA2 = "01 03 00 08 20 00 00 11 22 33 44 55";
    static final String NAA3 = "01 03 00 08 33 33 33 30 00 00 07 d0";
    static final String EUI8 = "01 02 00 08 00 11 22 33 44 55 66 77";
    static final String T10 = "02 01 00 10 41 42 43 20 20 20 20 20 64 69 73 6b 20 20 31 20"; // "ABC     disk  1 "
    static final String NAME_NAA = "03 08 00 18 6e 61 61 2e 36 30 30 31 34 30 35 41 42 43 44 45 46 30 31 32 00 00 00 00";

    @Test
    void eachDesignatorTypeFormatsLikeMultipathTools() throws ScsiFormatException {
        assertThat(wwid(NAA6)).hasValue("36001405abcdef0123456789abcdef012");
        assertThat(wwid(NAA5)).hasValue("35000c5003011cb2b");
        assertThat(wwid(NAA2)).hasValue("32000001122334455");
        assertThat(wwid(NAA3)).hasValue("333333330000007d0");
        assertThat(wwid(EUI8)).hasValue("20011223344556677");
        assertThat(wwid("01 02 00 0c 00 11 22 33 44 55 66 77 88 99 aa bb")).hasValue("200112233445566778899aabb");
        assertThat(wwid("01 02 00 10 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff")).hasValue("200112233445566778899aabbccddeeff");
        // T10 vendor id: runs of spaces become one '_', trailing spaces vanish
        assertThat(wwid(T10)).hasValue("1ABC_disk_1");
        // SCSI name string "naa.": type '3', the rest lowercased, NUL padding dropped
        assertThat(wwid(NAME_NAA)).hasValue("36001405abcdef012");
        // "eui.": type '2'
        assertThat(wwid("03 08 00 14 65 75 69 2e 30 30 31 31 32 32 33 33 34 34 35 35 36 36 37 37")).hasValue("20011223344556677");
        // "iqn.": type '8', the prefix dropped, case kept
        assertThat(wwid("03 08 00 14 69 71 6e 2e 32 30 30 33 2d 30 31 2e 4f 72 67 3a 4c 55 4e 00"))
                .hasValue("82003-01.Org:LUN");
    }

    @Test
    void priorityOrder() throws ScsiFormatException {
        // NAA 6 wins wherever it is
        assertThat(wwid(T10 + NAA5 + EUI8 + NAA6 + NAME_NAA)).hasValue("36001405abcdef0123456789abcdef012");
        assertThat(wwid(NAA2 + NAA5)).hasValue("35000c5003011cb2b");
        assertThat(wwid(EUI8 + NAA2)).hasValue("32000001122334455");
        assertThat(wwid(NAME_NAA + EUI8)).hasValue("20011223344556677");
        assertThat(wwid(T10 + NAME_NAA)).hasValue("36001405abcdef012");
        // a locally assigned NAA ranks below a T10 vendor id
        assertThat(wwid(NAA3 + T10)).hasValue("1ABC_disk_1");
        // among equals the first wins
        assertThat(wwid(NAA5 + "01 03 00 08 50 00 00 00 00 00 00 01")).hasValue("35000c5003011cb2b");
    }

    @Test
    void onlyLogicalUnitDesignatorsCount() throws ScsiFormatException {
        // the same NAA 6 with association target port (PIV, iSCSI) and target device: ignored
        String port = "51 93 00 10 60 01 40 5a bc de f0 12 34 56 78 9a bc de f0 12";
        String device = "51 a3 00 10 60 01 40 5a bc de f0 12 34 56 78 9a bc de f0 12";
        assertThat(wwid(port + device)).isEmpty();
        assertThat(wwid(port + NAA5)).hasValue("35000c5003011cb2b");
        // association 3 (reserved) is invalid and skipped
        assertThat(wwid("01 33 00 10 60 01 40 5a bc de f0 12 34 56 78 9a bc de f0 12" + T10)).hasValue("1ABC_disk_1");
        // PIV on a logical-unit designator does not matter
        assertThat(wwid("51 83 00 08 50 00 c5 00 30 11 cb 2b")).hasValue("35000c5003011cb2b");
    }

    @Test
    void unusableAndInvalidDesignatorsAreSkipped() throws ScsiFormatException {
        // MD5, LU group, vendor specific, UUID: never a WWID
        assertThat(wwid("01 07 00 10 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff"
                + "01 06 00 04 00 00 00 01" + "01 00 00 04 de ad be ef")).isEmpty();
        // NAA 6 of 8 bytes, NAA 5 of 16, NAA 1 (reserved): invalid
        assertThat(wwid("01 03 00 08 60 01 40 5a bc de f0 12")).isEmpty();
        assertThat(wwid("01 03 00 10 50 01 40 5a bc de f0 12 34 56 78 9a bc de f0 12")).isEmpty();
        assertThat(wwid("01 03 00 08 10 01 40 5a bc de f0 12" + T10)).hasValue("1ABC_disk_1");
        // EUI-64 of 9 bytes, T10 id of 7, SCSI name without a known prefix: invalid
        assertThat(wwid("01 02 00 09 00 11 22 33 44 55 66 77 88")).isEmpty();
        assertThat(wwid("02 01 00 07 41 42 43 20 20 20 20")).isEmpty();
        assertThat(wwid("03 08 00 08 66 6f 6f 2e 62 61 72 00")).isEmpty();
        assertThat(wwid("")).isEmpty();
    }

    @Test
    void descriptorOverflowEndsTheWalkKeepingWhatWasFound() throws ScsiFormatException {
        // T10 id, then an NAA 6 whose length runs past the page: the T10 id stays
        assertThat(wwid(T10 + "01 03 00 10 60 01 40 5a")).hasValue("1ABC_disk_1");
        // a page whose length field claims more than was received: the received part counts
        byte[] p = page(NAA5);
        p[3] = (byte) 0x40;
        assertThat(Wwid.fromVpd83(p)).hasValue("35000c5003011cb2b");
    }

    @Test
    void t10SpacingEdgeCases() throws ScsiFormatException {
        // leading spaces give a leading '_'; a NUL ends the text
        assertThat(wwid("02 01 00 0a 20 20 41 42 43 44 45 46 47 48")).hasValue("1_ABCDEFGH");
        assertThat(wwid("02 01 00 0a 41 42 43 44 45 46 47 00 20 48")).hasValue("1ABCDEFG");
    }

    @Test
    void realPages() throws ScsiFormatException {
        // Linux scsi_debug (sg3_utils inhex/vpd_sdeb.hex): its LU designators are a T10 id and a
        // locally assigned NAA (3); multipath-tools picks the T10 id
        assertThat(Wwid.fromVpd83(b(VpdTest.SDEB_83))).hasValue("1Linux_scsi_debug_2000");
        // a SAS disk (sg3_utils inhex/vpd_dev_id.hex): NAA 5 for the LU, port/device designators ignored
        byte[] sas = b("""
                00 83 00 48 01 03 00 08  50 00 c5 00 30 11 cb 2b
                61 93 00 08 50 00 c5 00  30 11 cb 29 61 94 00 04
                00 00 00 01 61 a3 00 08  50 00 c5 00 30 11 cb 28
                03 28 00 18 6e 61 61 2e  35 30 30 30 43 35 30 30
                33 30 31 31 43 42 32 38  00 00 00 00
                """);
        assertThat(Wwid.fromVpd83(sas)).hasValue("35000c5003011cb2b");
    }

    @Test
    void notAPage83() {
        assertThatThrownBy(() -> Wwid.fromVpd83(b("00 80 00 00"))).isInstanceOf(ScsiFormatException.class);
        assertThatThrownBy(() -> Wwid.fromVpd83(b("00 83"))).isInstanceOf(ScsiFormatException.class);
    }
}
