package io.mpath4j.nbd.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Decodes what a server sends, for use by a client: the greeting, option replies, the reply to
 * {@code NBD_OPT_EXPORT_NAME}, and simple and structured replies during transmission. The caller
 * knows the phase and calls the matching method.
 *
 * <p>Every method is incremental and pure: given the bytes received so far (from the buffer's
 * position to its limit, in any byte order setting), it returns the message and advances the
 * position past exactly its bytes if the whole message is there, or returns {@code null} and leaves
 * the position alone if more bytes are needed. Malformed input throws {@link NbdProtocolException}
 * (and nothing else), after which the connection is to be dropped. A length over a limit is
 * rejected as soon as the header is seen, before waiting for or allocating the data.
 *
 * <p>Instances hold only their limits and are safe to share.
 */
public final class NbdClientDecoder {

    private final NbdLimits limits;

    public NbdClientDecoder() {
        this(NbdLimits.DEFAULT);
    }

    public NbdClientDecoder(NbdLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public NbdLimits limits() {
        return limits;
    }

    /**
     * The newstyle greeting (proto.md "Newstyle negotiation"): {@code NBDMAGIC}, {@code IHAVEOPT},
     * 16 bits handshake flags. An oldstyle server (second magic {@code cliserv_magic}) is rejected
     * with a message saying so; unknown handshake flags are kept (the client SHOULD ignore them).
     */
    public ServerGreeting decodeGreeting(ByteBuffer in) throws NbdProtocolException {
        if (in.remaining() < ServerGreeting.LENGTH) {
            return null;
        }
        ByteBuffer b = view(in);
        long magic = b.getLong();
        if (magic != NbdMagic.NBDMAGIC) {
            throw new NbdProtocolException("bad greeting magic " + Wire.hex64(magic) + ", expected NBDMAGIC "
                    + Wire.hex64(NbdMagic.NBDMAGIC));
        }
        long second = b.getLong();
        if (second == NbdMagic.CLISERV_MAGIC) {
            throw new NbdProtocolException("the server uses oldstyle negotiation (cliserv_magic "
                    + Wire.hex64(second) + "), which is not supported");
        }
        if (second != NbdMagic.IHAVEOPT) {
            throw new NbdProtocolException("bad greeting magic " + Wire.hex64(second) + " after NBDMAGIC, expected IHAVEOPT "
                    + Wire.hex64(NbdMagic.IHAVEOPT));
        }
        int flags = Short.toUnsignedInt(b.getShort());
        in.position(in.position() + ServerGreeting.LENGTH);
        return new ServerGreeting(flags);
    }

    /**
     * One option reply (proto.md "Fixed newstyle negotiation": magic {@code 0x3e889045565a9},
     * option, reply type, length, data), with the data decoded per "Option reply types". Error
     * types (bit 31 set) become {@link OptionReply.ErrorReply} whether known or not; other types
     * this codec does not decode become {@link OptionReply.Unknown}.
     */
    public OptionReply decodeOptionReply(ByteBuffer in) throws NbdProtocolException {
        if (in.remaining() < NbdEncoder.OPTION_REPLY_HEADER_LENGTH) {
            return null;
        }
        ByteBuffer b = view(in);
        long magic = b.getLong();
        if (magic != NbdMagic.OPTION_REPLY_MAGIC) {
            throw new NbdProtocolException("bad option reply magic " + Wire.hex64(magic) + ", expected "
                    + Wire.hex64(NbdMagic.OPTION_REPLY_MAGIC));
        }
        int option = b.getInt();
        int type = b.getInt();
        long length = Integer.toUnsignedLong(b.getInt());
        if (length > limits.maxOptionLength()) {
            throw new NbdProtocolException("option reply " + Wire.hex32(type) + " to option "
                    + Integer.toUnsignedString(option) + " has length " + length + ", over the limit of "
                    + limits.maxOptionLength());
        }
        int len = (int) length;
        if (b.remaining() < len) {
            return null;
        }
        ByteBuffer data = b.slice(b.position(), len).order(ByteOrder.BIG_ENDIAN);
        OptionReply reply = parseOptionReply(option, type, data);
        in.position(in.position() + NbdEncoder.OPTION_REPLY_HEADER_LENGTH + len);
        return reply;
    }

    private OptionReply parseOptionReply(int option, int type, ByteBuffer data) throws NbdProtocolException {
        int len = data.remaining();
        if (OptionReplyType.isError(type)) {
            return new OptionReply.ErrorReply(option, type, readString(data, len, "error message"));
        }
        return switch (OptionReplyType.of(type).orElse(null)) {
            case ACK -> {
                if (len != 0) {
                    throw new NbdProtocolException("NBD_REP_ACK carries no data, but has " + len + " bytes");
                }
                yield new OptionReply.Ack(option);
            }
            case SERVER -> {
                if (len < 4) {
                    throw new NbdProtocolException("NBD_REP_SERVER length " + len + " is shorter than its 4-byte name length");
                }
                long nameLength = Integer.toUnsignedLong(data.getInt());
                if (nameLength > len - 4) {
                    throw new NbdProtocolException("NBD_REP_SERVER name length " + nameLength
                            + " is larger than the reply length " + len + " - 4");
                }
                String name = readString(data, (int) nameLength, "export name");
                String description = readString(data, data.remaining(), "export description");
                yield new OptionReply.Server(option, name, description);
            }
            case INFO -> new OptionReply.Info(option, parseInfo(data));
            case null, default -> new OptionReply.Unknown(option, type, Wire.readBytes(data, len));
        };
    }

    /** proto.md {@code NBD_REP_INFO}: 16 bits information type, payload; lengths include the type. */
    private InfoItem parseInfo(ByteBuffer data) throws NbdProtocolException {
        int len = data.remaining();
        if (len < 2) {
            throw new NbdProtocolException("NBD_REP_INFO length " + len + " is shorter than its 2-byte information type");
        }
        int type = Short.toUnsignedInt(data.getShort());
        return switch (InfoType.of(type).orElse(null)) {
            case EXPORT -> {
                exactLength("NBD_INFO_EXPORT", len, 12);
                long size = data.getLong();
                int flags = Short.toUnsignedInt(data.getShort());
                checkTransmissionFlags(flags);
                yield new InfoItem.Export(size, flags);
            }
            case NAME -> new InfoItem.Name(readString(data, len - 2, "export name"));
            case DESCRIPTION -> new InfoItem.Description(readString(data, len - 2, "export description"));
            case BLOCK_SIZE -> {
                exactLength("NBD_INFO_BLOCK_SIZE", len, 14);
                long min = Integer.toUnsignedLong(data.getInt());
                long preferred = Integer.toUnsignedLong(data.getInt());
                long max = Integer.toUnsignedLong(data.getInt());
                String problem = InfoItem.BlockSize.problem(min, preferred, max);
                if (problem != null) {
                    throw new NbdProtocolException("NBD_INFO_BLOCK_SIZE: " + problem);
                }
                yield new InfoItem.BlockSize(min, preferred, max);
            }
            // "the client MUST ignore information types that it does not recognize": keep them
            case null -> new InfoItem.Unknown(type, Wire.readBytes(data, len - 2));
        };
    }

    private static void exactLength(String what, int len, int expected) throws NbdProtocolException {
        if (len != expected) {
            throw new NbdProtocolException(what + " length MUST be " + expected + ", got " + len);
        }
    }

    /**
     * The server's answer to {@code NBD_OPT_EXPORT_NAME} (proto.md "Newstyle negotiation"): 64
     * bits size, 16 bits transmission flags, then 124 reserved zero bytes (not checked) unless the
     * client set {@code NBD_FLAG_C_NO_ZEROES}.
     *
     * @param noZeroes true if the client set {@code NBD_FLAG_C_NO_ZEROES} (the server having
     *     advertised {@code NBD_FLAG_NO_ZEROES})
     */
    public ExportNameReply decodeExportNameReply(ByteBuffer in, boolean noZeroes) throws NbdProtocolException {
        int total = ExportNameReply.LENGTH + (noZeroes ? 0 : ExportNameReply.ZERO_PAD);
        if (in.remaining() < total) {
            return null;
        }
        ByteBuffer b = view(in);
        long size = b.getLong();
        int flags = Short.toUnsignedInt(b.getShort());
        checkTransmissionFlags(flags);
        in.position(in.position() + total);
        return new ExportNameReply(size, flags);
    }

    private static void checkTransmissionFlags(int flags) throws NbdProtocolException {
        if (!TransmissionFlag.HAS_FLAGS.in(flags)) {
            throw new NbdProtocolException("transmission flags " + Wire.hex32(flags)
                    + " lack NBD_FLAG_HAS_FLAGS, which MUST always be 1");
        }
    }

    /**
     * One transmission-phase reply: a simple reply (proto.md "Simple reply message") or a
     * structured reply chunk ("Structured reply chunk message"), told apart by the magic. The
     * handle of either must be in flight: {@code inFlight} returns {@link
     * ExpectedReadLength#UNKNOWN_HANDLE} otherwise, and for a simple reply with error 0 it gives
     * the number of data bytes that follow (the read length, 0 for other requests), which must not
     * be over {@link NbdLimits#maxPayload()}.
     *
     * <p>Structured chunks (proto.md "Structured reply types"): lengths are checked as the spec
     * states them ({@code NONE} 0 and with {@code NBD_REPLY_FLAG_DONE}, {@code OFFSET_DATA} at least
     * 9, {@code OFFSET_HOLE} exactly 12 with a nonzero size, {@code ERROR} 6 + message length,
     * {@code ERROR_OFFSET} 14 + message length, error nonzero). An unknown type with bit 15 set is
     * an error chunk and is returned as {@link ReplyChunk.UnknownError} if its message length fits;
     * any other unknown or unexpected type (including {@code NBD_REPLY_TYPE_BLOCK_STATUS}, since no
     * metadata context is negotiated through this codec) "MUST initiate a hard disconnect", so it is
     * an {@link NbdProtocolException}. Whether structured replies were negotiated is for the caller
     * to check.
     */
    public Reply decodeReply(ByteBuffer in, ExpectedReadLength inFlight) throws NbdProtocolException {
        Objects.requireNonNull(inFlight, "inFlight");
        if (in.remaining() < 4) {
            return null;
        }
        ByteBuffer b = view(in);
        int magic = b.getInt(0);
        if (magic == NbdMagic.SIMPLE_REPLY_MAGIC) {
            return decodeSimple(in, b, inFlight);
        }
        if (magic == NbdMagic.STRUCTURED_REPLY_MAGIC) {
            return decodeChunk(in, b, inFlight);
        }
        throw new NbdProtocolException("bad reply magic " + Wire.hex32(magic) + ", expected simple "
                + Wire.hex32(NbdMagic.SIMPLE_REPLY_MAGIC) + " or structured " + Wire.hex32(NbdMagic.STRUCTURED_REPLY_MAGIC));
    }

    /**
     * The 16-byte header of a simple reply only (proto.md "Simple reply message": magic, 32 bits
     * error, 64 bits handle), for a client that did not negotiate structured replies and reads the
     * data of a successful {@code NBD_CMD_READ} reply itself, straight into its own buffer. Returns
     * a {@link SimpleReply} without data, or {@code null} (nothing consumed) until 16 bytes are
     * there. Whether the handle is in flight, and how many data bytes follow, is for the caller to
     * decide. A structured reply chunk magic is an {@link NbdProtocolException} here: "a server
     * MUST NOT send structured replies unless the client negotiated them".
     */
    public SimpleReply decodeSimpleReplyHeader(ByteBuffer in) throws NbdProtocolException {
        if (in.remaining() < SimpleReply.HEADER_LENGTH) {
            return null;
        }
        ByteBuffer b = view(in);
        int magic = b.getInt();
        if (magic != NbdMagic.SIMPLE_REPLY_MAGIC) {
            if (magic == NbdMagic.STRUCTURED_REPLY_MAGIC) {
                throw new NbdProtocolException("structured reply chunk received, but structured replies were not negotiated");
            }
            throw new NbdProtocolException("bad reply magic " + Wire.hex32(magic) + ", expected simple "
                    + Wire.hex32(NbdMagic.SIMPLE_REPLY_MAGIC));
        }
        int error = b.getInt();
        long handle = b.getLong();
        in.position(in.position() + SimpleReply.HEADER_LENGTH);
        return new SimpleReply(handle, error, null);
    }

    private SimpleReply decodeSimple(ByteBuffer in, ByteBuffer b, ExpectedReadLength inFlight) throws NbdProtocolException {
        if (b.remaining() < SimpleReply.HEADER_LENGTH) {
            return null;
        }
        b.getInt();
        int error = b.getInt();
        long handle = b.getLong();
        long expected = inFlight.dataLength(handle);
        if (expected < 0) {
            throw new NbdProtocolException("simple reply for handle " + Wire.hex64(handle) + ", which is not in flight");
        }
        byte[] data = null;
        if (error == 0 && expected > 0) {
            if (expected > limits.maxPayload()) {
                throw new NbdProtocolException("simple reply for handle " + Wire.hex64(handle) + " carries " + expected
                        + " bytes, over the payload limit of " + limits.maxPayload());
            }
            if (b.remaining() < expected) {
                return null;
            }
            data = Wire.readBytes(b, (int) expected);
        }
        in.position(in.position() + b.position());
        return new SimpleReply(handle, error, data);
    }

    private ReplyChunk decodeChunk(ByteBuffer in, ByteBuffer b, ExpectedReadLength inFlight) throws NbdProtocolException {
        if (b.remaining() < ReplyChunk.HEADER_LENGTH) {
            return null;
        }
        b.getInt();
        int flags = Short.toUnsignedInt(b.getShort());
        int type = Short.toUnsignedInt(b.getShort());
        long handle = b.getLong();
        long length = Integer.toUnsignedLong(b.getInt());
        String chunk = "structured reply chunk type " + type + " for handle " + Wire.hex64(handle);
        if (inFlight.dataLength(handle) < 0) {
            throw new NbdProtocolException(chunk + ": the handle is not in flight");
        }
        ReplyType known = ReplyType.of(type).orElse(null);
        if (!ReplyType.isError(type) && (known == null || known == ReplyType.BLOCK_STATUS)) {
            throw new NbdProtocolException(chunk + " is unknown or unexpected and not an error type (length "
                    + length + ")");
        }
        // Reject impossible lengths from the header alone, before waiting for the payload.
        if (known == ReplyType.NONE && length != 0) {
            throw new NbdProtocolException(chunk + ": NBD_REPLY_TYPE_NONE length MUST be 0, got " + length);
        }
        if (known == ReplyType.NONE && !ReplyFlag.DONE.in(flags)) {
            throw new NbdProtocolException(chunk + ": NBD_REPLY_TYPE_NONE MUST have NBD_REPLY_FLAG_DONE");
        }
        if (known == ReplyType.OFFSET_HOLE && length != 12) {
            throw new NbdProtocolException(chunk + ": NBD_REPLY_TYPE_OFFSET_HOLE length MUST be 12, got " + length);
        }
        if (known == ReplyType.OFFSET_DATA && length < 9) {
            throw new NbdProtocolException(chunk + ": NBD_REPLY_TYPE_OFFSET_DATA length MUST be at least 9, got " + length);
        }
        if (length > (long) limits.maxPayload() + 8) {
            throw new NbdProtocolException(chunk + " has length " + length + ", over the payload limit of "
                    + limits.maxPayload() + " + 8");
        }
        int len = (int) length;
        if (b.remaining() < len) {
            return null;
        }
        ByteBuffer p = b.slice(b.position(), len).order(ByteOrder.BIG_ENDIAN);
        ReplyChunk result = switch (known) {
            case NONE -> new ReplyChunk.None(flags, handle);
            case OFFSET_DATA -> {
                long offset = p.getLong();
                yield new ReplyChunk.OffsetData(flags, handle, offset, Wire.readBytes(p, len - 8));
            }
            case OFFSET_HOLE -> {
                long offset = p.getLong();
                long size = Integer.toUnsignedLong(p.getInt());
                if (size == 0) {
                    throw new NbdProtocolException(chunk + ": hole size MUST be nonzero");
                }
                yield new ReplyChunk.OffsetHole(flags, handle, offset, size);
            }
            case ERROR -> {
                ErrorHead h = errorHead(p, chunk, 6);
                exactRest(p, 0, chunk);
                yield new ReplyChunk.ErrorChunk(flags, handle, h.error, h.message);
            }
            case ERROR_OFFSET -> {
                ErrorHead h = errorHead(p, chunk, 14);
                exactRest(p, 8, chunk);
                yield new ReplyChunk.ErrorOffset(flags, handle, h.error, h.message, p.getLong());
            }
            case null -> {
                ErrorHead h = errorHead(p, chunk, 6);
                yield new ReplyChunk.UnknownError(flags, handle, type, h.error, h.message, Wire.readBytes(p, p.remaining()));
            }
            case BLOCK_STATUS -> throw new AssertionError("rejected above");
        };
        in.position(in.position() + ReplyChunk.HEADER_LENGTH + len);
        return result;
    }

    private record ErrorHead(int error, String message) {}

    /**
     * The fields every error chunk begins with: 32 bits error (MUST be nonzero), 16 bits message
     * length (no more than header length - {@code fixed}), message.
     */
    private ErrorHead errorHead(ByteBuffer p, String chunk, int fixed) throws NbdProtocolException {
        int len = p.remaining();
        if (len < fixed) {
            throw new NbdProtocolException(chunk + ": error chunk length MUST be at least " + fixed + ", got " + len);
        }
        int error = p.getInt();
        if (error == 0) {
            throw new NbdProtocolException(chunk + ": error chunk with error value 0 (MUST be nonzero)");
        }
        int messageLength = Short.toUnsignedInt(p.getShort());
        if (messageLength > len - fixed) {
            throw new NbdProtocolException(chunk + ": message length " + messageLength
                    + " does not fit in the chunk length " + len + " - " + fixed);
        }
        return new ErrorHead(error, readString(p, messageLength, "error message"));
    }

    private static void exactRest(ByteBuffer p, int expected, String chunk) throws NbdProtocolException {
        if (p.remaining() != expected) {
            throw new NbdProtocolException(chunk + ": " + (p.remaining() - expected)
                    + " bytes after the message that the chunk type does not define");
        }
    }

    private String readString(ByteBuffer data, int len, String what) throws NbdProtocolException {
        return Wire.readString(data, len, limits.maxStringLength(), what);
    }

    private static ByteBuffer view(ByteBuffer in) {
        return in.slice().order(ByteOrder.BIG_ENDIAN);
    }
}
