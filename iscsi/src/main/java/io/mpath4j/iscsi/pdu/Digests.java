package io.mpath4j.iscsi.pdu;

/**
 * Whether header and data digests are in use on a connection (HeaderDigest and DataDigest keys,
 * RFC 7143 §13.1: CRC32C or None). Digests start after the login phase completes; during login
 * they are off ({@link #NONE}).
 */
public record Digests(boolean header, boolean data) {

    public static final Digests NONE = new Digests(false, false);
    public static final Digests BOTH = new Digests(true, true);
    public static final Digests HEADER_ONLY = new Digests(true, false);
    public static final Digests DATA_ONLY = new Digests(false, true);
}
