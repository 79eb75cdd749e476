package io.mpath4j.nbd.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Values to bytes, in network byte order, laid out as proto.md describes each message (see the
 * value types). Each message has {@code encodedLength(x)}, {@code encode(x, out)} which writes at
 * the position of {@code out} (whatever its byte order) and advances it, and {@code encode(x)}
 * which returns a new buffer ready to be written (position 0, limit at the end).
 *
 * <p>Values validate themselves when constructed, so encoding cannot fail except for lack of room
 * ({@link java.nio.BufferOverflowException}).
 */
public final class NbdEncoder {

    private NbdEncoder() {}

    // ---- handshake ----

    public static int encodedLength(ServerGreeting g) {
        return ServerGreeting.LENGTH;
    }

    /** {@code NBDMAGIC}, {@code IHAVEOPT}, 16 bits handshake flags. */
    public static void encode(ServerGreeting g, ByteBuffer out) {
        ByteOrder order = out.order();
        out.order(ByteOrder.BIG_ENDIAN);
        try {
            out.putLong(NbdMagic.NBDMAGIC).putLong(NbdMagic.IHAVEOPT).putShort((short) g.handshakeFlags());
        } finally {
            out.order(order);
        }
    }

    public static ByteBuffer encode(ServerGreeting g) {
        ByteBuffer b = ByteBuffer.allocate(encodedLength(g));
        encode(g, b);
        return b.flip();
    }

    public static int encodedLength(ClientFlags f) {
        return ClientFlags.LENGTH;
    }

    /** 32 bits client flags. */
    public static void encode(ClientFlags f, ByteBuffer out) {
        ByteOrder order = out.order();
        out.order(ByteOrder.BIG_ENDIAN);
        try {
            out.putInt(f.flags());
        } finally {
            out.order(order);
        }
    }

    public static ByteBuffer encode(ClientFlags f) {
        ByteBuffer b = ByteBuffer.allocate(encodedLength(f));
        encode(f, b);
        return b.flip();
    }

    // ---- option haggling ----

    /** Header of a client option: {@code IHAVEOPT}, option, length. */
    public static final int OPTION_HEADER_LENGTH = 16;

    /** Header of an option reply: magic, option, reply type, length. */
    public static final int OPTION_REPLY_HEADER_LENGTH = 20;

    public static int encodedLength(ClientOption o) {
        return OPTION_HEADER_LENGTH + optionData(o).length;
    }

    /** {@code IHAVEOPT}, 32 bits option, 32 bits length, data. */
    public static void encode(ClientOption o, ByteBuffer out) {
        byte[] data = optionData(o);
        ByteOrder order = out.order();
        out.order(ByteOrder.BIG_ENDIAN);
        try {
            out.putLong(NbdMagic.IHAVEOPT).putInt(o.code()).putInt(data.length).put(data);
        } finally {
            out.order(order);
        }
    }

    public static ByteBuffer encode(ClientOption o) {
        byte[] data = optionData(o);
        ByteBuffer b = ByteBuffer.allocate(OPTION_HEADER_LENGTH + data.length);
        b.putLong(NbdMagic.IHAVEOPT).putInt(o.code()).putInt(data.length).put(data);
        return b.flip();
    }

    private static byte[] optionData(ClientOption o) {
        return switch (o) {
            case ClientOption.ExportName e -> Wire.utf8("export name", e.name());
            case ClientOption.Abort a -> Wire.EMPTY;
            case ClientOption.ListExports l -> Wire.EMPTY;
            case ClientOption.StartTls s -> Wire.EMPTY;
            case ClientOption.StructuredReply s -> Wire.EMPTY;
            case ClientOption.ExportQuery q -> {
                byte[] name = Wire.utf8("export name", q.name());
                ByteBuffer b = ByteBuffer.allocate(4 + name.length + 2 + 2 * q.infoRequests().size());
                b.putInt(name.length).put(name).putShort((short) q.infoRequests().size());
                for (int r : q.infoRequests()) {
                    b.putShort((short) r);
                }
                yield b.array();
            }
            case ClientOption.Unknown u -> u.data();
        };
    }

    public static int encodedLength(OptionReply r) {
        return OPTION_REPLY_HEADER_LENGTH + replyData(r).length;
    }

    /** Magic {@code 0x3e889045565a9}, 32 bits option, 32 bits reply type, 32 bits length, data. */
    public static void encode(OptionReply r, ByteBuffer out) {
        byte[] data = replyData(r);
        ByteOrder order = out.order();
        out.order(ByteOrder.BIG_ENDIAN);
        try {
            out.putLong(NbdMagic.OPTION_REPLY_MAGIC).putInt(r.option()).putInt(r.type()).putInt(data.length).put(data);
        } finally {
            out.order(order);
        }
    }

    public static ByteBuffer encode(OptionReply r) {
        byte[] data = replyData(r);
        ByteBuffer b = ByteBuffer.allocate(OPTION_REPLY_HEADER_LENGTH + data.length);
        b.putLong(NbdMagic.OPTION_REPLY_MAGIC).putInt(r.option()).putInt(r.type()).putInt(data.length).put(data);
        return b.flip();
    }

    private static byte[] replyData(OptionReply r) {
        return switch (r) {
            case OptionReply.Ack a -> Wire.EMPTY;
            case OptionReply.Server s -> {
                byte[] name = Wire.utf8("export name", s.name());
                byte[] desc = Wire.utf8("description", s.description());
                yield ByteBuffer.allocate(4 + name.length + desc.length).putInt(name.length).put(name).put(desc).array();
            }
            case OptionReply.Info i -> infoData(i.item());
            case OptionReply.ErrorReply e -> Wire.utf8("error message", e.message());
            case OptionReply.Unknown u -> u.data();
        };
    }

    /** 16 bits information type, then its payload. */
    private static byte[] infoData(InfoItem item) {
        return switch (item) {
            case InfoItem.Export e -> ByteBuffer.allocate(12)
                    .putShort((short) e.type()).putLong(e.size()).putShort((short) e.transmissionFlags()).array();
            case InfoItem.Name n -> prefixed(n.type(), Wire.utf8("export name", n.name()));
            case InfoItem.Description d -> prefixed(d.type(), Wire.utf8("description", d.description()));
            case InfoItem.BlockSize s -> ByteBuffer.allocate(14).putShort((short) s.type())
                    .putInt((int) s.minimum()).putInt((int) s.preferred()).putInt((int) s.maximum()).array();
            case InfoItem.Unknown u -> prefixed(u.type(), u.data());
        };
    }

    private static byte[] prefixed(int type, byte[] payload) {
        return ByteBuffer.allocate(2 + payload.length).putShort((short) type).put(payload).array();
    }

    public static int encodedLength(ExportNameReply r, boolean noZeroes) {
        return ExportNameReply.LENGTH + (noZeroes ? 0 : ExportNameReply.ZERO_PAD);
    }

    /**
     * 64 bits size, 16 bits transmission flags, and 124 zero bytes unless {@code noZeroes} (the
     * client set {@code NBD_FLAG_C_NO_ZEROES}).
     */
    public static void encode(ExportNameReply r, boolean noZeroes, ByteBuffer out) {
        ByteOrder order = out.order();
        out.order(ByteOrder.BIG_ENDIAN);
        try {
            out.putLong(r.size()).putShort((short) r.transmissionFlags());
            if (!noZeroes) {
                out.put(new byte[ExportNameReply.ZERO_PAD]);
            }
        } finally {
            out.order(order);
        }
    }

    public static ByteBuffer encode(ExportNameReply r, boolean noZeroes) {
        ByteBuffer b = ByteBuffer.allocate(encodedLength(r, noZeroes));
        encode(r, noZeroes, b);
        return b.flip();
    }

    // ---- transmission ----

    public static int encodedLength(Request r) {
        return r.encodedLength();
    }

    /** Magic, 16 bits flags, 16 bits type, 64 bits handle, 64 bits offset, 32 bits length, data. */
    public static void encode(Request r, ByteBuffer out) {
        ByteOrder order = out.order();
        out.order(ByteOrder.BIG_ENDIAN);
        try {
            out.putInt(NbdMagic.REQUEST_MAGIC).putShort((short) r.flags()).putShort((short) r.type())
                    .putLong(r.handle()).putLong(r.offset()).putInt((int) r.length()).put(r.dataUnsafe());
        } finally {
            out.order(order);
        }
    }

    /**
     * The 28-byte header of a request without its data (magic, flags, type, handle, offset,
     * length), for a client that sends a write's data straight from its own buffer rather than
     * copying it into a {@link Request}. The values are checked as {@link Request} checks them.
     */
    public static void encodeRequestHeader(int flags, int type, long handle, long offset, long length, ByteBuffer out) {
        Wire.checkU16("command flags", flags);
        Wire.checkU16("request type", type);
        Wire.checkU32("length", length);
        ByteOrder order = out.order();
        out.order(ByteOrder.BIG_ENDIAN);
        try {
            out.putInt(NbdMagic.REQUEST_MAGIC).putShort((short) flags).putShort((short) type)
                    .putLong(handle).putLong(offset).putInt((int) length);
        } finally {
            out.order(order);
        }
    }

    public static ByteBuffer encode(Request r) {
        ByteBuffer b = ByteBuffer.allocate(encodedLength(r));
        encode(r, b);
        return b.flip();
    }

    public static int encodedLength(Reply r) {
        return switch (r) {
            case SimpleReply s -> SimpleReply.HEADER_LENGTH + s.dataLength();
            case ReplyChunk c -> ReplyChunk.HEADER_LENGTH + chunkPayloadLength(c);
        };
    }

    /**
     * A simple reply (magic, 32 bits error, 64 bits handle, data) or a structured reply chunk
     * (magic, 16 bits flags, 16 bits type, 64 bits handle, 32 bits length, payload).
     */
    public static void encode(Reply r, ByteBuffer out) {
        ByteOrder order = out.order();
        out.order(ByteOrder.BIG_ENDIAN);
        try {
            switch (r) {
                case SimpleReply s -> out.putInt(NbdMagic.SIMPLE_REPLY_MAGIC).putInt(s.error()).putLong(s.handle())
                        .put(s.dataUnsafe());
                case ReplyChunk c -> {
                    out.putInt(NbdMagic.STRUCTURED_REPLY_MAGIC).putShort((short) c.flags()).putShort((short) c.type())
                            .putLong(c.handle()).putInt(chunkPayloadLength(c));
                    chunkPayload(c, out);
                }
            }
        } finally {
            out.order(order);
        }
    }

    public static ByteBuffer encode(Reply r) {
        ByteBuffer b = ByteBuffer.allocate(encodedLength(r));
        encode(r, b);
        return b.flip();
    }

    private static int chunkPayloadLength(ReplyChunk c) {
        return switch (c) {
            case ReplyChunk.None n -> 0;
            case ReplyChunk.OffsetData d -> 8 + d.dataLength();
            case ReplyChunk.OffsetHole h -> 12;
            case ReplyChunk.ErrorChunk e -> 6 + Wire.utf8("error message", e.message()).length;
            case ReplyChunk.ErrorOffset e -> 14 + Wire.utf8("error message", e.message()).length;
            case ReplyChunk.UnknownError u -> 6 + Wire.utf8("error message", u.message()).length + u.rest().length;
        };
    }

    private static void chunkPayload(ReplyChunk c, ByteBuffer out) {
        switch (c) {
            case ReplyChunk.None n -> {}
            case ReplyChunk.OffsetData d -> out.putLong(d.offset()).put(d.dataUnsafe());
            case ReplyChunk.OffsetHole h -> out.putLong(h.offset()).putInt((int) h.size());
            case ReplyChunk.ErrorChunk e -> errorHead(e.error(), e.message(), out);
            case ReplyChunk.ErrorOffset e -> {
                errorHead(e.error(), e.message(), out);
                out.putLong(e.offset());
            }
            case ReplyChunk.UnknownError u -> {
                errorHead(u.error(), u.message(), out);
                out.put(u.rest());
            }
        }
    }

    /** 32 bits error, 16 bits message length, message: the start of every error chunk. */
    private static void errorHead(int error, String message, ByteBuffer out) {
        byte[] m = Wire.utf8("error message", message);
        out.putInt(error).putShort((short) m.length).put(m);
    }
}
