package io.mpath4j.nbd.protocol;

import java.util.Optional;

/**
 * Information types of {@code NBD_REP_INFO} replies and of the request list in {@code NBD_OPT_INFO}
 * / {@code NBD_OPT_GO} (proto.md "Option reply types", {@code NBD_REP_INFO}).
 */
public enum InfoType {
    /** {@code NBD_INFO_EXPORT}: size and transmission flags; mandatory before {@code NBD_REP_ACK}. */
    EXPORT(0),
    /** {@code NBD_INFO_NAME}: the canonical export name. */
    NAME(1),
    /** {@code NBD_INFO_DESCRIPTION}: a description for humans. */
    DESCRIPTION(2),
    /** {@code NBD_INFO_BLOCK_SIZE}: minimum, preferred and maximum block size. */
    BLOCK_SIZE(3);

    private final int code;

    InfoType(int code) {
        this.code = code;
    }

    /** The value on the wire. */
    public int code() {
        return code;
    }

    /** The constant with this wire value, if the spec defines one. */
    public static Optional<InfoType> of(int code) {
        for (InfoType v : values()) {
            if (v.code == code) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
