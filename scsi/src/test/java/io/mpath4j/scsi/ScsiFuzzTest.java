package io.mpath4j.scsi;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.scsi.alua.ReportTargetPortGroupsData;
import io.mpath4j.scsi.alua.SetTargetPortGroupsParameters;
import io.mpath4j.scsi.cdb.Cdb;
import io.mpath4j.scsi.cdb.UnmapParameterList;
import io.mpath4j.scsi.classify.ScsiClassifier;
import io.mpath4j.scsi.data.ReadCapacity10Data;
import io.mpath4j.scsi.data.ReadCapacity16Data;
import io.mpath4j.scsi.data.ReportLunsData;
import io.mpath4j.scsi.pr.PrInData;
import io.mpath4j.scsi.pr.PrOutParameterList;
import io.mpath4j.scsi.sense.SenseData;
import io.mpath4j.scsi.vpd.BlockDeviceCharacteristics;
import io.mpath4j.scsi.vpd.BlockLimits;
import io.mpath4j.scsi.vpd.DeviceIdentification;
import io.mpath4j.scsi.vpd.LogicalBlockProvisioning;
import io.mpath4j.scsi.vpd.StandardInquiry;
import io.mpath4j.scsi.vpd.SupportedVpdPages;
import io.mpath4j.scsi.vpd.UnitSerialNumber;
import io.mpath4j.scsi.vpd.Wwid;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generative test standing in for Jazzer fuzzers (as in the nbd module): random and mutated byte
 * arrays go to every decoder, which must return a value or throw {@link ScsiFormatException},
 * nothing else; a value must survive encode/decode. Seeded; the seed is printed and
 * {@code -Dmpath4j.seed=N} replays it.
 */
class ScsiFuzzTest {

    static final int ROUNDS = 3_000;

    interface Decoder {
        Object decode(byte[] b) throws ScsiFormatException;
    }

    interface Reencoder {
        byte[] encode(Object o);
    }

    record Target(String name, Decoder decoder, Reencoder encoder, byte[] seed) {}

    static List<Target> targets() {
        return List.of(
                new Target("CDB", Cdb::decode, o -> ((Cdb) o).encode(), Hex.b("28 08 00 00 10 00 00 00 08 00")),
                new Target("UNMAP parameter list", UnmapParameterList::decode, o -> ((UnmapParameterList) o).encode(),
                        new UnmapParameterList(List.of(new UnmapParameterList.Descriptor(5, 6))).encode()),
                new Target("sense", SenseData::decode, o -> ((SenseData) o).encode(),
                        Hex.b("72 03 11 00 00 00 00 0c 00 0a 80 00 00 00 00 00 00 00 00 08")),
                new Target("standard INQUIRY", StandardInquiry::decode, o -> ((StandardInquiry) o).encode(),
                        StandardInquiry.disk("LIO-ORG", "disk", "4.0", 1, true).encode()),
                new Target("VPD 00h", SupportedVpdPages::decode, o -> ((SupportedVpdPages) o).encode(), Hex.b(VpdTest.SDEB_00)),
                new Target("VPD 80h", UnitSerialNumber::decode, null, Hex.b(VpdTest.SDEB_80)),
                new Target("VPD 83h", DeviceIdentification::decode, o -> ((DeviceIdentification) o).encode(), Hex.b(VpdTest.SDEB_83)),
                new Target("WWID", Wwid::fromVpd83, null, Hex.b(VpdTest.SDEB_83)),
                new Target("VPD B0h", BlockLimits::decode, o -> ((BlockLimits) o).encode(), Hex.b(VpdTest.SDEB_B0)),
                new Target("VPD B1h", BlockDeviceCharacteristics::decode, o -> ((BlockDeviceCharacteristics) o).encode(), Hex.b(VpdTest.SDEB_B1)),
                new Target("VPD B2h", LogicalBlockProvisioning::decode, o -> ((LogicalBlockProvisioning) o).encode(), Hex.b(VpdTest.SDEB_B2)),
                new Target("READ CAPACITY(10)", ReadCapacity10Data::decode, o -> ((ReadCapacity10Data) o).encode(), new byte[8]),
                new Target("READ CAPACITY(16)", ReadCapacity16Data::decode, o -> ((ReadCapacity16Data) o).encode(), new byte[32]),
                new Target("REPORT LUNS", ReportLunsData::decode, o -> ((ReportLunsData) o).encode(),
                        Hex.b("00 00 00 08 00 00 00 00 00 01 00 00 00 00 00 00")),
                new Target("RTPG", ReportTargetPortGroupsData::decode, o -> ((ReportTargetPortGroupsData) o).encode(), Hex.b(DataTest.RTPG_EXT)),
                new Target("STPG parameters", SetTargetPortGroupsParameters::decode, o -> ((SetTargetPortGroupsParameters) o).encode(),
                        Hex.b("00 00 00 00 00 00 00 01")),
                new Target("PR READ KEYS", PrInData.Keys::decode, o -> ((PrInData) o).encode(),
                        Hex.b("00 00 00 01 00 00 00 08 00 00 00 00 00 00 00 01")),
                new Target("PR READ RESERVATION", PrInData.Reservation::decode, o -> ((PrInData) o).encode(),
                        new PrInData.Reservation(1, java.util.Optional.of(new PrInData.Holder(1, 0, 1))).encode()),
                new Target("PR REPORT CAPABILITIES", PrInData.Capabilities::decode, o -> ((PrInData) o).encode(),
                        Hex.b("00 08 1d 90 ea 01 00 00")),
                new Target("PR OUT parameters", PrOutParameterList::decode, o -> ((PrOutParameterList) o).encode(), new byte[24]),
                new Target("classifier", b -> ScsiClassifier.DEFAULT.classify(0x02, b, 0), null, Hex.b("70 00 02 00 00 00 00 0a 00 00 00 00 04 0a 00 00 00 00")));
    }

    @Test
    void randomAndMutatedBytesGiveAValueOrScsiFormatException() {
        long seed = seed();
        Random rnd = new Random(seed);
        try {
            for (Target t : targets()) {
                for (int i = 0; i < ROUNDS; i++) {
                    byte[] input = i % 2 == 0 ? random(rnd) : mutate(rnd, t.seed());
                    check(t, input, seed);
                }
                // every truncation of the seed input
                for (int n = 0; n <= t.seed().length; n++) {
                    check(t, Arrays.copyOf(t.seed(), n), seed);
                }
            }
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (replay: -Dmpath4j.seed=" + seed + ")", e);
        }
    }

    static void check(Target t, byte[] input, long seed) {
        Object value;
        try {
            value = t.decoder().decode(input);
        } catch (ScsiFormatException expected) {
            return;
        } catch (RuntimeException e) {
            throw new AssertionError(t.name() + " threw " + e + " for " + Hex.s(input) + " seed " + seed, e);
        }
        assertThat(value).as(t.name()).isNotNull();
        if (t.encoder() != null) {
            try {
                Object again = t.decoder().decode(t.encoder().encode(value));
                assertThat(again).as(t.name() + " round trip of " + Hex.s(input)).isEqualTo(value);
            } catch (ScsiFormatException | RuntimeException e) {
                throw new AssertionError(t.name() + " could not re-decode its own encoding of " + value
                        + " from " + Hex.s(input) + ": " + e, e);
            }
        }
    }

    private static byte[] random(Random rnd) {
        byte[] b = new byte[rnd.nextInt(80)];
        rnd.nextBytes(b);
        if (b.length > 4 && rnd.nextBoolean()) {
            // plausible small lengths, so parsers get past their first check
            b[2] = 0;
            b[3] = (byte) rnd.nextInt(b.length);
        }
        return b;
    }

    private static byte[] mutate(Random rnd, byte[] seed) {
        byte[] b = Arrays.copyOf(seed, Math.max(0, seed.length + rnd.nextInt(9) - 4));
        int flips = 1 + rnd.nextInt(4);
        for (int i = 0; i < flips && b.length > 0; i++) {
            int at = rnd.nextInt(b.length);
            b[at] = rnd.nextInt(3) == 0 ? (byte) rnd.nextInt(256) : (byte) (b[at] ^ (1 << rnd.nextInt(8)));
        }
        return b;
    }

    private static long seed() {
        String prop = System.getProperty("mpath4j.seed", "");
        long seed = prop.isBlank() ? System.nanoTime() : Long.parseLong(prop.trim());
        System.out.println("ScsiFuzzTest seed " + seed + " (replay: -Dmpath4j.seed=" + seed + ")");
        return seed;
    }
}
