package io.mpath4j.nbd.protocol;

/** Magic numbers of the NBD protocol (proto.md "Handshake" and "Transmission"). */
public final class NbdMagic {

    private NbdMagic() {}

    /** ASCII {@code NBDMAGIC}, the {@code INIT_PASSWD}: first 8 bytes the server sends. */
    public static final long NBDMAGIC = 0x4e42444d41474943L;

    /** ASCII {@code IHAVEOPT}: newstyle greeting magic, and the magic of every client option. */
    public static final long IHAVEOPT = 0x49484156454F5054L;

    /** {@code cliserv_magic} of oldstyle negotiation (not supported; recognised to say so). */
    public static final long CLISERV_MAGIC = 0x00420281861253L;

    /** Magic of every option reply in fixed newstyle negotiation. */
    public static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;

    /** {@code NBD_REQUEST_MAGIC}. */
    public static final int REQUEST_MAGIC = 0x25609513;

    /** {@code NBD_SIMPLE_REPLY_MAGIC} (formerly {@code NBD_REPLY_MAGIC}). */
    public static final int SIMPLE_REPLY_MAGIC = 0x67446698;

    /** {@code NBD_STRUCTURED_REPLY_MAGIC}. */
    public static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;
}
