package io.mpath4j.lab.lu;

import static io.mpath4j.lab.lu.LuHarness.A;
import static io.mpath4j.lab.lu.LuHarness.BLOCKS;
import static io.mpath4j.lab.lu.LuHarness.BS;
import static io.mpath4j.lab.lu.LuHarness.assertGood;
import static io.mpath4j.lab.lu.LuHarness.assertSense;
import static io.mpath4j.lab.lu.LuHarness.bytes;
import static io.mpath4j.lab.lu.LuHarness.filled;
import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.scsi.ScsiBytes;
import io.mpath4j.scsi.cdb.Cdb;
import io.mpath4j.scsi.cdb.UnmapParameterList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SBC-3 data path, byte by byte through LabLuns.execute. */
class ReadWriteTest {

    LuHarness h;

    @BeforeEach
    void setUp() {
        h = LuHarness.memoryLu().clearUa(A);
    }

    @Test
    void firstCommandOfANewNexusGetsPowerOnReset() {
        LuHarness fresh = LuHarness.memoryLu();
        assertSense(fresh.exec(new Cdb.Read10(0, 1, false)), Sense.POWER_ON_RESET);
        assertGood(fresh.exec(new Cdb.Read10(0, 1, false)));
    }

    @Test
    void write10ThenRead16RoundTrips() {
        assertGood(h.exec(A, new Cdb.Write10(10, 2, false), filled(2, 0xAB)));
        assertThat(bytes(h.exec(new Cdb.Read16(10, 2, false)))).isEqualTo(filled(2, 0xAB));
        assertThat(bytes(h.exec(new Cdb.Read10(12, 1, false)))).isEqualTo(new byte[BS]);
    }

    @Test
    void everyReadAndWriteSizeAgrees() {
        assertGood(h.exec(A, RawCdb.cdb6(0x0A, 1, 1), filled(1, 1)));
        assertGood(h.exec(A, RawCdb.cdb12(0xAA, 0, 2, 1), filled(1, 2)));
        assertGood(h.exec(A, new Cdb.Write16(3, 1, true), filled(1, 3)));
        assertThat(bytes(h.exec(RawCdb.cdb6(0x08, 1, 3)))).containsExactly(concat(filled(1, 1), filled(1, 2), filled(1, 3)));
        assertThat(bytes(h.exec(RawCdb.cdb12(0xA8, 0, 1, 3)))).containsExactly(concat(filled(1, 1), filled(1, 2), filled(1, 3)));
    }

    @Test
    void read6LengthZeroMeans256Blocks() {
        assertThat(bytes(h.exec(RawCdb.cdb6(0x08, 0, 0)))).hasSize(256 * BS);
    }

    @Test
    void zeroBlocksIsGoodAndTransfersNothing() {
        assertThat(bytes(h.exec(new Cdb.Read10(0, 0, false)))).isEmpty();
        assertThat(bytes(h.exec(new Cdb.Read10(BLOCKS, 0, false)))).isEmpty();
        assertGood(h.exec(A, new Cdb.Write16(0, 0, false), null));
    }

    @Test
    void beyondTheEndIsLbaOutOfRange() {
        assertSense(h.exec(new Cdb.Read10(BLOCKS, 1, false)), Sense.LBA_OUT_OF_RANGE);
        assertSense(h.exec(new Cdb.Read10(BLOCKS - 1, 2, false)), Sense.LBA_OUT_OF_RANGE);
        assertSense(h.exec(new Cdb.Read10(0x8000_0000L, 1, false)), Sense.LBA_OUT_OF_RANGE);
        assertSense(h.exec(new Cdb.Read10(0xFFFF_FFFFL, 1, false)), Sense.LBA_OUT_OF_RANGE);
        assertSense(h.exec(new Cdb.Read16(-1L, 1, false)), Sense.LBA_OUT_OF_RANGE); // LBA 2^64-1
        assertSense(h.exec(new Cdb.Read10(BLOCKS + 1, 0, false)), Sense.LBA_OUT_OF_RANGE);
        assertSense(h.exec(A, new Cdb.Write10(BLOCKS - 1, 2, false), filled(2, 1)), Sense.LBA_OUT_OF_RANGE);
        assertSense(h.exec(RawCdb.cdb12(0xA8, 0, BLOCKS, 1)), Sense.LBA_OUT_OF_RANGE);
    }

    @Test
    void protectionFieldsAreInvalidWithoutProtectionInformation() {
        assertSense(h.exec(RawCdb.cdb10(0x28, 0x20, 0, 1)), Sense.INVALID_FIELD_IN_CDB); // RDPROTECT 1
        assertSense(h.exec(A, RawCdb.cdb16(0x8A, 0xE0, 0, 1), filled(1, 0)), Sense.INVALID_FIELD_IN_CDB);
    }

    @Test
    void aShortDataOutWritesOnlyTheWholeBlocksReceived() {
        assertGood(h.exec(A, new Cdb.Write10(0, 2, false), filled(2, 'a')));
        assertGood(h.exec(A, new Cdb.Write10(0, 2, false), filled(1, 'b'))); // EDTL one block
        byte[] back = bytes(h.exec(new Cdb.Read10(0, 2, false)));
        assertThat(Arrays.copyOf(back, BS)).containsOnly('b');
        assertThat(Arrays.copyOfRange(back, BS, 2 * BS)).containsOnly('a');
        assertGood(h.exec(A, new Cdb.Write10(0, 1, false), new byte[200])); // under a block: nothing written
        assertThat(bytes(h.exec(new Cdb.Read10(0, 1, false)))).containsOnly('b');
    }

    @Test
    void writeAndVerifyWrites() {
        assertGood(h.exec(A, RawCdb.cdb10(0x2E, 0x02, 5, 1), filled(1, 9)));
        assertGood(h.exec(A, RawCdb.cdb12(0xAE, 0, 6, 1), filled(1, 8)));
        assertGood(h.exec(A, RawCdb.cdb16(0x8E, 0, 7, 1), filled(1, 7)));
        assertThat(bytes(h.exec(new Cdb.Read10(5, 3, false)))).containsExactly(concat(filled(1, 9), filled(1, 8), filled(1, 7)));
        assertSense(h.exec(A, RawCdb.cdb16(0x8E, 0, BLOCKS, 1), filled(1, 7)), Sense.LBA_OUT_OF_RANGE);
    }

    @Test
    void verifyComparesOnlyWithBytchk() {
        assertGood(h.exec(A, new Cdb.Write10(0, 2, false), filled(2, 'A')));
        byte[] wrong = filled(2, 'A');
        wrong[BS + 27] = 'C';
        assertGood(h.exec(A, RawCdb.cdb10(0x2F, 0x00, 0, 2), wrong)); // BYTCHK 0: medium check only
        assertGood(h.exec(A, RawCdb.cdb10(0x2F, 0x02, 0, 2), filled(2, 'A')));
        TaskResult r = h.exec(A, RawCdb.cdb16(0x8F, 0x02, 0, 2), wrong);
        assertSense(r, Sense.MISCOMPARE_DURING_VERIFY);
        assertThat(r.sense().information()).hasValue(BS + 27);
        r = h.exec(A, RawCdb.cdb12(0xAF, 0x06, 0, 2), filled(1, 'Z'));
        assertSense(r, Sense.MISCOMPARE_DURING_VERIFY);
        assertThat(r.sense().information()).hasValue(0);
        assertGood(h.exec(A, RawCdb.cdb12(0xAF, 0x06, 0, 2), filled(1, 'A'))); // BYTCHK 11b: one block against each
        assertSense(h.exec(A, RawCdb.cdb10(0x2F, 0x04, 0, 1), filled(1, 'A')), Sense.INVALID_FIELD_IN_CDB); // BYTCHK 10b
        assertSense(h.exec(A, RawCdb.cdb10(0x2F, 0x02, BLOCKS, 1), filled(1, 'A')), Sense.LBA_OUT_OF_RANGE);
    }

    @Test
    void compareAndWriteSwapsOnlyOnMatch() {
        assertGood(h.exec(A, new Cdb.Write16(100, 2, false), filled(2, 'A')));
        byte[] swap = concat(filled(2, 'A'), filled(2, 'B'));
        assertGood(h.exec(A, RawCdb.compareAndWrite(100, 2), swap));
        assertThat(bytes(h.exec(new Cdb.Read16(100, 2, false)))).containsOnly('B');

        byte[] mismatch = concat(filled(2, 'B'), filled(2, 'C'));
        mismatch[2 * BS - 27] = 'X';
        TaskResult r = h.exec(A, RawCdb.compareAndWrite(100, 2), mismatch);
        assertSense(r, Sense.MISCOMPARE_DURING_VERIFY);
        assertThat(r.sense().information()).hasValue(2 * BS - 27);
        assertThat(bytes(h.exec(new Cdb.Read16(100, 2, false)))).containsOnly('B');

        assertSense(h.exec(A, RawCdb.compareAndWrite(BLOCKS - 1, 2), swap), Sense.LBA_OUT_OF_RANGE);
        assertGood(h.exec(A, RawCdb.compareAndWrite(0, 0), null));
        // 256 blocks do not fit the one-byte field: libiscsi sends 0 with 2 × 256 blocks of data
        assertSense(h.exec(A, RawCdb.compareAndWrite(0, 0), filled(512, 'A')), Sense.INVALID_FIELD_IN_CDB);
        assertSense(h.exec(A, RawCdb.compareAndWrite(0, 2), filled(2, 'A')), Sense.INVALID_FIELD_IN_CDB); // half the data
    }

    @Test
    void writeSameFillsAndUnmaps() {
        assertGood(h.exec(A, RawCdb.writeSame10(0, 0, 1000), filled(1, 0x77)));
        assertThat(bytes(h.exec(new Cdb.Read10(0, 1000, false)))).containsOnly(0x77);
        assertGood(h.exec(A, new Cdb.WriteSame16(0, 1000, true, false, false), new byte[BS])); // UNMAP with zeros
        assertThat(bytes(h.exec(new Cdb.Read10(0, 1000, false)))).containsOnly(0);
        assertThat(h.lu().backstore().deallocated(0, MemoryBackstore.CHUNK)).isTrue();
        assertGood(h.exec(A, RawCdb.writeSame10(0x08, 10, 1), filled(1, 5))); // UNMAP, non-zero pattern: written
        assertThat(bytes(h.exec(new Cdb.Read10(10, 1, false)))).containsOnly(5);
        assertGood(h.exec(A, new Cdb.WriteSame16(10, 1, false, false, true), null)); // NDOB: zeros
        assertThat(bytes(h.exec(new Cdb.Read10(10, 1, false)))).containsOnly(0);
    }

    @Test
    void writeSameRefusals() {
        assertSense(h.exec(A, RawCdb.writeSame10(0, 0, 0), filled(1, 1)), Sense.INVALID_FIELD_IN_CDB); // WSNZ
        assertSense(h.exec(A, RawCdb.writeSame10(0x10, 0, 1), filled(1, 1)), Sense.INVALID_FIELD_IN_CDB); // ANCHOR
        assertSense(h.exec(A, RawCdb.writeSame10(0, BLOCKS - 1, 2), filled(1, 1)), Sense.LBA_OUT_OF_RANGE);
        assertSense(h.exec(A, new Cdb.WriteSame16(-1L, 1, false, false, false), filled(1, 1)), Sense.LBA_OUT_OF_RANGE);
        assertSense(h.exec(A, RawCdb.writeSame10(0, 0, 1), new byte[10]), Sense.PARAMETER_LIST_LENGTH_ERROR);
    }

    @Test
    void unmapChecksEveryDescriptorFirst() {
        assertGood(h.exec(A, new Cdb.Write10(0, 2, false), filled(2, 1)));
        byte[] bad = new UnmapParameterList(List.of(new UnmapParameterList.Descriptor(0, 1),
                new UnmapParameterList.Descriptor(BLOCKS, 1))).encode();
        assertSense(h.exec(A, new Cdb.Unmap(false, bad.length), bad), Sense.LBA_OUT_OF_RANGE);
        assertThat(bytes(h.exec(new Cdb.Read10(0, 1, false)))).containsOnly(1); // nothing unmapped

        byte[] good = new UnmapParameterList(List.of(new UnmapParameterList.Descriptor(0, 1))).encode();
        assertGood(h.exec(A, new Cdb.Unmap(false, good.length), good));
        assertThat(bytes(h.exec(new Cdb.Read10(0, 2, false)))).containsExactly(concat(new byte[BS], filled(1, 1)));

        assertGood(h.exec(A, new Cdb.Unmap(false, 0), null)); // no list: nothing to do
        assertSense(h.exec(A, new Cdb.Unmap(false, 4), new byte[4]), Sense.PARAMETER_LIST_LENGTH_ERROR);
        byte[] ragged = Arrays.copyOf(good, good.length);
        ScsiBytes.put16(ragged, 2, 15); // descriptor length not a multiple of 16
        assertSense(h.exec(A, new Cdb.Unmap(false, ragged.length), ragged), Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        assertSense(h.exec(A, new Cdb.Unmap(true, good.length), good), Sense.INVALID_FIELD_IN_CDB); // ANCHOR
    }

    @Test
    void getLbaStatusReportsMappedAndDeallocatedExtents() {
        long perChunk = MemoryBackstore.CHUNK / BS;
        assertGood(h.exec(A, new Cdb.Write10(perChunk, 1, false), filled(1, 1)));
        byte[] d = bytes(h.exec(RawCdb.getLbaStatus(0, 24)));
        assertThat(ScsiBytes.u32(d, 0)).isEqualTo(20);
        assertThat(ScsiBytes.u64(d, 8)).isZero();
        assertThat(ScsiBytes.u32(d, 16)).isEqualTo(perChunk);
        assertThat(d[20]).isEqualTo((byte) 1); // deallocated
        d = bytes(h.exec(RawCdb.getLbaStatus(perChunk + 3, 24)));
        assertThat(ScsiBytes.u64(d, 8)).isEqualTo(perChunk + 3);
        assertThat(ScsiBytes.u32(d, 16)).isEqualTo(perChunk - 3);
        assertThat(d[20]).isEqualTo((byte) 0); // mapped
        assertThat(bytes(h.exec(RawCdb.getLbaStatus(0, 8)))).hasSize(8);
        assertSense(h.exec(RawCdb.getLbaStatus(BLOCKS, 24)), Sense.LBA_OUT_OF_RANGE);
    }

    @Test
    void synchronizeCacheAndPrefetchCheckTheRange() {
        assertGood(h.exec(new Cdb.SynchronizeCache10(0, 0, false)));
        assertGood(h.exec(new Cdb.SynchronizeCache16(BLOCKS - 1, 1, true)));
        assertSense(h.exec(new Cdb.SynchronizeCache10(BLOCKS, 1, false)), Sense.LBA_OUT_OF_RANGE);
        assertGood(h.exec(RawCdb.cdb10(0x34, 0x02, 0, 10)));
        assertGood(h.exec(RawCdb.cdb16(0x90, 0, BLOCKS - 1, 1)));
        assertSense(h.exec(RawCdb.cdb16(0x90, 0, BLOCKS, 1)), Sense.LBA_OUT_OF_RANGE);
    }

    @Test
    void readOnlyUnitRefusesWritesWithDataProtect() {
        h.lu().setReadOnly(true);
        assertSense(h.exec(A, new Cdb.Write10(0, 1, false), filled(1, 1)), Sense.WRITE_PROTECTED);
        assertSense(h.exec(A, RawCdb.writeSame10(0, 0, 1), filled(1, 1)), Sense.WRITE_PROTECTED);
        assertSense(h.exec(A, RawCdb.compareAndWrite(0, 1), filled(2, 0)), Sense.WRITE_PROTECTED);
        assertSense(h.exec(A, new Cdb.Unmap(false, 24), new byte[24]), Sense.WRITE_PROTECTED);
        assertGood(h.exec(new Cdb.Read10(0, 1, false)));
    }

    @Test
    void malformedCdbs() {
        assertSense(h.exec(new byte[] {(byte) 0xC7, 0, 0, 0, 0, 0}), Sense.INVALID_COMMAND_OPERATION_CODE);
        assertSense(h.exec(new byte[] {0x28, 0, 0, 0}), Sense.INVALID_FIELD_IN_CDB); // READ(10) cut short
        byte[] naca = new Cdb.Read10(0, 1, false).encode();
        naca[9] = 0x04;
        assertSense(h.exec(naca), Sense.INVALID_FIELD_IN_CDB);
        byte[] unknownSa = RawCdb.getLbaStatus(0, 24);
        unknownSa[1] = 0x1F;
        assertSense(h.exec(unknownSa), Sense.INVALID_FIELD_IN_CDB); // known opcode, unknown service action
        assertSense(h.exec(new byte[0]), Sense.INVALID_COMMAND_OPERATION_CODE);
    }

    @Test
    void fileBackedUnitWorksTheSame(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        LuHarness f = LuHarness.of(LabLogicalUnit.builder("f", Backstore.file(dir.resolve("d.img"), BLOCKS * BS, BS))
                .build()).clearUa(A);
        assertGood(f.exec(A, new Cdb.Write10(7, 1, true), filled(1, 0x42)));
        assertThat(bytes(f.exec(new Cdb.Read10(7, 1, false)))).containsOnly(0x42);
        assertGood(f.exec(new Cdb.SynchronizeCache10(0, 0, false)));
        f.luns.close();
    }

    @Test
    void dataOutLengthFollowsTheCdb() {
        LabLuns l = h.luns;
        assertThat(l.dataOutLength(0, new Cdb.Write10(0, 3, false).encode())).isEqualTo(3L * BS);
        assertThat(l.dataOutLength(0, RawCdb.cdb6(0x0A, 0, 0))).isEqualTo(256L * BS);
        assertThat(l.dataOutLength(0, RawCdb.cdb16(0x8F, 0x02, 0, 4))).isEqualTo(4L * BS); // VERIFY BYTCHK 01b
        assertThat(l.dataOutLength(0, RawCdb.cdb16(0x8F, 0x06, 0, 4))).isEqualTo(BS); // BYTCHK 11b
        assertThat(l.dataOutLength(0, RawCdb.cdb16(0x8F, 0x00, 0, 4))).isZero();
        assertThat(l.dataOutLength(0, RawCdb.compareAndWrite(0, 3))).isEqualTo(6L * BS);
        assertThat(l.dataOutLength(0, RawCdb.compareAndWrite(0, 0))).isEqualTo(-1);
        assertThat(l.dataOutLength(0, new Cdb.WriteSame16(0, 9, true, false, true).encode())).isZero(); // NDOB
        assertThat(l.dataOutLength(0, RawCdb.writeSame10(0, 0, 9))).isEqualTo(BS);
        assertThat(l.dataOutLength(0, new Cdb.Unmap(false, 24).encode())).isEqualTo(24);
        assertThat(l.dataOutLength(0, new Cdb.SetTargetPortGroups(12).encode())).isEqualTo(12);
        assertThat(l.dataOutLength(0, new Cdb.Read10(0, 3, false).encode())).isEqualTo(-1);
        assertThat(l.dataOutLength(0, new byte[] {0x2A, 0})).isEqualTo(-1); // too short to read
        assertThat(l.dataOutLength(5, new Cdb.Write10(0, 3, false).encode())).isEqualTo(-1); // no such LUN
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] b = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, b, off, p.length);
            off += p.length;
        }
        return b;
    }
}
