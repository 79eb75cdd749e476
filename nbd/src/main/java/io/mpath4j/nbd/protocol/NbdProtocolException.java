package io.mpath4j.nbd.protocol;

/**
 * The peer sent bytes that are not a valid NBD message: bad magic, a length over a limit or
 * inconsistent with an inner length, an unknown type where the spec requires a hard disconnect,
 * invalid UTF-8, and so on. This is the only exception the decoders throw for any input.
 *
 * <p>After this exception the byte stream is, in general, out of sync and the connection must be
 * dropped ("initiate a hard disconnect", proto.md "Termination of the session during option
 * haggling" and "Terminating the transmission phase": either side MAY do so when the other
 * violates a mandatory condition). The subclass {@link InvalidOptionException} marks the one case
 * where the stream stays in sync.
 */
public class NbdProtocolException extends Exception {

    public NbdProtocolException(String message) {
        super(message);
    }
}
