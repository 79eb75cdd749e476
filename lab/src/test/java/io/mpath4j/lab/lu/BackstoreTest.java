package io.mpath4j.lab.lu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackstoreTest {

    @TempDir
    Path dir;

    private static byte[] read(Backstore s, long off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        s.read(off, b);
        return b.array();
    }

    private static void roundTrip(Backstore s) throws IOException {
        byte[] data = new byte[3 * MemoryBackstore.CHUNK / 2];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + 1);
        }
        // straddles a chunk boundary
        s.write(MemoryBackstore.CHUNK - 512, ByteBuffer.wrap(data));
        assertThat(read(s, MemoryBackstore.CHUNK - 512, data.length)).isEqualTo(data);
        assertThat(read(s, 0, 512)).isEqualTo(new byte[512]);
        s.unmap(MemoryBackstore.CHUNK - 512, 1024);
        byte[] after = read(s, MemoryBackstore.CHUNK - 512, data.length);
        assertThat(Arrays.copyOf(after, 1024)).isEqualTo(new byte[1024]);
        assertThat(Arrays.copyOfRange(after, 1024, data.length)).isEqualTo(Arrays.copyOfRange(data, 1024, data.length));
        s.flush();
    }

    @Test
    void memoryReadsZerosWritesAndUnmaps() throws IOException {
        try (Backstore s = Backstore.memory(4L * MemoryBackstore.CHUNK, 512)) {
            assertThat(s.blocks()).isEqualTo(4L * MemoryBackstore.CHUNK / 512);
            assertThat(s.deallocated(0, s.size())).isTrue();
            roundTrip(s);
            assertThat(s.deallocated(MemoryBackstore.CHUNK, 512)).isFalse();
            s.unmap(MemoryBackstore.CHUNK, MemoryBackstore.CHUNK); // a whole chunk goes away
            assertThat(s.deallocated(MemoryBackstore.CHUNK, MemoryBackstore.CHUNK)).isTrue();
        }
    }

    @Test
    void memoryShrinkThenGrowReadsZerosPastTheOldEnd() throws IOException {
        try (Backstore s = Backstore.memory(2L * MemoryBackstore.CHUNK, 512)) {
            s.write(0, ByteBuffer.wrap(LuHarness.filled(2 * MemoryBackstore.CHUNK / 512, 0x5A)));
            s.resize(MemoryBackstore.CHUNK + 512);
            s.resize(2L * MemoryBackstore.CHUNK);
            assertThat(read(s, MemoryBackstore.CHUNK, 512)).containsOnly(0x5A);
            assertThat(read(s, MemoryBackstore.CHUNK + 512, 512)).isEqualTo(new byte[512]);
        }
    }

    @Test
    void fileStoreIsSparseAndPositional() throws IOException {
        Path f = dir.resolve("lu.img");
        try (Backstore s = Backstore.file(f, 4L * MemoryBackstore.CHUNK, 512)) {
            assertThat(Files.size(f)).isEqualTo(4L * MemoryBackstore.CHUNK);
            roundTrip(s);
            s.resize(8L * MemoryBackstore.CHUNK);
            assertThat(Files.size(f)).isEqualTo(8L * MemoryBackstore.CHUNK);
        }
        try (Backstore again = Backstore.file(f, 8L * MemoryBackstore.CHUNK, 512)) {
            assertThat(read(again, MemoryBackstore.CHUNK + 512, 1)[0]).isNotZero(); // the data survived
        }
    }

    @Test
    void sizesAreChecked() {
        assertThatThrownBy(() -> Backstore.memory(1000, 512)).hasMessageContaining("multiple of the block size");
        assertThatThrownBy(() -> Backstore.memory(4096, 1000)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> Backstore.memory(0, 512)).isInstanceOf(IllegalArgumentException.class);
    }
}
