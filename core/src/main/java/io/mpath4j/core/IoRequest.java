package io.mpath4j.core;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One block I/O as the engine and every transport see it.
 *
 * <p>Buffers are shared with the caller and are never repositioned: a path reads or fills
 * {@code buffer} from its position to its limit with absolute access (or on a duplicate), so
 * that the same request can be redriven on another path unchanged.
 */
public sealed interface IoRequest {

    /** First byte addressed; 0 for requests that address no range. */
    long offset();

    /** Bytes addressed; 0 for a flush. */
    long length();

    /**
     * True when the request changes the medium; such a request must not be redriven while the
     * path it was sent on could still execute it (see DESIGN.md, ghost writes).
     */
    default boolean modifiesMedium() {
        return false;
    }

    /** Reads {@code buffer.remaining()} bytes at {@code offset} into {@code buffer}. */
    record Read(long offset, ByteBuffer buffer) implements IoRequest {
        public Read {
            checkOffset(offset);
            Objects.requireNonNull(buffer, "buffer");
            if (buffer.isReadOnly()) {
                throw new IllegalArgumentException("read buffer is read-only");
            }
        }

        @Override
        public long length() {
            return buffer.remaining();
        }
    }

    /** Writes {@code buffer.remaining()} bytes at {@code offset}; {@code fua}: durable on completion. */
    record Write(long offset, ByteBuffer buffer, boolean fua) implements IoRequest {
        public Write {
            checkOffset(offset);
            Objects.requireNonNull(buffer, "buffer");
        }

        @Override
        public long length() {
            return buffer.remaining();
        }

        @Override
        public boolean modifiesMedium() {
            return true;
        }
    }

    /** Makes every write completed before it durable (SYNCHRONIZE CACHE, NBD_CMD_FLUSH). */
    record Flush() implements IoRequest {
        public static final Flush INSTANCE = new Flush();

        @Override
        public long offset() {
            return 0;
        }

        @Override
        public long length() {
            return 0;
        }
    }

    /** Tells the device the range is no longer needed (UNMAP, NBD_CMD_TRIM); contents become undefined. */
    record Discard(long offset, long length) implements IoRequest {
        public Discard {
            checkOffset(offset);
            checkLength(length);
        }

        @Override
        public boolean modifiesMedium() {
            return true;
        }
    }

    /** Writes zeroes over the range; {@code mayUnmap}: the device may deallocate instead. */
    record WriteZeroes(long offset, long length, boolean mayUnmap) implements IoRequest {
        public WriteZeroes {
            checkOffset(offset);
            checkLength(length);
        }

        @Override
        public boolean modifiesMedium() {
            return true;
        }
    }

    private static void checkOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
    }

    private static void checkLength(long length) {
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive, got " + length);
        }
    }
}
