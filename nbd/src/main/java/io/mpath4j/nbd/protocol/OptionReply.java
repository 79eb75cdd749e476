package io.mpath4j.nbd.protocol;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A server reply during fixed newstyle option haggling (proto.md "Fixed newstyle negotiation"): 64
 * bits magic {@code 0x3e889045565a9}, 32 bits option (as sent by the client), 32 bits reply type,
 * 32 bits length, data.
 */
public sealed interface OptionReply {

    /** The option this replies to, as the client sent it. */
    int option();

    /** The reply type on the wire ({@link OptionReplyType}). */
    int type();

    /** {@code NBD_REP_ACK} (1): success, or the end of a list. No data. */
    record Ack(int option) implements OptionReply {
        @Override
        public int type() {
            return OptionReplyType.ACK.code();
        }
    }

    /**
     * {@code NBD_REP_SERVER} (2): 32 bits name length (no larger than the reply length - 4), name,
     * and in the remaining bytes an optional description for humans.
     *
     * @param description empty when absent (the two are the same on the wire)
     */
    record Server(int option, String name, String description) implements OptionReply {
        public Server {
            Wire.checkString("export name", name);
            Wire.checkString("description", description);
        }

        public Server(int option, String name) {
            this(option, name, "");
        }

        @Override
        public int type() {
            return OptionReplyType.SERVER.code();
        }
    }

    /** {@code NBD_REP_INFO} (3): one information item about the export of an INFO or GO. */
    record Info(int option, InfoItem item) implements OptionReply {
        public Info {
            Objects.requireNonNull(item, "item");
        }

        @Override
        public int type() {
            return OptionReplyType.INFO.code();
        }
    }

    /**
     * An error reply: any type with bit 31 set ({@code NBD_REP_ERR_*}), with its optional message
     * ("All error replies MAY have some data set, in which case that data is an error message
     * string suitable for display to the user"). Error types the codec does not know are kept.
     */
    record ErrorReply(int option, int type, String message) implements OptionReply {
        public ErrorReply {
            if (!OptionReplyType.isError(type)) {
                throw new IllegalArgumentException("reply type " + Wire.hex32(type) + " is not an error (bit 31 clear)");
            }
            Wire.checkString("error message", message);
        }

        public ErrorReply(int option, OptionReplyType type, String message) {
            this(option, type.code(), message);
        }

        /** The error, if the spec defines this type. */
        public Optional<OptionReplyType> kind() {
            return OptionReplyType.of(type);
        }
    }

    /**
     * A non-error reply type this codec does not decode (for example {@code NBD_REP_META_CONTEXT},
     * or a type from a newer spec), with its data.
     */
    record Unknown(int option, int type, byte[] data) implements OptionReply {
        public Unknown {
            if (OptionReplyType.isError(type) || type == OptionReplyType.ACK.code()
                    || type == OptionReplyType.SERVER.code() || type == OptionReplyType.INFO.code()) {
                throw new IllegalArgumentException("reply type " + Wire.hex32(type) + " has its own record type");
            }
            data = Objects.requireNonNull(data, "data").clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.option == option && u.type == type && Arrays.equals(u.data, data);
        }

        @Override
        public int hashCode() {
            return (31 * option + type) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Unknown[option=" + option + ", type=" + Wire.hex32(type) + ", data=" + Wire.hex(data) + "]";
        }
    }
}
