package io.mpath4j.iscsi.login;

/**
 * CHAP authentication failed or was misused (RFC 1994, RFC 7143 §12.1.3): a wrong or missing
 * response, an unsupported algorithm, a reflected challenge, a secret too weak to use. Login ends
 * (§12.1.3: the target answers "Authentication failure", Status-Class 2, Detail 1; an initiator
 * that cannot authenticate the target closes the connection).
 */
public final class ChapException extends NegotiationException {

    public ChapException(String message) {
        super(message);
    }
}
