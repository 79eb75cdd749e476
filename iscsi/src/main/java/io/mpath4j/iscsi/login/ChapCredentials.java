package io.mpath4j.iscsi.login;

import java.util.Arrays;
import java.util.Objects;

/**
 * A CHAP name and secret (RFC 1994 §2; RFC 7143 §12.1.3 CHAP_N and the shared secret). The secret
 * never appears in {@link #toString()}.
 */
public final class ChapCredentials {

    private final String name;
    private final byte[] secret;

    public ChapCredentials(String name, byte[] secret) {
        this.name = Objects.requireNonNull(name, "name");
        this.secret = secret.clone();
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("CHAP name must be non-empty text without NUL");
        }
    }

    public String name() {
        return name;
    }

    public byte[] secret() {
        return secret.clone();
    }

    int secretLength() {
        return secret.length;
    }

    boolean sameSecret(ChapCredentials other) {
        return Arrays.equals(secret, other.secret);
    }

    byte[] secretUnsafe() {
        return secret;
    }

    @Override
    public String toString() {
        return "ChapCredentials[name=" + name + ", secret=(" + secret.length + " bytes)]";
    }
}
