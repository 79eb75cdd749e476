package io.mpath4j.nbd.protocol;

import java.util.Optional;

/**
 * Option codes sent by the client during option haggling (proto.md "Values / Handshake phase /
 * Option types").
 */
public enum OptionType {
    /** {@code NBD_OPT_EXPORT_NAME}: choose the export and enter transmission; no option reply. */
    EXPORT_NAME(1),
    /** {@code NBD_OPT_ABORT}: end negotiation (soft disconnect). */
    ABORT(2),
    /** {@code NBD_OPT_LIST}: list exports with {@code NBD_REP_SERVER} replies. */
    LIST(3),
    /** {@code NBD_OPT_PEEK_EXPORT}: withdrawn, not in use. */
    PEEK_EXPORT(4),
    /** {@code NBD_OPT_STARTTLS}: upgrade the connection to TLS. */
    STARTTLS(5),
    /** {@code NBD_OPT_INFO}: describe an export without entering transmission. */
    INFO(6),
    /** {@code NBD_OPT_GO}: describe an export and enter transmission on {@code NBD_REP_ACK}. */
    GO(7),
    /** {@code NBD_OPT_STRUCTURED_REPLY}: the server shall use structured replies. */
    STRUCTURED_REPLY(8),
    /** {@code NBD_OPT_LIST_META_CONTEXT} (not decoded; kept as {@link ClientOption.Unknown}). */
    LIST_META_CONTEXT(9),
    /** {@code NBD_OPT_SET_META_CONTEXT} (not decoded; kept as {@link ClientOption.Unknown}). */
    SET_META_CONTEXT(10);

    private final int code;

    OptionType(int code) {
        this.code = code;
    }

    /** The value on the wire. */
    public int code() {
        return code;
    }

    /** The constant with this wire value, if the spec defines one. */
    public static Optional<OptionType> of(int code) {
        for (OptionType v : values()) {
            if (v.code == code) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
