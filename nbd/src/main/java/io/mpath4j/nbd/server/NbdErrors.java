package io.mpath4j.nbd.server;

import io.mpath4j.core.IoStatus;
import io.mpath4j.nbd.protocol.NbdError;

/**
 * How the server reports an {@link IoStatus.Failure} to an NBD client. NBD has only a handful of
 * error values (proto.md "Error values"), so the mapping is coarse:
 *
 * <table>
 *   <caption>IoStatus to NBD error</caption>
 *   <tr><th>status</th><th>NBD error</th></tr>
 *   <tr><td>{@code TargetError(MEDIUM_ERROR)}</td><td>{@code NBD_EIO}</td></tr>
 *   <tr><td>{@code TargetError(ILLEGAL_REQUEST)}</td><td>{@code NBD_EINVAL}</td></tr>
 *   <tr><td>{@code TargetError(WRITE_PROTECTED)}, {@code TargetError(NOT_PERMITTED)}</td><td>{@code NBD_EPERM}</td></tr>
 *   <tr><td>{@code TargetError(NO_SPACE)}</td><td>{@code NBD_ENOSPC}</td></tr>
 *   <tr><td>{@code TargetError(OTHER)}</td><td>{@code NBD_EIO}</td></tr>
 *   <tr><td>{@code ReservationConflict}</td><td>{@code NBD_EIO} (NBD has no reservation error;
 *       Linux reports it as an I/O error too)</td></tr>
 *   <tr><td>{@code PathError}, {@code RetryLater}, {@code NoPathAvailable}, {@code DeadlineExceeded},
 *       {@code DeviceClosed}</td><td>{@code NBD_EIO}</td></tr>
 *   <tr><td>the device threw or completed exceptionally (a bug)</td><td>{@code NBD_EIO}</td></tr>
 * </table>
 *
 * <p>{@code NBD_ESHUTDOWN} is not used for {@code DeviceClosed}: it would tell the client to
 * disconnect cleanly, but the server keeps running and other exports may be fine.
 */
public final class NbdErrors {

    private NbdErrors() {}

    public static NbdError of(IoStatus.Failure failure) {
        return switch (failure) {
            case IoStatus.TargetError t -> switch (t.kind()) {
                case MEDIUM_ERROR, OTHER -> NbdError.EIO;
                case ILLEGAL_REQUEST -> NbdError.EINVAL;
                case WRITE_PROTECTED, NOT_PERMITTED -> NbdError.EPERM;
                case NO_SPACE -> NbdError.ENOSPC;
            };
            case IoStatus.ReservationConflict r -> NbdError.EIO;
            case IoStatus.PathError p -> NbdError.EIO;
            case IoStatus.RetryLater r -> NbdError.EIO;
            case IoStatus.NoPathAvailable n -> NbdError.EIO;
            case IoStatus.DeadlineExceeded d -> NbdError.EIO;
            case IoStatus.DeviceClosed c -> NbdError.EIO;
        };
    }
}
