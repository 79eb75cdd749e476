package io.mpath4j.core;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * An asynchronous block device: what applications embed, and what the NBD and FUSE exports serve.
 *
 * <p>Every operation completes with an {@link IoStatus} value, never exceptionally: a failure is
 * a typed {@link IoStatus.Failure} carrying the decoded status. Exceptions are thrown only for
 * programmer errors (a range outside the device, a read-only buffer for a read).
 */
public interface BlockDevice extends AutoCloseable {

    Geometry geometry();

    CompletableFuture<IoStatus> submit(IoRequest request);

    default CompletableFuture<IoStatus> read(long offset, ByteBuffer into) {
        return submit(new IoRequest.Read(offset, into));
    }

    default CompletableFuture<IoStatus> write(long offset, ByteBuffer from, boolean fua) {
        return submit(new IoRequest.Write(offset, from, fua));
    }

    default CompletableFuture<IoStatus> flush() {
        return submit(IoRequest.Flush.INSTANCE);
    }

    default CompletableFuture<IoStatus> discard(long offset, long length) {
        return submit(new IoRequest.Discard(offset, length));
    }

    default CompletableFuture<IoStatus> writeZeroes(long offset, long length, boolean mayUnmap) {
        return submit(new IoRequest.WriteZeroes(offset, length, mayUnmap));
    }

    /** Fails queued I/O, releases paths. Idempotent. */
    @Override
    void close();
}
