package io.mpath4j.iscsi.login;

import java.util.Locale;

/**
 * What the initiator offers for HeaderDigest or DataDigest (RFC 7143 §13.1, a LIST key: the target
 * picks the first value of our list it supports). {@link #REQUIRED} offers CRC32C alone, and a
 * login whose result is still None fails (the target answered Reject, or a non-conforming None).
 */
public enum DigestOffer {
    /** {@code None}: never digests. */
    NONE("None", "none"),
    /** {@code None,CRC32C}: none unless the target insists on CRC32C. */
    ALLOWED("None,CRC32C", "none-crc32c"),
    /** {@code CRC32C,None}: CRC32C unless the target cannot. */
    PREFERRED("CRC32C,None", "crc32c-none"),
    /** {@code CRC32C}: CRC32C or no login. */
    REQUIRED("CRC32C", "crc32c");

    private final String offer;
    private final String uriValue;

    DigestOffer(String offer, String uriValue) {
        this.offer = offer;
        this.uriValue = uriValue;
    }

    /** The value as sent in the Login Request. */
    public String offer() {
        return offer;
    }

    /**
     * The spelling in an iSCSI URI's {@code header_digest} / {@code data_digest} parameter, as
     * libiscsi spells {@code header_digest}: none, none-crc32c, crc32c-none, crc32c.
     */
    public String uriValue() {
        return uriValue;
    }

    /** Parses a URI value (case-insensitive); a clear error names the accepted ones. */
    public static DigestOffer ofUriValue(String parameter, String value) {
        for (DigestOffer d : values()) {
            if (d.uriValue.equals(value.toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException(parameter + "=" + value
                + ": expected none, none-crc32c, crc32c-none or crc32c");
    }
}
