package io.mpath4j.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.mpath4j.core.Geometry;
import io.mpath4j.core.IoRequest;
import io.mpath4j.core.IoStatus;
import io.mpath4j.core.path.CheckerState;
import io.mpath4j.core.path.PathIdentity;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NullPathTest {

    private final NullPath path = new NullPath(PathIdentity.of("null:0", "w"), new Geometry(1 << 20, 512, 512, 0));

    @Test
    void completesInlineWithOkWithoutTouchingTheBuffer() {
        ByteBuffer buf = ByteBuffer.allocate(1024).put(0, (byte) 7).position(512);
        List<IoStatus> done = new ArrayList<>();
        path.submit(new IoRequest.Read(0, buf), done::add);
        assertThat(done).containsExactly(IoStatus.OK);
        assertThat(buf.get(0)).isEqualTo((byte) 7);
        assertThat(buf.position()).isEqualTo(512);
        assertThat(path.check().toCompletableFuture().join().state()).isEqualTo(CheckerState.READY);
    }

    @Test
    void failsWithAPathErrorAfterClose() {
        path.close();
        List<IoStatus> done = new ArrayList<>();
        path.submit(IoRequest.Flush.INSTANCE, done::add);
        assertThat(done).singleElement().isInstanceOf(IoStatus.PathError.class);
        assertThat(path.check().toCompletableFuture().join().state()).isEqualTo(CheckerState.FAULTY);
    }
}
