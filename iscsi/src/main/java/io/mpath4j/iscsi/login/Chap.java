package io.mpath4j.iscsi.login;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * CHAP with MD5 (RFC 1994 §4.1, algorithm 5 in the PPP registry that RFC 7143 §12.1.3 CHAP_A
 * uses): Response = MD5(Identifier || secret || Challenge), the identifier being one byte.
 */
public final class Chap {

    /** CHAP_A value of CHAP with MD5. */
    public static final int ALGORITHM_MD5 = 5;

    /** Length of an MD5 response. */
    public static final int RESPONSE_LENGTH = 16;

    private Chap() {}

    /** MD5(identifier || secret || challenge). */
    public static byte[] response(int identifier, byte[] secret, byte[] challenge) {
        if (identifier < 0 || identifier > 255) {
            throw new IllegalArgumentException("CHAP identifier " + identifier + " is not one byte");
        }
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
        md5.update((byte) identifier);
        md5.update(secret);
        md5.update(challenge);
        return md5.digest();
    }

    /** Whether {@code response} is right for the identifier, secret and challenge; constant time. */
    public static boolean verify(int identifier, byte[] secret, byte[] challenge, byte[] response) {
        return MessageDigest.isEqual(response(identifier, secret, challenge), response);
    }
}
