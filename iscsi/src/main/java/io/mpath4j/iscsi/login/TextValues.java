package io.mpath4j.iscsi.login;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Value encodings of RFC 7143 §6.1: numbers, booleans, binary values and value lists. */
public final class TextValues {

    public static final String YES = "Yes";
    public static final String NO = "No";
    /** Special answers of §6.2. */
    public static final String REJECT = "Reject";
    public static final String IRRELEVANT = "Irrelevant";
    public static final String NOT_UNDERSTOOD = "NotUnderstood";
    public static final String NONE = "None";

    /** §12.1.3: a CHAP challenge or response of at most 1024 binary bytes; larger binary values are refused. */
    public static final int MAX_BINARY_LENGTH = 1024;

    private TextValues() {}

    /**
     * A numerical value (§6.1 "numerical-value"): decimal, or hexadecimal after {@code 0x}/{@code 0X}.
     * Values that do not fit in 63 bits are refused (no key needs them).
     */
    public static long number(String key, String value) throws NegotiationException {
        try {
            if (value.startsWith("0x") || value.startsWith("0X")) {
                String digits = value.substring(2);
                if (digits.isEmpty() || digits.length() > 15) {
                    throw new NumberFormatException();
                }
                return Long.parseLong(digits, 16);
            }
            if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new NumberFormatException();
            }
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new NegotiationException(key + "=" + KeyValue.quoted(value) + " is not a number");
        }
    }

    public static long number(String key, String value, long min, long max) throws NegotiationException {
        long n = number(key, value);
        if (n < min || n > max) {
            throw new NegotiationException(key + "=" + n + " is outside [" + min + ", " + max + "]");
        }
        return n;
    }

    /** A boolean value (§6.1 "boolean-value"): exactly {@code Yes} or {@code No}. */
    public static boolean bool(String key, String value) throws NegotiationException {
        return switch (value) {
            case YES -> true;
            case NO -> false;
            default -> throw new NegotiationException(key + "=" + KeyValue.quoted(value) + " is not Yes or No");
        };
    }

    public static String bool(boolean b) {
        return b ? YES : NO;
    }

    /** A binary value (§6.1): {@code 0x} + hex digits, or {@code 0b} + base64 ("0X"/"0B" too). */
    public static byte[] binary(String key, String value) throws NegotiationException {
        if (value.length() > 2 && (value.startsWith("0x") || value.startsWith("0X"))) {
            String digits = value.substring(2);
            if (digits.length() > 2 * MAX_BINARY_LENGTH) {
                throw new NegotiationException(key + " binary value is longer than " + MAX_BINARY_LENGTH + " bytes");
            }
            // an odd number of digits has an implied leading zero (§6.1 hex-constant)
            if (digits.length() % 2 == 1) {
                digits = "0" + digits;
            }
            try {
                return HexFormat.of().parseHex(digits);
            } catch (IllegalArgumentException e) {
                throw new NegotiationException(key + " is not valid hex");
            }
        }
        if (value.length() > 2 && (value.startsWith("0b") || value.startsWith("0B"))) {
            String digits = value.substring(2);
            if (digits.length() > (MAX_BINARY_LENGTH + 2) / 3 * 4) {
                throw new NegotiationException(key + " binary value is longer than " + MAX_BINARY_LENGTH + " bytes");
            }
            try {
                return Base64.getDecoder().decode(digits);
            } catch (IllegalArgumentException e) {
                throw new NegotiationException(key + " is not valid base64");
            }
        }
        throw new NegotiationException(key + "=" + KeyValue.quoted(value) + " is not a 0x (hex) or 0b (base64) binary value");
    }

    /** Binary as {@code 0x} + lower-case hex, the encoding every target understands. */
    public static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    /** Binary as {@code 0b} + base64. */
    public static String base64(byte[] bytes) {
        return "0b" + Base64.getEncoder().encodeToString(bytes);
    }

    /** A list value (§6.1 "list-of-values"): comma-separated, in order of preference. */
    public static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        for (String v : value.split(",", -1)) {
            out.add(v);
        }
        return out;
    }
}
