package io.mpath4j.fuse;

import io.mpath4j.core.IoStatus;

/**
 * The errno values the FUSE operations return (negated, as libfuse's high-level API wants), and
 * the one place that turns an {@link IoStatus} into one: a file has no richer way to report an
 * error than errno, so the decoded status goes to the log instead.
 */
final class Errno {

    private Errno() {}

    // <asm-generic/errno-base.h>, <asm-generic/errno.h>: identical on every Linux architecture we run on.
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EIO = 5;
    static final int EBADF = 9;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EINVAL = 22;
    static final int EFBIG = 27;
    static final int ENOSPC = 28;
    static final int EROFS = 30;
    static final int ENOTCONN = 107;
    static final int EOPNOTSUPP = 95;

    /** The positive errno for a failed I/O. */
    static int of(IoStatus.Failure failure) {
        return switch (failure) {
            case IoStatus.TargetError t -> switch (t.kind()) {
                case MEDIUM_ERROR, OTHER -> EIO;
                case ILLEGAL_REQUEST -> EINVAL;
                case WRITE_PROTECTED -> EROFS;
                case NO_SPACE -> ENOSPC;
                case NOT_PERMITTED -> EPERM;
            };
            case IoStatus.ReservationConflict r -> EACCES;
            // The remaining failures are "no path could do it" (after the no-path policy, the
            // deadline or closing): EIO, like the kernel's dm-multipath when it stops queueing.
            case IoStatus.PathError p -> EIO;
            case IoStatus.RetryLater r -> EIO;
            case IoStatus.NoPathAvailable n -> EIO;
            case IoStatus.DeadlineExceeded d -> EIO;
            case IoStatus.DeviceClosed c -> EIO;
        };
    }
}
