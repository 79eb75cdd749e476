package io.mpath4j.nbd.protocol;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * An option sent by the client during option haggling (proto.md "Newstyle negotiation", "Option
 * types"): 64 bits {@code IHAVEOPT}, 32 bits option, 32 bits data length, data.
 */
public sealed interface ClientOption {

    /** The option code on the wire ({@link OptionType}). */
    int code();

    /**
     * {@code NBD_OPT_EXPORT_NAME} (1): data is the export name, whose length is the option length;
     * empty selects the default export. Answered by an {@link ExportNameReply} (or a hard
     * disconnect), never by an option reply.
     */
    record ExportName(String name) implements ClientOption {
        public ExportName {
            Wire.checkString("export name", name);
        }

        @Override
        public int code() {
            return OptionType.EXPORT_NAME.code();
        }
    }

    /** {@code NBD_OPT_ABORT} (2): no data (a server SHOULD ignore any that is sent). */
    record Abort() implements ClientOption {
        @Override
        public int code() {
            return OptionType.ABORT.code();
        }
    }

    /** {@code NBD_OPT_LIST} (3): no data; answered by {@code NBD_REP_SERVER}s then {@code NBD_REP_ACK}. */
    record ListExports() implements ClientOption {
        @Override
        public int code() {
            return OptionType.LIST.code();
        }
    }

    /** {@code NBD_OPT_STARTTLS} (5): no data. */
    record StartTls() implements ClientOption {
        @Override
        public int code() {
            return OptionType.STARTTLS.code();
        }
    }

    /** {@code NBD_OPT_STRUCTURED_REPLY} (8): no data. */
    record StructuredReply() implements ClientOption {
        @Override
        public int code() {
            return OptionType.STRUCTURED_REPLY.code();
        }
    }

    /**
     * {@code NBD_OPT_INFO} (6) and {@code NBD_OPT_GO} (7) share one format (proto.md "Option types",
     * {@code NBD_OPT_INFO}): 32 bits name length (MUST be no larger than the option length - 6),
     * name, 16 bits number of information requests, 16 bits per request.
     */
    sealed interface ExportQuery extends ClientOption permits Info, Go {
        /** Export name; empty selects the default export. */
        String name();

        /**
         * Requested information types, raw ({@link InfoType}); the server MUST ignore ones it does
         * not understand, and the client MUST NOT list one more than once.
         */
        List<Integer> infoRequests();

        /** True if the client asked for {@code type}. */
        default boolean requests(InfoType type) {
            return infoRequests().contains(type.code());
        }
    }

    /** {@code NBD_OPT_INFO} (6): describe an export, stay in option haggling. */
    record Info(String name, List<Integer> infoRequests) implements ExportQuery {
        public Info {
            infoRequests = checkQuery(name, infoRequests);
        }

        public Info(String name, InfoType... requests) {
            this(name, codes(requests));
        }

        @Override
        public int code() {
            return OptionType.INFO.code();
        }
    }

    /** {@code NBD_OPT_GO} (7): describe an export and enter transmission on {@code NBD_REP_ACK}. */
    record Go(String name, List<Integer> infoRequests) implements ExportQuery {
        public Go {
            infoRequests = checkQuery(name, infoRequests);
        }

        public Go(String name, InfoType... requests) {
            this(name, codes(requests));
        }

        @Override
        public int code() {
            return OptionType.GO.code();
        }
    }

    /**
     * Any other option, with its data as sent. The server answers it with {@code
     * NBD_REP_ERR_UNSUP}; the option length lets it skip the data (proto.md "Newstyle negotiation").
     * Codes of the options decoded above are not allowed here.
     */
    record Unknown(int code, byte[] data) implements ClientOption {
        public Unknown {
            Objects.requireNonNull(data, "data");
            if (isDecoded(code)) {
                throw new IllegalArgumentException("option " + code + " has its own record type");
            }
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** Length of the data, without copying it. */
        public int length() {
            return data.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.code == code && Arrays.equals(u.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * code + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Unknown[code=" + Integer.toUnsignedString(code) + ", data=" + Wire.hex(data) + "]";
        }
    }

    /** True for the option codes that have their own record type. */
    static boolean isDecoded(int code) {
        return code == OptionType.EXPORT_NAME.code() || code == OptionType.ABORT.code()
                || code == OptionType.LIST.code() || code == OptionType.STARTTLS.code()
                || code == OptionType.INFO.code() || code == OptionType.GO.code()
                || code == OptionType.STRUCTURED_REPLY.code();
    }

    private static List<Integer> codes(InfoType... types) {
        return Arrays.stream(types).map(InfoType::code).toList();
    }

    private static List<Integer> checkQuery(String name, List<Integer> infoRequests) {
        Wire.checkString("export name", name);
        List<Integer> copy = List.copyOf(infoRequests);
        if (copy.size() > 0xFFFF) {
            throw new IllegalArgumentException(copy.size() + " information requests do not fit in 16 bits");
        }
        var seen = new HashSet<Integer>();
        for (int r : copy) {
            Wire.checkU16("information request", r);
            if (!seen.add(r)) {
                throw new IllegalArgumentException("information request " + r
                        + " listed more than once (the client MUST NOT)");
            }
        }
        return copy;
    }
}
