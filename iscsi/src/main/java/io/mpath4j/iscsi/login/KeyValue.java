package io.mpath4j.iscsi.login;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One {@code key=value} pair of login or text (RFC 7143 §6.1). Keys are at most 63 bytes of
 * letters, digits and {@code . - + @ _} (and {@code #} for {@code X#} extension keys, §13.5);
 * values are UTF-8 without NUL.
 */
public record KeyValue(String key, String value) {

    /** Longest key name, §6.1. */
    public static final int MAX_KEY_LENGTH = 63;

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        String problem = keyProblem(key);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("value of " + key + " contains a NUL");
        }
    }

    public static KeyValue of(String key, String value) {
        return new KeyValue(key, value);
    }

    static String keyProblem(String key) {
        if (key.isEmpty()) {
            return "empty key name";
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_LENGTH) {
            return "key name longer than " + MAX_KEY_LENGTH + " bytes";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '+' || c == '@' || c == '_' || c == '#';
            if (!ok) {
                return "key name " + quoted(key) + " contains the character " + quoted(String.valueOf(c));
            }
        }
        return null;
    }

    static String quoted(String s) {
        return "\"" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "\"";
    }
}
