package io.mpath4j.nbd.protocol;

import java.util.Optional;

/**
 * Option reply types (proto.md "Values / Handshake phase / Option reply types"). Error replies
 * have bit 31 set; every reply whose type has bit 31 set is an error, known or not.
 */
public enum OptionReplyType {
    /** {@code NBD_REP_ACK}: the option succeeded, or a list is complete. No data. */
    ACK(1),
    /** {@code NBD_REP_SERVER}: one export of an {@code NBD_OPT_LIST}. */
    SERVER(2),
    /** {@code NBD_REP_INFO}: one information item for {@code NBD_OPT_INFO} / {@code NBD_OPT_GO}. */
    INFO(3),
    /** {@code NBD_REP_META_CONTEXT} (not decoded; kept as {@link OptionReply.Unknown}). */
    META_CONTEXT(4),
    /** {@code NBD_REP_ERR_UNSUP}: the option is unknown to this server. */
    ERR_UNSUP(0x80000000 | 1),
    /** {@code NBD_REP_ERR_POLICY}: forbidden by server policy. */
    ERR_POLICY(0x80000000 | 2),
    /** {@code NBD_REP_ERR_INVALID}: syntactically or semantically invalid. */
    ERR_INVALID(0x80000000 | 3),
    /** {@code NBD_REP_ERR_PLATFORM}: not supported on the server platform. */
    ERR_PLATFORM(0x80000000 | 4),
    /** {@code NBD_REP_ERR_TLS_REQD}: TLS must be initiated first. */
    ERR_TLS_REQD(0x80000000 | 5),
    /** {@code NBD_REP_ERR_UNKNOWN}: the requested export is not available. */
    ERR_UNKNOWN(0x80000000 | 6),
    /** {@code NBD_REP_ERR_SHUTDOWN}: the server is shutting down; the client MUST soft-disconnect. */
    ERR_SHUTDOWN(0x80000000 | 7),
    /** {@code NBD_REP_ERR_BLOCK_SIZE_REQD}: request {@code NBD_INFO_BLOCK_SIZE} before transmission. */
    ERR_BLOCK_SIZE_REQD(0x80000000 | 8),
    /** {@code NBD_REP_ERR_TOO_BIG}: the request or the reply is too large. */
    ERR_TOO_BIG(0x80000000 | 9);

    private final int code;

    OptionReplyType(int code) {
        this.code = code;
    }

    /** The value on the wire. */
    public int code() {
        return code;
    }

    /** The constant with this wire value, if the spec defines one. */
    public static Optional<OptionReplyType> of(int code) {
        for (OptionReplyType v : values()) {
            if (v.code == code) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** True for error reply types (bit 31 set). */
    public boolean isError() {
        return isError(code);
    }

    /** True if {@code type} is an error reply type (bit 31 set), known or not. */
    public static boolean isError(int type) {
        return (type & 0x80000000) != 0;
    }
}
