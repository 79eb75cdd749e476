package io.mpath4j.nbd.protocol;

import java.util.Optional;

/**
 * Error values of the error field in simple replies and error chunks (proto.md "Values /
 * Transmission phase / Error values"). Values hold the raw field; the client SHOULD treat an
 * unexpected value as if it had been {@code NBD_EINVAL} ({@link #orEinval}).
 */
public enum NbdError {
    /** {@code NBD_EPERM}: operation not permitted. */
    EPERM(1),
    /** {@code NBD_EIO}: input/output error. */
    EIO(5),
    /** {@code NBD_ENOMEM}: cannot allocate memory. */
    ENOMEM(12),
    /** {@code NBD_EINVAL}: invalid argument. */
    EINVAL(22),
    /** {@code NBD_ENOSPC}: no space left on device. */
    ENOSPC(28),
    /** {@code NBD_EOVERFLOW}: value too large. */
    EOVERFLOW(75),
    /** {@code NBD_ENOTSUP}: operation not supported. */
    ENOTSUP(95),
    /** {@code NBD_ESHUTDOWN}: the server is shutting down; the client MUST soft-disconnect. */
    ESHUTDOWN(108);

    private final int code;

    NbdError(int code) {
        this.code = code;
    }

    /** The value on the wire. */
    public int code() {
        return code;
    }

    /** The constant with this wire value, if the spec defines one. */
    public static Optional<NbdError> of(int code) {
        for (NbdError v : values()) {
            if (v.code == code) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The error for a nonzero error field, mapping values the spec does not define to {@link #EINVAL}. */
    public static NbdError orEinval(int code) {
        if (code == 0) {
            throw new IllegalArgumentException("error value 0 means success");
        }
        return of(code).orElse(EINVAL);
    }
}
