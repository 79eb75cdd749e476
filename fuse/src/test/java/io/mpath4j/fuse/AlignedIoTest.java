package io.mpath4j.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.BlockDevice;
import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.sim.SimulatedMedium;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link AlignedIo} over a device that, like a SCSI unit, rejects anything not block-aligned. */
class AlignedIoTest {

    /** An in-memory 4 KiB-block device that fails unaligned requests with ILLEGAL REQUEST and records what it saw. */
    static class StrictDevice implements BlockDevice {
        final SimulatedMedium medium;
        final List<IoRequest> seen = new ArrayList<>();

        StrictDevice(long size) {
            medium = new SimulatedMedium(size, 4096);
        }

        @Override
        public Geometry geometry() {
            return medium.geometry();
        }

        @Override
        public synchronized CompletableFuture<IoStatus> submit(IoRequest r) {
            seen.add(r);
            if (!medium.isValidRange(r.offset(), r.length()) && !(r instanceof IoRequest.Flush)) {
                return CompletableFuture.completedFuture(new IoStatus.TargetError(
                        IoStatus.TargetError.Kind.ILLEGAL_REQUEST, "unaligned " + r));
            }
            switch (r) {
                case IoRequest.Read rd -> medium.read(rd.offset(), rd.buffer());
                case IoRequest.Write w -> medium.write(w.offset(), w.buffer());
                case IoRequest.WriteZeroes z -> medium.zero(z.offset(), z.length());
                case IoRequest.Discard d -> medium.zero(d.offset(), d.length());
                case IoRequest.Flush f -> { }
            }
            return CompletableFuture.completedFuture(IoStatus.OK);
        }

        @Override
        public void close() {}
    }

    @Test
    void randomUnalignedWritesReadsAndZeroesMatchAByteArrayModel() {
        StrictDevice dev = new StrictDevice(256 << 10);
        AlignedIo io = new AlignedIo(dev);
        byte[] model = new byte[256 << 10];
        Random r = new Random(3);
        for (int i = 0; i < 500; i++) {
            int off = r.nextInt(model.length - 1);
            int len = 1 + r.nextInt(Math.min(20_000, model.length - off));
            switch (r.nextInt(3)) {
                case 0 -> {
                    byte[] data = new byte[len];
                    r.nextBytes(data);
                    System.arraycopy(data, 0, model, off, len);
                    assertThat(io.write(off, ByteBuffer.wrap(data)).isOk()).isTrue();
                }
                case 1 -> {
                    Arrays.fill(model, off, off + len, (byte) 0);
                    assertThat(io.zero(off, len, r.nextBoolean()).isOk()).isTrue();
                }
                default -> {
                    ByteBuffer into = ByteBuffer.allocateDirect(len);
                    assertThat(io.read(off, into).isOk()).isTrue();
                    byte[] got = new byte[len];
                    into.get(0, got);
                    assertThat(got).isEqualTo(Arrays.copyOfRange(model, off, off + len));
                }
            }
        }
        assertThat(dev.seen).allSatisfy(q -> assertThat(AlignedIo.aligned(q.offset(), q.length(), 4096)).isTrue());
    }

    @Test
    void alignedRequestsGoToTheDeviceOnTheCallersBufferAsTheyAre() {
        StrictDevice dev = new StrictDevice(64 << 10);
        AlignedIo io = new AlignedIo(dev);
        ByteBuffer buf = ByteBuffer.allocateDirect(8192);
        io.write(4096, buf);
        io.read(8192, buf);
        assertThat(dev.seen).hasSize(2);
        assertThat(((IoRequest.Write) dev.seen.get(0)).buffer()).isSameAs(buf);
        assertThat(((IoRequest.Read) dev.seen.get(1)).buffer()).isSameAs(buf);
    }

    @Test
    void aFailedEdgeReadFailsTheWriteWithoutWriting() {
        StrictDevice dev = new StrictDevice(64 << 10) {
            @Override
            public synchronized CompletableFuture<IoStatus> submit(IoRequest r) {
                if (r instanceof IoRequest.Read) {
                    seen.add(r);
                    return CompletableFuture.completedFuture(new IoStatus.TargetError(
                            IoStatus.TargetError.Kind.MEDIUM_ERROR, "unrecovered read error"));
                }
                return super.submit(r);
            }
        };
        IoStatus st = new AlignedIo(dev).write(100, ByteBuffer.allocate(10));
        assertThat(st).isInstanceOf(IoStatus.TargetError.class);
        assertThat(Errno.of((IoStatus.Failure) st)).isEqualTo(Errno.EIO);
        assertThat(dev.seen).noneMatch(q -> q instanceof IoRequest.Write);
    }
}
