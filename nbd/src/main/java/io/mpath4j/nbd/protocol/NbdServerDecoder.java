package io.mpath4j.nbd.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Objects;

/**
 * Decodes what a client sends, for use by a server: the client flags, options during option
 * haggling, and requests during transmission. The caller knows the phase and calls the matching
 * method.
 *
 * <p>Every method is incremental and pure: given the bytes received so far (from the buffer's
 * position to its limit, in any byte order setting), it returns the message and advances the
 * position past exactly its bytes if the whole message is there, or returns {@code null} and leaves
 * the position alone if more bytes are needed. Malformed input throws {@link NbdProtocolException},
 * after which the connection is to be dropped, except for {@link InvalidOptionException}, which
 * {@link #decodeOption} throws after consuming a well-framed option with invalid data. A length
 * over a limit is rejected as soon as the header is seen, before waiting for or allocating the
 * data.
 *
 * <p>Instances hold only their limits and are safe to share.
 */
public final class NbdServerDecoder {

    private final NbdLimits limits;

    public NbdServerDecoder() {
        this(NbdLimits.DEFAULT);
    }

    public NbdServerDecoder(NbdLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public NbdLimits limits() {
        return limits;
    }

    /**
     * The 32-bit client flags that follow the server greeting (proto.md "Client flags"). The
     * server "MUST drop the TCP connection if the client sets an unknown flag, or a flag that does
     * not match something advertised by the server", so both are protocol errors here.
     *
     * @param advertisedHandshakeFlags the handshake flags this server sent in its greeting
     */
    public ClientFlags decodeClientFlags(ByteBuffer in, int advertisedHandshakeFlags) throws NbdProtocolException {
        if (in.remaining() < ClientFlags.LENGTH) {
            return null;
        }
        int flags = view(in).getInt();
        int unknown = ClientFlag.unknownBits(flags);
        if (unknown != 0) {
            throw new NbdProtocolException("client flags " + Wire.hex32(flags) + " set unknown bits " + Wire.hex32(unknown));
        }
        if (ClientFlag.FIXED_NEWSTYLE.in(flags) && !HandshakeFlag.FIXED_NEWSTYLE.in(advertisedHandshakeFlags)) {
            throw new NbdProtocolException("client set NBD_FLAG_C_FIXED_NEWSTYLE but the server did not advertise it");
        }
        if (ClientFlag.NO_ZEROES.in(flags) && !HandshakeFlag.NO_ZEROES.in(advertisedHandshakeFlags)) {
            throw new NbdProtocolException("client set NBD_FLAG_C_NO_ZEROES but the server did not advertise NBD_FLAG_NO_ZEROES");
        }
        in.position(in.position() + ClientFlags.LENGTH);
        return new ClientFlags(flags);
    }

    /**
     * One option (proto.md "Newstyle negotiation": {@code IHAVEOPT}, 32 bits option, 32 bits
     * length, data). A bad magic or a length over {@link NbdLimits#maxOptionLength()} is an {@link
     * NbdProtocolException}. Once the whole option is present it is consumed, and invalid data
     * (see {@link InvalidOptionException}) throws that exception with the stream still in sync.
     * Options other than the ones with their own record type are returned as {@link
     * ClientOption.Unknown}.
     */
    public ClientOption decodeOption(ByteBuffer in) throws NbdProtocolException {
        if (in.remaining() < NbdEncoder.OPTION_HEADER_LENGTH) {
            return null;
        }
        ByteBuffer b = view(in);
        long magic = b.getLong();
        if (magic != NbdMagic.IHAVEOPT) {
            throw new NbdProtocolException("bad option magic " + Wire.hex64(magic) + ", expected IHAVEOPT "
                    + Wire.hex64(NbdMagic.IHAVEOPT));
        }
        int option = b.getInt();
        long length = Integer.toUnsignedLong(b.getInt());
        if (length > limits.maxOptionLength()) {
            throw new NbdProtocolException("option " + Integer.toUnsignedString(option) + " has data length " + length
                    + ", over the limit of " + limits.maxOptionLength());
        }
        int len = (int) length;
        if (b.remaining() < len) {
            return null;
        }
        // The frame is complete: consume it, so that an invalid option leaves the stream in sync.
        in.position(in.position() + NbdEncoder.OPTION_HEADER_LENGTH + len);
        ByteBuffer data = b.slice(b.position(), len).order(ByteOrder.BIG_ENDIAN);
        return parseOption(option, data);
    }

    private ClientOption parseOption(int option, ByteBuffer data) throws InvalidOptionException {
        int len = data.remaining();
        return switch (OptionType.of(option).orElse(null)) {
            case EXPORT_NAME -> new ClientOption.ExportName(readString(data, len, "export name", option));
            // "a server SHOULD ignore any data sent by the client rather than rejecting the request"
            case ABORT -> new ClientOption.Abort();
            case LIST -> noData(option, "NBD_OPT_LIST", len, new ClientOption.ListExports());
            case STARTTLS -> noData(option, "NBD_OPT_STARTTLS", len, new ClientOption.StartTls());
            case STRUCTURED_REPLY -> noData(option, "NBD_OPT_STRUCTURED_REPLY", len, new ClientOption.StructuredReply());
            case INFO, GO -> parseExportQuery(option, data);
            case null, default -> new ClientOption.Unknown(option, Wire.readBytes(data, len));
        };
    }

    private static ClientOption noData(int option, String name, int len, ClientOption value) throws InvalidOptionException {
        if (len != 0) {
            throw new InvalidOptionException(option, name + " carries no data, but has " + len + " bytes");
        }
        return value;
    }

    /**
     * proto.md {@code NBD_OPT_INFO} / {@code NBD_OPT_GO}: 32 bits name length ("MUST be no larger
     * than the option data length - 6"), name, 16 bits number of requests, 16 bits each.
     */
    private ClientOption parseExportQuery(int option, ByteBuffer data) throws InvalidOptionException {
        String what = option == OptionType.GO.code() ? "NBD_OPT_GO" : "NBD_OPT_INFO";
        int len = data.remaining();
        if (len < 6) {
            throw new InvalidOptionException(option, what + " data length " + len
                    + " is shorter than the 6 bytes of name length and request count");
        }
        long nameLength = Integer.toUnsignedLong(data.getInt());
        if (nameLength > len - 6) {
            throw new InvalidOptionException(option, what + " name length " + nameLength
                    + " is larger than the option data length " + len + " - 6");
        }
        String name = readString(data, (int) nameLength, "export name", option);
        int count = Short.toUnsignedInt(data.getShort());
        if (data.remaining() != 2 * count) {
            throw new InvalidOptionException(option, what + " announces " + count + " information requests ("
                    + 2 * count + " bytes) but " + data.remaining() + " bytes remain");
        }
        var requests = new ArrayList<Integer>(count);
        var seen = new HashSet<Integer>();
        for (int i = 0; i < count; i++) {
            int r = Short.toUnsignedInt(data.getShort());
            if (!seen.add(r)) {
                throw new InvalidOptionException(option, what + " lists information request " + r
                        + " more than once (the client MUST NOT)");
            }
            requests.add(r);
        }
        return option == OptionType.GO.code() ? new ClientOption.Go(name, requests) : new ClientOption.Info(name, requests);
    }

    private String readString(ByteBuffer data, int len, String what, int option) throws InvalidOptionException {
        try {
            return Wire.readString(data, len, limits.maxStringLength(), what);
        } catch (NbdProtocolException e) {
            throw new InvalidOptionException(option, e.getMessage());
        }
    }

    /**
     * One request (proto.md "Request message"): magic {@code 0x25609513}, flags, type, handle,
     * offset, length, and for {@code NBD_CMD_WRITE} <i>length</i> bytes of data, which must not be
     * over {@link NbdLimits#maxPayload()}. Unknown types and flags are returned as they are (the
     * server SHOULD answer them with {@code NBD_EINVAL}); an unknown type is taken to carry no data.
     */
    public Request decodeRequest(ByteBuffer in) throws NbdProtocolException {
        if (in.remaining() < Request.HEADER_LENGTH) {
            return null;
        }
        ByteBuffer b = view(in);
        int magic = b.getInt();
        if (magic != NbdMagic.REQUEST_MAGIC) {
            throw new NbdProtocolException("bad request magic " + Wire.hex32(magic) + ", expected "
                    + Wire.hex32(NbdMagic.REQUEST_MAGIC));
        }
        int flags = Short.toUnsignedInt(b.getShort());
        int type = Short.toUnsignedInt(b.getShort());
        long handle = b.getLong();
        long offset = b.getLong();
        long length = Integer.toUnsignedLong(b.getInt());
        byte[] data = null;
        if (type == CommandType.WRITE.code()) {
            if (length > limits.maxPayload()) {
                throw new NbdProtocolException("write of " + length + " bytes (handle " + Wire.hex64(handle)
                        + ") is over the payload limit of " + limits.maxPayload());
            }
            if (b.remaining() < length) {
                return null;
            }
            data = Wire.readBytes(b, (int) length);
        }
        in.position(in.position() + b.position());
        return new Request(flags, type, handle, offset, length, data);
    }

    /** The unread bytes of {@code in}, big-endian, with their own position. */
    static ByteBuffer view(ByteBuffer in) {
        return in.slice().order(ByteOrder.BIG_ENDIAN);
    }
}
