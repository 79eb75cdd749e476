package io.mpath4j.iscsi.login;

/**
 * Login or text negotiation failed: malformed text (RFC 7143 §6.1), an illegal answer to an offer
 * (a value out of range, not among those offered, or against the result function, §6.2), or
 * inconsistent results. RFC 7143 §6.2: on an illegal answer the originator ends the negotiation —
 * during login by closing the connection, in full feature phase by a reset of the text
 * negotiation. This is the only exception the text, negotiation and discovery code throws for
 * peer input.
 */
public class NegotiationException extends Exception {

    public NegotiationException(String message) {
        super(message);
    }
}
