package io.mpath4j.scsi;

import static io.mpath4j.scsi.Hex.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mpath4j.scsi.sense.AdditionalSense;
import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.sense.SenseDescriptor;
import io.mpath4j.scsi.sense.SenseKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sense data vectors (SPC-4 §4.5.2 descriptor format, §4.5.3 fixed format). */
class SenseDataTest {

    @Test
    void fixedFormatNotReadyTransitioning() throws ScsiFormatException {
        // 0 response code 70h, 2 sense key, 7 additional length 0Ah, 12 ASC, 13 ASCQ
        byte[] raw = b("70 00 02 00 00 00 00 0a 00 00 00 00 04 0a 00 00 00 00");
        SenseData s = SenseData.decode(raw);
        assertThat(s).isEqualTo(SenseData.of(SenseKey.NOT_READY, 0x04, 0x0A));
        assertThat(s.describe()).isEqualTo("NOT READY, LOGICAL UNIT NOT ACCESSIBLE, ASYMMETRIC ACCESS STATE TRANSITION (04h/0Ah)");
        assertThat(s.encode()).isEqualTo(raw);
    }

    @Test
    void fixedFormatMediumErrorWithInformationFruAndSenseKeySpecific() throws ScsiFormatException {
        // VALID + 70h; INFORMATION 3-6 = 00 12 34 56; CSI 8-11; FRU 14; SKSV 15 bit 7 + 3 bytes
        byte[] raw = b("f0 00 03 00 12 34 56 0a 00 00 00 07 11 00 05 80 00 10");
        SenseData s = SenseData.decode(raw);
        assertThat(s.key()).isEqualTo(SenseKey.MEDIUM_ERROR);
        assertThat(s.is(0x11, 0x00)).isTrue();
        assertThat(s.information()).hasValue(0x123456);
        assertThat(s.descriptors()).containsExactly(
                new SenseDescriptor.Information(0x123456), new SenseDescriptor.CommandSpecific(7),
                new SenseDescriptor.FieldReplaceableUnit(5), new SenseDescriptor.SenseKeySpecific(0x10));
        assertThat(s.encode()).isEqualTo(raw);
    }

    @Test
    void fixedFormatDeferredAndShortAdditionalLength() throws ScsiFormatException {
        SenseData s = SenseData.decode(b("71 00 04 00 00 00 00 06 00 00 00 00 44 00"));
        assertThat(s.deferred()).isTrue();
        assertThat(s.key()).isEqualTo(SenseKey.HARDWARE_ERROR);
        assertThat(s.asc()).isEqualTo(0x44);
        // additional length 0: no ASC/ASCQ at all (zero-padded sense buffer after it is ignored)
        SenseData bare = SenseData.decode(b("70 00 06 00 00 00 00 00 29 00 00 00 00 00"));
        assertThat(bare).isEqualTo(SenseData.of(SenseKey.UNIT_ATTENTION, 0, 0));
    }

    @Test
    void descriptorFormatWithInformationAndUnknownDescriptor() throws ScsiFormatException {
        // 72h, key, ASC, ASCQ, 7 additional length 14h; information descriptor 00 0a 80 00 + 8 bytes;
        // a block commands descriptor (05h) kept raw
        byte[] raw = b("72 03 11 00 00 00 00 14"
                + " 00 0a 80 00 00 00 00 01 00 00 00 20"
                + " 05 02 00 20"
                + " 03 02 00 09");
        SenseData s = SenseData.decode(raw);
        assertThat(s.descriptorFormat()).isTrue();
        assertThat(s.information()).hasValue(0x1_0000_0020L);
        assertThat(s.descriptors()).containsExactly(new SenseDescriptor.Information(0x1_0000_0020L),
                new SenseDescriptor.Other(5, Octets.hex("0020")), new SenseDescriptor.FieldReplaceableUnit(9));
        assertThat(s.encode()).isEqualTo(raw);
    }

    @Test
    void builderWritesBothFormats() throws ScsiFormatException {
        SenseData s = SenseData.of(SenseKey.ILLEGAL_REQUEST, 0x24, 0).withInformation(8);
        assertThat(Hex.s(s.encodeFixed())).isEqualTo("f0 00 05 00 00 00 08 0a 00 00 00 00 24 00 00 00 00 00");
        assertThat(Hex.s(s.encodeDescriptor())).isEqualTo("72 05 24 00 00 00 00 0c 00 0a 80 00 00 00 00 00 00 00 00 08");
        assertThat(SenseData.decode(s.encodeDescriptor())).isEqualTo(s.inDescriptorFormat(true));
        SenseData d = SenseData.of(SenseKey.NOT_READY, 4, 1).asDeferred(true).inDescriptorFormat(true);
        assertThat(Hex.s(d.encode())).isEqualTo("73 02 04 01 00 00 00 00");
        assertThat(SenseData.decode(d.encode())).isEqualTo(d);
    }

    @Test
    void malformedSenseIsAFormatError() {
        assertThatThrownBy(() -> SenseData.decode(b("70 00 02"))).isInstanceOf(ScsiFormatException.class);
        assertThatThrownBy(() -> SenseData.decode(b("00 00 02 00 00 00 00 0a 00 00 00 00 04 0a 00 00 00 00")))
                .isInstanceOf(ScsiFormatException.class).hasMessageContaining("response code");
        assertThatThrownBy(() -> SenseData.decode(b("70 00 02 00 00 00 00 0a 00 00 00 00 04")))
                .isInstanceOf(ScsiFormatException.class).hasMessageContaining("truncated");
        // descriptor length running past the additional sense length
        assertThatThrownBy(() -> SenseData.decode(b("72 03 11 00 00 00 00 04 00 0a 80 00")))
                .isInstanceOf(ScsiFormatException.class).hasMessageContaining("runs past");
        assertThatThrownBy(() -> SenseData.decode(null)).isInstanceOf(ScsiFormatException.class);
    }

    @Test
    void additionalSenseNames() {
        assertThat(AdditionalSense.name(0x04, 0x0B)).isEqualTo("LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN STANDBY STATE");
        assertThat(AdditionalSense.name(0x04, 0x0C)).isEqualTo("LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN UNAVAILABLE STATE");
        assertThat(AdditionalSense.name(0x2A, 0x09)).isEqualTo("CAPACITY DATA HAS CHANGED");
        assertThat(AdditionalSense.name(0x3F, 0x0E)).isEqualTo("REPORTED LUNS DATA HAS CHANGED");
        assertThat(AdditionalSense.name(0x55, 0x03)).isEqualTo("INSUFFICIENT RESERVATION RESOURCES");
        assertThat(AdditionalSense.name(0x80, 0x00)).isEqualTo("VENDOR SPECIFIC");
        assertThat(AdditionalSense.name(0x40, 0x91)).isEqualTo("DIAGNOSTIC FAILURE ON COMPONENT 91h");
        assertThat(AdditionalSense.describe(0x51, 0x00)).isEqualTo("ASC 51h, ASCQ 00h");
        for (int[] c : List.of(new int[] {0x11, 0}, new int[] {0x20, 0}, new int[] {0x21, 0}, new int[] {0x24, 0},
                new int[] {0x25, 0}, new int[] {0x27, 0}, new int[] {0x0C, 0}, new int[] {0x3A, 0}, new int[] {0x3F, 3},
                new int[] {0x29, 0}, new int[] {0x2A, 6})) {
            assertThat(AdditionalSense.name(c[0], c[1])).as("%02x/%02x", c[0], c[1]).isNotNull();
        }
    }
}
